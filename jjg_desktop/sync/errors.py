"""Why a sync did not finish, in words for the user, and whether trying again later may help."""

from __future__ import annotations


class SyncError(Exception):
    """A sync stopped; ``message`` is Chinese. ``transient``: a later retry may succeed."""

    transient = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Offline(SyncError):
    """The server cannot be reached (no network, refused, timed out, cut off)."""


class ServerTrouble(SyncError):
    """The server answered with an error of its own (5xx) or a reply that breaks the protocol."""


class TooLarge(SyncError):
    """The server will not take a request this large (413): send less at a time."""


class NotSignedIn(SyncError):
    """No token, or the server no longer accepts it: the user must log in again."""

    transient = False


class Refused(SyncError):
    """The server refuses this client for good (forbidden, too old, wrong server)."""

    transient = False


class Stopped(SyncError):
    """The user or the program asked the sync to stop; what was done so far is kept."""
