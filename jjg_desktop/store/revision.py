"""The newest schema revision in db/migrations. An up-to-date database opens without loading
Alembic, and the first paint checks it before SQLAlchemy is imported; a test keeps this equal
to the scripts' head."""

from __future__ import annotations

SCHEMA_HEAD = "0014"
