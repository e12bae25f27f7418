"""The HTTP side of `/sync/v1`: every reply is a `protocol` model, every error a ProblemDetail."""

from __future__ import annotations

import math
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import anyio
from anyio import to_thread
from fastapi import FastAPI, Query, Request, Response
from sqlalchemy.orm import sessionmaker

from jjg_desktop.rules.workflow import Workflow
from jjg_desktop.sync.protocol import (
    MAX_COMMAND_ROWS,
    MAX_INT64,
    MAX_PUSH_ROWS,
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
from jjg_server import anchoring, auth, file_routes, files, gate, permissions, pull, store
from jjg_server.push import Pusher
from jjg_server.throttle import LoginThrottle
from jjg_server.web import SignedIn, install_error_handlers, problem, problems

MIN_CLIENT_VERSION = "0.1.0"
PASSWORD_CHECKS = max(1, (os.cpu_count() or 2) // 2)
"""Password checks at once: each costs ~0.1 s of CPU and 64 MiB; more would starve syncs."""
TOKEN_TTL = timedelta(hours=12)


def create_app(db_url: str, *, files_dir: Path | None = None,
               min_client_version: str = MIN_CLIENT_VERSION,
               token_ttl: timedelta = TOKEN_TTL,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC),
               workflow: Workflow | None = None,
               upload_quota: int = files.UPLOAD_QUOTA,
               partial_ttl: timedelta = files.PARTIAL_TTL,
               stall_after: float = files.STALL_AFTER,
               docs: bool = True, max_push_rows: int = MAX_PUSH_ROWS) -> FastAPI:
    """The server over the database at ``db_url`` (created or upgraded, with its epoch) and
    the files folder (default: beside a SQLite database). ``workflow`` overrides the
    published one (tests); the upload settings are `files.FileStore`'s. ``docs``: serve
    /docs and /openapi.json (not in production). ``max_push_rows``: rows one push may carry
    (never fewer than one command's most)."""
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

    hidden: dict[str, None] = {} if docs else {"docs_url": None, "redoc_url": None,
                                                "openapi_url": None}
    app = FastAPI(title="吉建管 省级同步服务", version=min_client_version, lifespan=lifespan,
                  **hidden,
                  description="客户端与省级服务器之间的同步协议 /sync/v1，见 docs/sync-protocol.md")
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.clock = clock
    app.state.files = file_store
    install_error_handlers(app)
    gate.install(app, sessions=sessions, clock=clock)
    app.include_router(file_routes.router)

    @app.get(f"{PREFIX}/meta", response_model=Meta, summary="服务器时间、纪元与最新变更序号",
             tags=["同步"])
    def meta() -> Meta:
        with sessions() as session:
            return Meta(server_time=clock(), epoch=store.epoch(session),
                        min_client_version=min_client_version,
                        latest_seq=store.latest_seq(session))

    throttle = LoginThrottle()
    password_checks = anyio.Semaphore(PASSWORD_CHECKS)

    def check_password(request: LoginRequest) -> LoginResponse:
        with sessions.begin() as session:
            return auth.login(session, request, now=clock(), ttl=token_ttl)

    def held_back(username: str, address: str) -> None:
        wait = throttle.wait(username, address, clock())
        if wait:
            minutes = f"{math.ceil(wait / 60)} 分钟" if wait >= 60 else f"{int(wait)} 秒"
            raise auth.AuthError(429, "登录尝试过于频繁", f"密码错误次数过多，请 {minutes}后再试",
                                 retry_after=wait)

    @app.post(f"{PREFIX}/login", response_model=LoginResponse, summary="登录，取得令牌",
              description="密码错误多次后须等待（429，Retry-After 为秒数）。",
              tags=["登录"], responses=problems(401, 403, 422, 429))
    async def login(request: LoginRequest, http: Request) -> LoginResponse:
        address = http.client.host if http.client else ""
        held_back(request.username, address)
        async with password_checks:
            held_back(request.username, address)
            try:
                reply = await to_thread.run_sync(check_password, request)
            except auth.AuthError as exc:
                if exc.status == 401:
                    throttle.failed(request.username, address, clock())
                raise
        throttle.succeeded(request.username, address, clock())
        return reply

    @app.post(f"{PREFIX}/push", response_model=PushResponse, summary="提交本机的操作",
              tags=["同步"], responses=problems(401, 403, 413, 422))
    def push_commands(request: PushRequest, who: SignedIn) -> PushResponse | Response:
        if request.client_id != who.client_id:
            raise auth.AuthError(403, "客户端标识与登录时不一致", "请在本机重新登录后再同步")
        rows = sum(len(c.rows) for c in request.commands)
        if rows > max(max_push_rows, MAX_COMMAND_ROWS):
            return problem(413, "一次提交的记录过多",
                           f"本次 {rows} 条，一次最多 {max_push_rows} 条；请分批提交")
        with sessions.begin() as session:
            anchor, audit_problem = anchoring.receive(session, who, request.audit, now=clock())
        reply = pusher.push(who, request)
        return reply.model_copy(update={"audit_anchor": anchor, "audit_problem": audit_problem})

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


