"""Users and session tokens: the client gets a random token, the server keeps its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import get_args

from sqlalchemy import delete
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import LoginRequest, LoginResponse, UserInfo
from jjg_server.passwords import burn_time, hash_password, needs_rehash, verify_password
from jjg_server.store import Token, User

ROLES: tuple[str, ...] = get_args(UserInfo.model_fields["role"].annotation)


class AuthError(Exception):
    """Login refused; ``title`` is what the user reads."""

    def __init__(self, status: int, title: str, detail: str = "",
                 retry_after: float = 0) -> None:
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail
        self.retry_after = retry_after


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


NOT_LOGGED_IN = "未登录或登录已过期"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who sent a request: the user behind the bearer token and the client it was issued to."""

    username: str
    display_name: str
    role: str
    division_code: str
    client_id: str


def authenticate(session: Session, token: str | None, *, now: datetime) -> Caller:
    """The caller holding ``token``; AuthError 401 if it is missing, unknown or expired."""
    row = session.get(Token, token_hash(token)) if token and token.isascii() else None
    if row is None or row.expires_at <= now:
        raise AuthError(401, NOT_LOGGED_IN, "请重新登录后再同步")
    user = session.get(User, row.username)
    if user is None or not user.active:
        raise AuthError(403, "账号已停用", "请联系管理员恢复账号")
    return Caller(username=user.username, display_name=user.display_name, role=user.role,
                  division_code=user.division_code, client_id=row.client_id)


def login(session: Session, request: LoginRequest, *, now: datetime,
          ttl: timedelta) -> LoginResponse:
    """Check the password and issue a token; expired tokens are cleared on the way."""
    user = session.get(User, request.username)
    if user is None:
        burn_time(request.password)
        raise AuthError(401, "用户名或密码错误", "请检查用户名和密码后重试")
    if not verify_password(request.password, user.password_hash):
        raise AuthError(401, "用户名或密码错误", "请检查用户名和密码后重试")
    if not user.active:
        raise AuthError(403, "账号已停用", "请联系管理员恢复账号")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(request.password)
    session.execute(delete(Token).where(Token.expires_at < now))
    token = secrets.token_urlsafe(32)
    expires_at = now + ttl
    session.add(Token(sha256=token_hash(token), username=user.username,
                      client_id=request.client_id, created_at=now, expires_at=expires_at))
    return LoginResponse(
        token=token, expires_at=expires_at,
        user=UserInfo(username=user.username, display_name=user.display_name,
                      role=user.role,  # type: ignore[arg-type]  # checked by add_user
                      division_code=user.division_code))


def display_name(session: Session, username: str) -> str:
    """The user's name as people know it; the login name if the user is gone, "" for none."""
    if not username:
        return ""
    user = session.get(User, username)
    return user.display_name if user is not None else username
