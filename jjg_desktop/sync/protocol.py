"""The sync wire format, `/sync/v1`: one truth for the client and the provincial server.

The client sends commands (what a user did, with the server version it was made on); the
server decides, applies each in one transaction and answers per command. Pulls return the
server's changes after a cursor, in commit order, tombstones included. Files travel by their
SHA-256, resumably. Every message is validated on arrival: a truncated or foreign reply is
refused before anything is written. See docs/sync-protocol.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

VERSION = "sync/v1"
PREFIX = "/sync/v1"

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
MAX_INT64 = 2**63 - 1
"""Every counter on the wire (command ids, versions, cursors) fits a signed 64-bit integer;
a larger one is refused at the edge (422), never stored or retried."""


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Meta(Message):
    """GET /sync/v1/meta: what the client checks before anything else."""

    protocol: Literal["sync/v1"] = VERSION
    server_time: datetime
    epoch: str = Field(description="changes when the server database is restored from backup")
    min_client_version: str
    latest_seq: int = Field(ge=0)


class LoginRequest(Message):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    client_id: RecordId


class UserInfo(Message):
    username: str
    display_name: str
    role: Literal["inspector", "county_clerk", "prefecture_reviewer", "province_admin"]
    division_code: str


class LoginResponse(Message):
    token: str
    expires_at: datetime
    user: UserInfo


class RowChange(Message):
    """One record as the command left it on the client: every column but the version.

    ``base_version`` is the server version the client's copy was made on (None: created on the
    client). The server refuses the command if anyone else wrote the record since then.
    """

    entity: str = Field(min_length=1, max_length=32)
    id: RecordId
    base_version: int | None = Field(default=None, ge=0, le=MAX_INT64)
    deleted: bool = False
    data: dict[str, Any]
    changed: list[str] | None = Field(default=None, max_length=200, description=(
        "the columns this command changed (None: a new record, or an older client; the "
        "server then compares with the base version)"))


MAX_COMMAND_ROWS = 200
MAX_PUSH_ROWS = 5000
"""Rows one push may carry in all (a command carries at most MAX_COMMAND_ROWS): the server
answers 413 beyond it, and the client sends fewer commands at a time."""


class Command(Message):
    """One outbox entry as sent: `id` increases per client and makes replays idempotent.

    ``command`` names what the user did (checked against their role and scope); ``rows`` are
    the records it wrote, which the server stores and hands to other clients' pulls.
    """

    id: int = Field(ge=1, le=MAX_INT64)
    command: str = Field(min_length=1, max_length=64)
    entity: str = Field(min_length=1, max_length=32)
    entity_id: RecordId
    base_version: int | None = Field(default=None, ge=0, le=MAX_INT64)
    args: dict[str, Any]
    created_at: datetime
    rows: list[RowChange] = Field(default_factory=list, max_length=MAX_COMMAND_ROWS)
    files: list[Sha256] = Field(default_factory=list)
    author: str | None = Field(default=None, max_length=64, description=(
        "the user who made the change; the server takes it only from that user's sign-in"))


class AuditHead(Message):
    """An entry of the laptop's audit chain: its number and hash."""

    seq: int = Field(ge=0, le=MAX_INT64)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class AuditProof(Message):
    """The laptop's audit-chain head, and its entry at the head the server last acknowledged
    (``anchored``), so the server can tell a log cut short or rewritten."""

    head: AuditHead
    anchored: AuditHead | None = None


class PushRequest(Message):
    client_id: RecordId
    commands: list[Command] = Field(max_length=500)
    audit: AuditProof | None = None


class CommandResult(Message):
    id: int
    status: Literal["applied", "duplicate", "rejected", "retry"]
    reason: str = Field(default="", description="why it was rejected or must wait, in Chinese")
    server_version: int | None = None
    current: dict[str, Any] | None = Field(
        default=None, description="the record as the server has it, for a rejected command")
    decided_by: str = ""
    decided_at: datetime | None = None


class PushResponse(Message):
    results: list[CommandResult]
    latest_seq: int = Field(ge=0)
    audit_anchor: AuditHead | None = Field(default=None, description=(
        "the audit-chain head the server now holds for this laptop"))
    audit_problem: str = Field(default="", description=(
        "how this laptop's audit log departs from what the server held (Chinese)"))


class ChangeEntry(Message):
    """One committed change, in the order the server committed them."""

    seq: int = Field(ge=1)
    entity: str
    id: RecordId
    version: int = Field(ge=1)
    deleted: bool = False
    data: dict[str, Any]
    server_at: datetime


class PullResponse(Message):
    """GET /sync/v1/pull?cursor=N&limit=M."""

    epoch: str
    changes: list[ChangeEntry]
    cursor: int = Field(ge=0, description="where the next pull starts")
    more: bool


class RecordKey(Message):
    entity: str = Field(min_length=1, max_length=32)
    id: RecordId


class RecordsRequest(Message):
    """POST /sync/v1/records: the latest server copy of these records (taking the server's
    side of a conflict)."""

    keys: list[RecordKey] = Field(max_length=1000)


class CurrentRecord(Message):
    entity: str
    id: RecordId
    version: int = Field(ge=1)
    deleted: bool = False
    data: dict[str, Any]


class RecordsResponse(Message):
    records: list[CurrentRecord]
    missing: list[RecordKey] = Field(
        description="records the server does not have, or that the caller may not see")


class MissingFilesRequest(Message):
    hashes: list[Sha256] = Field(max_length=1000)


class MissingFilesResponse(Message):
    missing: list[Sha256]
    held: dict[Sha256, int] = Field(
        default_factory=dict,
        description="bytes the server already holds of a missing file (an upload cut short): "
                    "resume there without asking again")


class UploadStatus(Message):
    """HEAD/PUT /sync/v1/files/{sha256}: how much the server holds; complete once re-hashed."""

    sha256: Sha256
    offset: int = Field(ge=0)
    size: int = Field(ge=0)
    complete: bool


class ProblemDetail(Message):
    """Any error reply: what happened and what to do, in Chinese."""

    status: int
    title: str
    detail: str = ""
