"""`GET /sync/v1/pull`: the changes after a cursor that the caller may see, in commit order.

The page ends at ``limit`` visible changes or at the newest committed change; the cursor
returned is the last change examined, so it moves past changes the caller may not see and
reaches ``latest_seq`` when nothing more is there for them (the client then skips the pull).
"""

from __future__ import annotations

import json

from sqlalchemy import Text, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from jjg_server import store
from jjg_server.auth import Caller
from jjg_server.scopes import level_of, scopes_of
from jjg_server.store import ChangeAudience, ChangeLog

DEFAULT_LIMIT = 500
MAX_LIMIT = 2000


def pull(session: Session, caller: Caller, cursor: int, limit: int) -> bytes:
    """The page as the JSON of a PullResponse. Each change's data is spliced in as the text
    the database holds (it was validated when written), not decoded and encoded again."""
    newest = session.scalar(select(func.coalesce(func.max(ChangeLog.seq), 0))) or 0
    query = (select(ChangeLog.seq, ChangeLog.entity, ChangeLog.record_id, ChangeLog.version,
                    ChangeLog.deleted, cast(ChangeLog.data, Text), ChangeLog.committed_at)
             .where(ChangeLog.seq > cursor, ChangeLog.seq <= newest,
                    or_(ChangeLog.audience.is_(None), exists().where(
                        ChangeAudience.seq == ChangeLog.seq,
                        ChangeAudience.username == caller.username)))
             .order_by(ChangeLog.seq).limit(limit + 1))
    if level_of(caller.division_code) != 1:
        query = query.where(ChangeLog.scope.in_(sorted(scopes_of(caller.division_code))))
    found = session.execute(query).all()
    more = len(found) > limit
    page = found[:limit]
    changes = ",".join(
        f'{{"seq":{seq},"entity":{json.dumps(entity)},"id":{json.dumps(record_id)},'
        f'"version":{version},"deleted":{"true" if deleted else "false"},"data":{data},'
        f'"server_at":"{at.isoformat()}"}}'
        for seq, entity, record_id, version, deleted, data, at in page)
    next_cursor = page[-1][0] if more else max(cursor, newest)
    return (f'{{"epoch":{json.dumps(store.epoch(session))},"changes":[{changes}],'
            f'"cursor":{next_cursor},"more":{"true" if more else "false"}}}').encode()
