"""User administration (`jjg-server user …`): add, list, disable, enable, reset a password,
change role or division, revoke sessions. A change to who someone is or what they may do
revokes their tokens at once: their laptops must sign in again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jjg_desktop.rules.divisions import jurisdiction
from jjg_desktop.sync.catalogue import ROLE_LABELS
from jjg_server.auth import ROLES
from jjg_server.passwords import hash_password, policy_problem
from jjg_server.scopes import valid_code
from jjg_server.store import Token, User

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class UserError(ValueError):
    """A change to an account that cannot be made; the message is Chinese and shown as is."""


@dataclass(frozen=True, slots=True)
class Account:
    username: str
    display_name: str
    role: str
    division_code: str
    active: bool
    sessions: int

    def describe(self) -> str:
        return (f"{self.username}（{self.display_name}，{ROLE_LABELS.get(self.role, self.role)}，"
                f"{jurisdiction().name(self.division_code)} {self.division_code}）")


def _checked_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"角色无效：{role}（可选：{'、'.join(ROLES)}）")
    return role


def _checked_division(code: str) -> str:
    if not valid_code(code):
        raise UserError(f"行政区划代码不在全省区划表中：{code}（如 222404，或 JL-CBS "
                        "长白山管委会；见 db/reference/divisions.csv）")
    return code


def _checked_password(password: str, username: str) -> str:
    if not password:
        raise UserError("密码不能为空")
    if (problem := policy_problem(password, username)) is not None:
        raise UserError(problem)
    return password


def _user(session: Session, username: str) -> User:
    user = session.get(User, username)
    if user is None:
        raise UserError(f"没有该用户：{username}")
    return user


def _account(session: Session, user: User, now: datetime) -> Account:
    sessions = session.scalar(select(func.count()).select_from(Token).where(
        Token.username == user.username, Token.expires_at > now)) or 0
    return Account(user.username, user.display_name, user.role, user.division_code,
                   user.active, sessions)


def revoke(session: Session, username: str) -> int:
    """End every session of the user; how many there were."""
    _user(session, username)
    return session.execute(delete(Token).where(Token.username == username)).rowcount or 0


def add_user(session: Session, *, username: str, display_name: str, role: str,
             division_code: str, password: str, now: datetime) -> User:
    if not USERNAME.match(username):
        raise UserError("用户名只能包含字母、数字、下划线、点和短横线，最长 64 个字符")
    if not display_name.strip():
        raise UserError("姓名不能为空")
    _checked_role(role)
    _checked_division(division_code)
    _checked_password(password, username)
    if session.get(User, username) is not None:
        raise UserError(f"用户已存在：{username}")
    user = User(username=username, display_name=display_name.strip(), role=role,
                division_code=division_code, password_hash=hash_password(password),
                active=True, created_at=now)
    session.add(user)
    return user


def list_users(session: Session, *, now: datetime, division: str | None = None) -> list[Account]:
    """Every account (under ``division``, if given), by division then login name."""
    query = select(User).order_by(User.division_code, User.username)
    if division is not None:
        query = query.where(User.division_code.in_(jurisdiction().subtree(
            _checked_division(division))))
    return [_account(session, user, now) for user in session.scalars(query)]


def set_active(session: Session, username: str, active: bool, *, now: datetime) -> Account:
    user = _user(session, username)
    user.active = active
    if not active:
        revoke(session, username)
    return _account(session, user, now)


def reset_password(session: Session, username: str, password: str, *,
                   now: datetime) -> Account:
    user = _user(session, username)
    user.password_hash = hash_password(_checked_password(password, username))
    revoke(session, username)
    return _account(session, user, now)


def set_role(session: Session, username: str, *, role: str | None, division: str | None,
             now: datetime) -> Account:
    if role is None and division is None:
        raise UserError("请用 --role 或 --division 指定要改的角色或行政区划")
    user = _user(session, username)
    if role is not None:
        user.role = _checked_role(role)
    if division is not None:
        user.division_code = _checked_division(division)
    revoke(session, username)
    return _account(session, user, now)
