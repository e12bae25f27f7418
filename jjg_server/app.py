"""The HTTP side of `/sync/v1`: every reply is a `protocol` model, every error a ProblemDetail."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from jjg_desktop.rules.workflow import Workflow
from jjg_desktop.sync.protocol import (
    PREFIX,
    LoginRequest,
    LoginResponse,
    Meta,
    ProblemDetail,
    PushRequest,
    PushResponse,
)
from jjg_server import auth, push, store, workflows

MIN_CLIENT_VERSION = "0.1.0"
TOKEN_TTL = timedelta(hours=12)
PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: "请求无效",
    401: "未登录或登录已过期",
    403: "没有权限",
    404: "请求的地址不存在",
    405: "不支持的请求方法",
    413: "请求内容过大",
    500: "服务器内部错误",
}


def problem(status: int, title: str, detail: str = "",
            headers: dict[str, str] | None = None) -> JSONResponse:
    body = ProblemDetail(status=status, title=title, detail=detail)
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM_JSON,
                        headers=headers)


def _field(error: dict[str, object]) -> str:
    if error.get("type") == "json_invalid":
        return "请求体（不是有效的 JSON）"
    loc = error.get("loc", ())
    parts = loc if isinstance(loc, tuple | list) else ()
    return ".".join(str(part) for part in parts if part != "body") or "请求体"


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = sorted({_field(err) for err in exc.errors()})
        return problem(422, "请求内容不符合协议",
                       f"以下字段缺失或无效：{'、'.join(fields)}。请升级客户端或联系管理员")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, _TITLES.get(exc.status_code, "请求失败"),
                       headers=dict(exc.headers) if exc.headers else None)

    @app.exception_handler(auth.AuthError)
    async def auth_error(_request: Request, exc: auth.AuthError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return problem(exc.status, exc.title, exc.detail, headers)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, _exc: Exception) -> JSONResponse:
        return problem(500, _TITLES[500], "请稍后重试；问题持续请联系管理员")


_bearer = HTTPBearer(auto_error=False, description="登录时得到的令牌")


def signed_in(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None,
                                                       Depends(_bearer)]) -> auth.Caller:
    """The user behind ``Authorization: Bearer``, or 401 未登录或登录已过期."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    with sessions() as session:
        return auth.authenticate(session, credentials.credentials if credentials else None,
                                 now=request.app.state.clock())


SignedIn = Annotated[auth.Caller, Depends(signed_in)]


def create_app(db_url: str, *, min_client_version: str = MIN_CLIENT_VERSION,
               token_ttl: timedelta = TOKEN_TTL,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC),
               workflow: Workflow | None = None) -> FastAPI:
    """The server over the database at ``db_url`` (created, with its epoch, if new)."""
    case_workflow = workflow or workflows.abnormal_list()
    engine = store.open_db(db_url)
    sessions = sessionmaker(engine, expire_on_commit=False)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="吉建管 省级同步服务", version=min_client_version, lifespan=lifespan)
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.clock = clock
    _install_error_handlers(app)

    @app.get(f"{PREFIX}/meta", response_model=Meta)
    def meta() -> Meta:
        with sessions() as session:
            return Meta(server_time=clock(), epoch=store.epoch(session),
                        min_client_version=min_client_version,
                        latest_seq=store.latest_seq(session))

    @app.post(f"{PREFIX}/login", response_model=LoginResponse,
              responses={401: {"model": ProblemDetail}, 403: {"model": ProblemDetail},
                         422: {"model": ProblemDetail}})
    def login(request: LoginRequest) -> LoginResponse:
        with sessions.begin() as session:
            return auth.login(session, request, now=clock(), ttl=token_ttl)

    @app.post(f"{PREFIX}/push", response_model=PushResponse,
              responses={401: {"model": ProblemDetail}, 403: {"model": ProblemDetail},
                         422: {"model": ProblemDetail}})
    def push_commands(request: PushRequest,
                      who: SignedIn) -> PushResponse:
        if who.role not in push.PUSH_ROLES:
            raise auth.AuthError(403, _TITLES[403], "您的角色不能提交数据")
        if request.client_id != who.client_id:
            raise auth.AuthError(403, "客户端标识与登录时不一致", "请在本机重新登录后再同步")
        return push.push(sessions, who, request, clock=clock, workflow=case_workflow)

    return app
