"""The HTTP side of `/sync/v1`: every reply is a `protocol` model, every error a ProblemDetail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query, Response
from sqlalchemy.orm import sessionmaker

from jjg_desktop.rules.workflow import Workflow
from jjg_desktop.sync.protocol import (
    MAX_INT64,
    PREFIX,
    CurrentRecord,
    LoginRequest,
    LoginResponse,
    Meta,
    PullResponse,
    PushRequest,
    PushResponse,
    RecordsRequest,
    RecordsResponse,
)
from jjg_server import auth, file_routes, files, permissions, pull, store
from jjg_server.push import Pusher
from jjg_server.web import SignedIn, install_error_handlers, problems

MIN_CLIENT_VERSION = "0.1.0"
TOKEN_TTL = timedelta(hours=12)


def create_app(db_url: str, *, files_dir: Path | None = None,
               min_client_version: str = MIN_CLIENT_VERSION,
               token_ttl: timedelta = TOKEN_TTL,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC),
               workflow: Workflow | None = None,
               upload_quota: int = files.UPLOAD_QUOTA,
               partial_ttl: timedelta = files.PARTIAL_TTL,
               stall_after: float = files.STALL_AFTER) -> FastAPI:
    """The server over the database at ``db_url`` (created or upgraded, with its epoch) and
    the files folder (default: beside a SQLite database). ``workflow`` overrides the
    published one (tests); the upload settings are `files.FileStore`'s."""
    folder = files_dir or files.default_dir(store.normalize_url(db_url))
    engine = store.open_db(db_url)
    file_store = files.FileStore(folder, quota=upload_quota, partial_ttl=partial_ttl,
                                 stall_after=stall_after)
    sessions = sessionmaker(engine, expire_on_commit=False)
    pusher = Pusher(sessions, file_store, clock=clock, workflow=workflow)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="吉建管 省级同步服务", version=min_client_version, lifespan=lifespan,
                  description="客户端与省级服务器之间的同步协议 /sync/v1，见 docs/sync-protocol.md")
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.clock = clock
    app.state.files = file_store
    install_error_handlers(app)
    app.include_router(file_routes.router)

    @app.get(f"{PREFIX}/meta", response_model=Meta, summary="服务器时间、纪元与最新变更序号",
             tags=["同步"])
    def meta() -> Meta:
        with sessions() as session:
            return Meta(server_time=clock(), epoch=store.epoch(session),
                        min_client_version=min_client_version,
                        latest_seq=store.latest_seq(session))

    @app.post(f"{PREFIX}/login", response_model=LoginResponse, summary="登录，取得令牌",
              tags=["登录"], responses=problems(401, 403, 422))
    def login(request: LoginRequest) -> LoginResponse:
        with sessions.begin() as session:
            return auth.login(session, request, now=clock(), ttl=token_ttl)

    @app.post(f"{PREFIX}/push", response_model=PushResponse, summary="提交本机的操作",
              tags=["同步"], responses=problems(401, 403, 422))
    def push_commands(request: PushRequest, who: SignedIn) -> PushResponse:
        if request.client_id != who.client_id:
            raise auth.AuthError(403, "客户端标识与登录时不一致", "请在本机重新登录后再同步")
        return pusher.push(who, request)

    @app.get(f"{PREFIX}/pull", response_model=PullResponse, summary="取回游标之后的变更",
             tags=["同步"], responses=problems(401, 422))
    def pull_changes(
            who: SignedIn,
            cursor: Annotated[int, Query(ge=0, le=MAX_INT64,
                                         description="上次取回后得到的游标")] = 0,
            limit: Annotated[int, Query(ge=1, le=pull.MAX_LIMIT, description="每页最多条数")]
            = pull.DEFAULT_LIMIT) -> Response:
        with sessions() as session, session.begin():
            page = pull.pull(session, who, cursor, limit)
        return Response(page, media_type="application/json")

    @app.post(f"{PREFIX}/records", response_model=RecordsResponse,
              summary="取回指定记录在服务器上的最新版本", tags=["同步"],
              responses=problems(401, 422))
    def current_records(request: RecordsRequest, who: SignedIn) -> RecordsResponse:
        found, missing = [], []
        with sessions() as session:
            for key in request.keys:
                record = session.get(store.Record, (key.entity, key.id))
                if record is None or not permissions.may_see(who, record):
                    missing.append(key)
                    continue
                found.append(CurrentRecord(entity=record.entity, id=record.record_id,
                                           version=record.version, deleted=record.deleted,
                                           data=record.data))
        return RecordsResponse(records=found, missing=missing)

    return app


