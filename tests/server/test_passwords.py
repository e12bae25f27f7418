"""Passwords are kept as salted Argon2id, never as text; older scrypt hashes still verify and
are stored again as Argon2id at the next login; a new password must meet the policy."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from jjg_server.passwords import (
    hash_password,
    needs_rehash,
    policy_problem,
    verify_password,
)
from jjg_server.store import User
from server_support import TIMEOUT, add_user

PASSWORD = "同一个密码-2026"


def _scrypt(password: str, *, n: int = 2**15, r: int = 8, p: int = 1) -> str:
    salt = b"0123456789abcdef"
    key = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=2**28, dklen=32)
    return (f"scrypt$n={n},r={r},p={p}${base64.b64encode(salt).decode()}$"
            f"{base64.b64encode(key).decode()}")


def test_two_users_with_the_same_password_have_different_salted_hashes(engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    add_user(engine, "clerk02", PASSWORD)
    with Session(engine) as session:
        hashes = list(session.scalars(select(User.password_hash).order_by(User.username)))
    assert len(hashes) == 2 and hashes[0] != hashes[1]
    for stored in hashes:
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert PASSWORD not in stored and not needs_rehash(stored)
        assert verify_password(PASSWORD, stored)


def test_only_the_right_password_verifies():
    stored = hash_password(PASSWORD)
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + " ", stored)
    assert not verify_password("", stored)


def test_a_damaged_or_foreign_hash_never_verifies():
    stored = hash_password(PASSWORD)
    legacy = _scrypt(PASSWORD)
    scheme, params, salt, key = legacy.split("$")
    for bad in ("", PASSWORD, stored[:-4], stored.replace("argon2id", "argon2x"),
                f"bcrypt${params}${salt}${key}", f"{scheme}$n=3,r=8,p=1${salt}${key}",
                f"{scheme}${params}$***${key}", f"{scheme}$n=1073741824,r=8,p=1${salt}${key}"):
        assert not verify_password(PASSWORD, bad), bad


def test_an_old_scrypt_hash_verifies_and_is_upgraded_at_the_next_login(
        server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    old = _scrypt(PASSWORD)
    with Session(engine) as session, session.begin():
        session.execute(update(User).values(password_hash=old))
    assert needs_rehash(old) and verify_password(PASSWORD, old)
    wrong = requests.post(f"{server}/sync/v1/login", timeout=TIMEOUT, json={
        "username": "clerk01", "password": "另一个密码-2026", "client_id": "pc-1"})
    assert wrong.status_code == 401
    with Session(engine) as session:
        assert session.get_one(User, "clerk01").password_hash == old
    right = requests.post(f"{server}/sync/v1/login", timeout=TIMEOUT, json={
        "username": "clerk01", "password": PASSWORD, "client_id": "pc-1"})
    assert right.status_code == 200, right.text
    with Session(engine) as session:
        upgraded = session.get_one(User, "clerk01").password_hash
    assert upgraded.startswith("$argon2id$") and verify_password(PASSWORD, upgraded)


@pytest.mark.parametrize(("password", "why"), [
    ("Jl-2026", "至少 10 个字符"), ("abcdefghijkl", "只由一类字符"), ("20262026202620", "只由一类"),
    ("aaaa1111aaaa", "重复的字符过多"), ("clerk01-2026!", "不能包含登录名"),
    ("Password123", "过于常见"), (" 现场-检查-2607 ", "首尾不能是空格")])
def test_the_policy_names_what_is_wrong_with_a_weak_password(password: str, why: str):
    problem = policy_problem(password, "clerk01")
    assert problem is not None and why in problem


@pytest.mark.parametrize("password", ["现场-检查-2607", "Jl-权限-2026!", "hunchun bureau 7"])
def test_the_policy_takes_long_mixed_passwords(password: str):
    assert policy_problem(password, "clerk01") is None
