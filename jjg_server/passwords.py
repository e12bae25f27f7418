"""Password hashing with scrypt: a random salt per password, parameters kept with the hash.

Stored form: ``scrypt$n=32768,r=8,p=1$<salt, base64>$<key, base64>``. A hash made with older
parameters still verifies after the defaults are raised.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
N, R, P = 2**15, 8, 1
SALT_BYTES = 16
KEY_BYTES = 32
# Refuse stored parameters that would make one check cost more than ~256 MB.
_MAX_MEMORY = 256 * 1024 * 1024


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _derive(password: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=_MAX_MEMORY + 1024 * 1024, dklen=length)


def hash_password(password: str, *, n: int = N, r: int = R, p: int = P) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    key = _derive(password, salt, n, r, p, KEY_BYTES)
    return f"{SCHEME}$n={n},r={r},p={p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, params, salt_b64, key_b64 = stored.split("$")
        values = dict(item.split("=", 1) for item in params.split(","))
        n, r, p = int(values["n"]), int(values["r"]), int(values["p"])
        salt = base64.b64decode(salt_b64, validate=True)
        key = base64.b64decode(key_b64, validate=True)
    except (ValueError, KeyError):
        return None
    if scheme != SCHEME or n < 2 or n & (n - 1) or r < 1 or p < 1 or not salt or not key:
        return None
    if 128 * n * r > _MAX_MEMORY:
        return None
    return n, r, p, salt, key


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, key = parsed
    return hmac.compare_digest(_derive(password, salt, n, r, p, len(key)), key)


@functools.cache
def _dummy() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_time(password: str) -> None:
    """Check against a throwaway hash: an unknown user costs as long as a wrong password."""
    verify_password(password, _dummy())
