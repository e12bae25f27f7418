"""What every request passes before the application reads a byte of its body: for everything
but `/meta`, `/login` and the API description a valid bearer token (401 without reading the
body), then a size cap for its endpoint (413 at once when Content-Length says more, or as soon
as a chunked body goes beyond it). The caller found here is the one the routes see."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jjg_desktop.sync.protocol import PREFIX
from jjg_server import auth
from jjg_server.files import MAX_FILE_SIZE
from jjg_server.web import problem

KIB, MIB = 1024, 1024 * 1024
PUSH_BODY = 64 * MIB
"""A push may carry one large command (a registration sheet of ~20,000 enterprises)."""

_LIMITS: dict[tuple[str, str], int] = {
    ("POST", f"{PREFIX}/login"): 16 * KIB,
    ("POST", f"{PREFIX}/push"): PUSH_BODY,
    ("POST", f"{PREFIX}/records"): 1 * MIB,
    ("POST", f"{PREFIX}/files/missing"): 1 * MIB,
}
_DEFAULT_LIMIT = 16 * KIB
PUBLIC = frozenset({f"{PREFIX}/meta", f"{PREFIX}/login", "/docs", "/docs/oauth2-redirect",
                    "/openapi.json", "/redoc"})


def body_limit(method: str, path: str) -> int:
    if method == "PUT" and path.startswith(f"{PREFIX}/files/"):
        return MAX_FILE_SIZE
    return _LIMITS.get((method, path), _DEFAULT_LIMIT)


class BodyTooLarge(StarletteHTTPException):
    """A body read past its cap (FastAPI passes HTTP exceptions on while reading a body)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413)
        self.limit = limit


def install(app: FastAPI, *, sessions: sessionmaker[Session],
            clock: Callable[[], datetime]) -> None:
    @app.exception_handler(BodyTooLarge)
    async def too_large(_request: Request, exc: BodyTooLarge) -> JSONResponse:
        return problem(413, **_too_large(exc.limit))

    app.add_middleware(Gate, sessions=sessions, clock=clock)


def _too_large(limit: int) -> dict[str, str]:
    size = f"{limit // MIB} MB" if limit >= MIB else f"{limit // KIB} KB"
    return {"title": "请求内容过大", "detail": f"该地址一次最多接收 {size}"}


class Gate:
    def __init__(self, app: ASGIApp, *, sessions: sessionmaker[Session],
                 clock: Callable[[], datetime]) -> None:
        self.app, self.sessions, self.clock = app, sessions, clock

    def _authenticate(self, token: str | None) -> auth.Caller:
        with self.sessions() as session:
            return auth.authenticate(session, token, now=self.clock())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        limit = body_limit(method, path)
        headers = dict(scope["headers"])
        if path not in PUBLIC:
            scheme, _, token = headers.get(b"authorization", b"").decode("latin-1").partition(
                " ")
            try:
                caller = await to_thread.run_sync(
                    self._authenticate, token.strip() if scheme.lower() == "bearer" else None)
            except auth.AuthError as exc:
                extra = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
                await problem(exc.status, exc.title, exc.detail, extra)(scope, receive, send)
                return
            scope.setdefault("state", {})["caller"] = caller
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await problem(413, **_too_large(limit))(scope, receive, send)
            return

        received = 0
        started = False

        async def capped_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await problem(413, **_too_large(limit))(scope, receive, send)
