"""Passwords: Argon2id (argon2-cffi, RFC 9106's second recommended set: 64 MiB, 3 passes,
4 lanes), a random salt per password, parameters kept with the hash. Hashes made earlier with
scrypt (``scrypt$n=…,r=…,p=…$salt$key``) still verify, and `needs_rehash` says to store the
password again as Argon2id at the next successful login. `policy_problem` is the rule a new
password must meet.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
LEGACY_SCHEME = "scrypt"
# Refuse stored scrypt parameters that would make one check cost more than ~256 MB.
_MAX_MEMORY = 256 * 1024 * 1024

MIN_LENGTH = 10
_COMMON = frozenset({
    "1234567890", "12345678910", "123456789a", "1qaz2wsx3edc", "1q2w3e4r5t", "qwertyuiop",
    "password123", "password1234", "passw0rd123", "abc123456789", "a123456789", "iloveyou123",
    "woaini1314", "woaini520", "admin12345", "administrator", "qwerty123456", "zxcvbnm123",
    "p@ssw0rd123", "jilin123456", "jjg123456789", "changeme123",
})


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password: str, stored: str) -> bool:
    if stored.startswith(f"{LEGACY_SCHEME}$"):
        return _verify_scrypt(password, stored)
    if not stored.isascii():
        return False
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Made with an older scheme or weaker parameters than today's."""
    if not stored.startswith("$argon2") or not stored.isascii():
        return True
    try:
        return _HASHER.check_needs_rehash(stored)
    except InvalidHashError:
        return True


@functools.cache
def _dummy() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_time(password: str) -> None:
    """Check against a throwaway hash: an unknown user costs as long as a wrong password."""
    verify_password(password, _dummy())


def policy_problem(password: str, username: str = "") -> str | None:
    """Why a new password is not good enough (Chinese), or None. Length matters most (NIST SP
    800-63B): at least 10 characters, not all of one kind, not the login name, not a common
    password or a run of one character."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    if password != password.strip():
        return "密码首尾不能是空格"
    kinds = {("digit" if c.isdigit() else "letter" if c.isascii() and c.isalpha() else "other")
             for c in password}
    if len(kinds) < 2:
        return "密码不能只由一类字符组成（如全是数字或全是字母），请混合字母、数字或符号"
    if len(set(password)) <= 3:
        return "密码中重复的字符过多"
    if username and username.lower() in password.lower():
        return "密码不能包含登录名"
    if password.lower() in _COMMON:
        return "该密码过于常见，请换一个"
    return None


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _verify_scrypt(password: str, stored: str) -> bool:
    try:
        _scheme, params, salt_b64, key_b64 = stored.split("$")
        values = dict(item.split("=", 1) for item in params.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        salt, key = _b64(salt_b64), _b64(key_b64)
    except (ValueError, KeyError):
        return False
    if n < 2 or n & (n - 1) or r < 1 or p < 1 or not salt or not key:
        return False
    if 128 * n * r > _MAX_MEMORY:
        return False
    derived = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                             maxmem=_MAX_MEMORY + 1024 * 1024, dklen=len(key))
    return hmac.compare_digest(derived, key)
