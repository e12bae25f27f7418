"""Errors a user action can end in; each message says what happened, in Chinese."""

from __future__ import annotations

from jjg_desktop.store.errors import DiskFull, ServiceError

__all__ = ["DiskFull", "InvalidInput", "NotFound", "ServiceError"]


class NotFound(ServiceError):
    pass


class InvalidInput(ServiceError):
    pass
