"""Errors a user action can end in; each message says what happened, in Chinese."""

from __future__ import annotations


class ServiceError(Exception):
    """The action was refused and nothing was written."""


class NotFound(ServiceError):
    pass


class InvalidInput(ServiceError):
    pass
