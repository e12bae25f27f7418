"""Login throttling: each wrong password makes the next attempt wait longer, counted three
ways: per account and address, per account, per address. An attempt that must wait is refused
before any password is checked (429 with Retry-After), so guessing costs the server nothing.

An attacker can make an account wait, but never for long and never for its owner: the delay
is capped at ``cap``, failures are forgotten after ``forget``, and an address the account has
logged in from before is not held back by the account's count (only by its own pair).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

Key = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    free: int  # failures before the next attempt must wait
    first: float  # seconds the attempt after the ``free``-th failure waits; doubles after


PAIR = Policy(free=5, first=1.0)
ACCOUNT = Policy(free=20, first=2.0)
ADDRESS = Policy(free=50, first=2.0)


@dataclass(slots=True)
class _Count:
    failures: int
    last: datetime
    until: datetime


class LoginThrottle:
    def __init__(self, *, cap: timedelta = timedelta(minutes=15),
                 forget: timedelta = timedelta(hours=1),
                 remember_addresses: timedelta = timedelta(days=30)) -> None:
        self.cap, self.forget, self.remember = cap, forget, remember_addresses
        self._counts: dict[Key, _Count] = {}
        self._known: dict[tuple[str, str], datetime] = {}

    def _keys(self, username: str, address: str, now: datetime) -> list[tuple[Key, Policy]]:
        keys: list[tuple[Key, Policy]] = [(("pair", username, address), PAIR),
                                          (("address", address), ADDRESS)]
        seen = self._known.get((username, address))
        if seen is None or now - seen > self.remember:
            keys.append((("account", username), ACCOUNT))
        return keys

    def wait(self, username: str, address: str, now: datetime) -> float:
        """Seconds until this attempt may be checked; 0 if it may be now."""
        longest = 0.0
        for key, _policy in self._keys(username, address, now):
            count = self._counts.get(key)
            if count is None:
                continue
            if now - count.last > self.forget:
                del self._counts[key]
                continue
            longest = max(longest, (count.until - now).total_seconds())
        return math.ceil(longest) if longest > 0 else 0.0

    def failed(self, username: str, address: str, now: datetime) -> None:
        for key, policy in self._keys(username, address, now):
            count = self._counts.get(key)
            failures = 1 if count is None or now - count.last > self.forget else (
                count.failures + 1)
            beyond = failures - policy.free + 1
            delay = (timedelta(0) if beyond <= 0 else
                     min(self.cap, timedelta(seconds=policy.first * 2 ** min(beyond - 1, 30))))
            self._counts[key] = _Count(failures, now, now + delay)
        if len(self._counts) > 100_000:
            self._prune(now)

    def succeeded(self, username: str, address: str, now: datetime) -> None:
        self._counts.pop(("pair", username, address), None)
        self._counts.pop(("account", username), None)
        self._known[(username, address)] = now

    def _prune(self, now: datetime) -> None:
        for key in [k for k, c in self._counts.items() if now - c.last > self.forget]:
            del self._counts[key]
