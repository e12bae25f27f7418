"""What every endpoint shares: Chinese problem replies and the signed-in caller."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from jjg_desktop.sync.protocol import ProblemDetail
from jjg_server import auth
from jjg_server.files import UploadRefused

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "请求无效",
    401: "未登录或登录已过期",
    403: "没有权限",
    404: "请求的地址不存在",
    405: "不支持的请求方法",
    409: "与服务器状态冲突",
    413: "请求内容过大",
    429: "请求过于频繁",
    500: "服务器内部错误",
}


def problem(status: int, title: str, detail: str = "",
            headers: dict[str, str] | None = None) -> JSONResponse:
    body = ProblemDetail(status=status, title=title, detail=detail)
    return JSONResponse(body.model_dump(), status_code=status, media_type=PROBLEM_JSON,
                        headers=headers)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI: these error statuses answer with a ProblemDetail."""
    return {status: {"model": ProblemDetail, "description": TITLES.get(status, "请求失败")}
            for status in statuses}


def _field(error: dict[str, object]) -> str:
    if error.get("type") == "json_invalid":
        return "请求体（不是有效的 JSON）"
    loc = error.get("loc", ())
    parts = loc if isinstance(loc, tuple | list) else ()
    return ".".join(str(part) for part in parts if part != "body") or "请求体"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = sorted({_field(err) for err in exc.errors()})
        return problem(422, "请求内容不符合协议",
                       f"以下字段缺失或无效：{'、'.join(fields)}。请升级客户端或联系管理员")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, TITLES.get(exc.status_code, "请求失败"),
                       headers=dict(exc.headers) if exc.headers else None)

    @app.exception_handler(auth.AuthError)
    async def auth_error(_request: Request, exc: auth.AuthError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        if exc.retry_after:
            headers["Retry-After"] = str(int(exc.retry_after))
        return problem(exc.status, exc.title, exc.detail, headers or None)

    @app.exception_handler(UploadRefused)
    async def upload_refused(_request: Request, exc: UploadRefused) -> JSONResponse:
        if exc.current is not None:
            return JSONResponse(exc.current.model_dump(), status_code=exc.status)
        return problem(exc.status, exc.title, exc.detail)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, _exc: Exception) -> JSONResponse:
        return problem(500, TITLES[500], "请稍后重试；问题持续请联系管理员")


_bearer = HTTPBearer(auto_error=False, description="登录时得到的令牌")


def signed_in(request: Request, _credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> auth.Caller:
    """The user behind ``Authorization: Bearer``, as the gate found them before the body was
    read (`jjg_server.gate`); 401 未登录或登录已过期 if none."""
    caller = getattr(request.state, "caller", None)
    if not isinstance(caller, auth.Caller):
        raise auth.AuthError(401, auth.NOT_LOGGED_IN, "请重新登录后再同步")
    return caller


SignedIn = Annotated[auth.Caller, Depends(signed_in)]
