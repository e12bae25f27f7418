"""Jilin's county-level places as the fake data needs them: names, prefecture, phone area code."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from jjg_desktop.demo.fake import JILIN_AREA_CODES
from jjg_desktop.store.divisions import DivisionRow, reference_rows

_SUFFIXES = ("朝鲜族自治州", "朝鲜族自治县", "满族自治县", "蒙古族自治县", "市", "县", "区")


@dataclass(frozen=True, slots=True)
class Place:
    """A county-level division with a GB/T 2260 code, so credit codes can carry it."""

    code: str
    name: str
    prefecture_code: str
    prefecture_name: str
    area_code: str

    @property
    def short(self) -> str:
        return short_name(self.name)

    @property
    def prefecture_short(self) -> str:
        return short_name(self.prefecture_name)

    @property
    def is_district(self) -> bool:
        return self.name.endswith("区")

    def trade_place(self, rng: random.Random) -> str:
        """The place word an enterprise name of this division starts with."""
        if rng.random() < 0.1:
            return "吉林省"
        return self.prefecture_short if self.is_district else self.short


def short_name(name: str) -> str:
    """'延边朝鲜族自治州' -> '延边', '珲春市' -> '珲春'."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@cache
def jilin_places() -> dict[str, Place]:
    """Every county-level unit with a numeric code (the 梅河口 pilot included), by code."""
    rows = {r.code: r for r in reference_rows()}
    places: dict[str, Place] = {}
    for row in rows.values():
        if not row.code.isdigit() or not (row.level == 3 or row.kind == "pilot"):
            continue
        prefecture = _prefecture(row, rows)
        places[row.code] = Place(code=row.code, name=row.name, prefecture_code=prefecture.code,
                                 prefecture_name=prefecture.name,
                                 area_code=JILIN_AREA_CODES[prefecture.code])
    return places


def _prefecture(row: DivisionRow, rows: dict[str, DivisionRow]) -> DivisionRow:
    code = row.gb_parent_code if row.kind == "pilot" else row.parent_code
    if code is None or code not in rows:
        raise ValueError(f"division {row.code} has no prefecture")
    return rows[code]
