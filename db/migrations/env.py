"""Alembic environment for the local store; configured in code by jjg_desktop.store.migrate."""

from __future__ import annotations

from alembic import context

from jjg_desktop.store.migrate import include_name
from jjg_desktop.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_name=include_name,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
