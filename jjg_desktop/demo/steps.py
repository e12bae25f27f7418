"""Work done on this machine, as the steps a user took, replayed through the audit and outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jjg_desktop.services.context import Actor


@dataclass(frozen=True, slots=True)
class Official:
    username: str
    display_name: str
    role: str
    division_code: str
    cert_no: str = ""

    @property
    def actor(self) -> Actor:
        return Actor(username=self.username, display_name=self.display_name, role=self.role,
                     division_code=self.division_code)

    def member(self, role: str) -> dict[str, str]:
        """An entry of an inspection team or a verification."""
        return {"name": self.display_name, "role": role, "cert_no": self.cert_no}


@dataclass(slots=True)
class Step:
    """One user action: the rows it created and what it wrote to the audit log and outbox.

    `rows` hold their final state, unless a later step's `apply` changes them (a change that
    refers to a row made later, such as a finding closed by a re-inspection).
    """

    at: datetime
    action: str
    entity: str
    entity_id: str
    data: dict[str, Any]
    rows: list[Any] = field(default_factory=list)
    args: dict[str, Any] | None = None
    apply: Callable[[], None] | None = None
    command: str | None = None


def row_data(row: Any, *names: str) -> dict[str, Any]:
    """The named attributes of a row, JSON-ready (dates as ISO text)."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(row, name)
        out[name] = value.isoformat() if isinstance(value, date | datetime) else value
    return out
