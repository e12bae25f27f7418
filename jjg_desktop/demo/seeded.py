"""What every demo generator shares: the seeded random source, ids and China-time clocks."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TypeVar

T = TypeVar("T")
CHINA_OFFSET = timedelta(hours=8)


class Seeded:
    """A `random.Random` plus the draws the generators repeat; the seed fixes every draw."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def pick(self, values: Sequence[T]) -> T:
        return self.rng.choice(values)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def digits(self, n: int) -> str:
        return f"{self.rng.randrange(10**n):0{n}d}"


def china_time(day: date, hour: int, minute: int = 0) -> datetime:
    """A wall-clock moment in China, stored as the naive UTC the store keeps."""
    return datetime.combine(day, time(hour, minute)) - CHINA_OFFSET
