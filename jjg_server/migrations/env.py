"""Alembic environment of the server database; configured in code by jjg_server.schema."""

from __future__ import annotations

from alembic import context

from jjg_server.schema import VERSION_TABLE
from jjg_server.store import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
