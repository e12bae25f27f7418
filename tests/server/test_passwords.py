"""Passwords are kept as salted scrypt, never as text, and checked in constant time."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jjg_server.passwords import hash_password, verify_password
from jjg_server.store import User
from server_support import add_user

PASSWORD = "同一个密码-2026"


def test_two_users_with_the_same_password_have_different_salted_hashes(engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    add_user(engine, "clerk02", PASSWORD)
    with Session(engine) as session:
        hashes = list(session.scalars(select(User.password_hash).order_by(User.username)))
    assert len(hashes) == 2 and hashes[0] != hashes[1]
    salts = set()
    for stored in hashes:
        scheme, params, salt, _key = stored.split("$")
        assert scheme == "scrypt" and params == "n=32768,r=8,p=1"
        assert PASSWORD not in stored
        salts.add(salt)
        assert verify_password(PASSWORD, stored)
    assert len(salts) == 2


def test_only_the_right_password_verifies():
    stored = hash_password(PASSWORD)
    assert verify_password(PASSWORD, stored)
    assert not verify_password(PASSWORD + " ", stored)
    assert not verify_password("", stored)


def test_a_hash_made_with_other_parameters_still_verifies_with_them():
    stored = hash_password(PASSWORD, n=2**12, r=4, p=2)
    assert stored.split("$")[1] == "n=4096,r=4,p=2"
    assert verify_password(PASSWORD, stored)
    assert not verify_password("other", stored)


def test_a_damaged_or_foreign_hash_never_verifies():
    stored = hash_password(PASSWORD)
    scheme, params, salt, key = stored.split("$")
    for bad in ("", PASSWORD, f"bcrypt${params}${salt}${key}", f"{scheme}$n=3,r=8,p=1${salt}${key}",
                f"{scheme}${params}$***${key}", f"{scheme}$n=1073741824,r=8,p=1${salt}${key}"):
        assert not verify_password(PASSWORD, bad), bad
