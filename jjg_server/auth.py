"""Users and session tokens: the client gets a random token, the server keeps its SHA-256."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import get_args

from sqlalchemy import delete
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import LoginRequest, LoginResponse, UserInfo
from jjg_server.passwords import burn_time, hash_password, verify_password
from jjg_server.scopes import valid_code
from jjg_server.store import Token, User

ROLES: tuple[str, ...] = get_args(UserInfo.model_fields["role"].annotation)
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class AuthError(Exception):
    """Login refused; ``title`` is what the user reads."""

    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail


class UserError(ValueError):
    """A user that cannot be added; the message is Chinese and shown as is."""


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


def add_user(session: Session, *, username: str, display_name: str, role: str,
             division_code: str, password: str, now: datetime) -> User:
    if not USERNAME.match(username):
        raise UserError("用户名只能包含字母、数字、下划线、点和短横线，最长 64 个字符")
    if not display_name.strip():
        raise UserError("姓名不能为空")
    if role not in ROLES:
        raise UserError(f"角色无效：{role}（可选：{'、'.join(ROLES)}）")
    if not valid_code(division_code):
        raise UserError(f"行政区划代码不在全省区划表中：{division_code}（如 222404，"
                        "或 JL-CBS 长白山管委会；见 db/reference/divisions.csv）")
    if not password:
        raise UserError("密码不能为空")
    if session.get(User, username) is not None:
        raise UserError(f"用户已存在：{username}")
    user = User(username=username, display_name=display_name.strip(), role=role,
                division_code=division_code, password_hash=hash_password(password),
                active=True, created_at=now)
    session.add(user)
    return user


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
