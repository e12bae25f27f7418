"""Working days: weekends and public holidays off, make-up working days (调休) on."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any


class CalendarError(ValueError):
    """A holiday calendar file that cannot be used; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    makeup_workdays: frozenset[date] = field(default_factory=frozenset)
    years: frozenset[int] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        if day in self.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_workdays(self, start: date, days: int) -> date:
        """The day on which `days` working days after `start` have passed (start not counted)."""
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if self.is_workday(current):
                left -= 1
        return current

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        n, current = 0, start
        while current < end:
            current += timedelta(days=1)
            n += self.is_workday(current)
        return n

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def unknown_years(self, start: date, end: date) -> list[int]:
        """The years from `start` to `end` whose holidays this calendar does not hold: a
        working-day count through them treats only weekends as days off."""
        return [y for y in range(start.year, end.year + 1) if y not in self.years]


def parse_calendar(data: dict[str, Any]) -> WorkCalendar:
    """From the file's JSON: {"years": {"2024": {"holidays": [dates], "workdays": [dates]}}}."""
    holidays: set[date] = set()
    makeup: set[date] = set()
    years = data.get("years")
    if not isinstance(years, dict) or not years:
        raise CalendarError("节假日文件缺少 years")
    for year, spec in years.items():
        for key, target in (("holidays", holidays), ("workdays", makeup)):
            for text in _strings(spec.get(key, []) if isinstance(spec, dict) else None,
                                 f"{year}.{key}"):
                try:
                    day = date.fromisoformat(text)
                except ValueError:
                    raise CalendarError(f"{year}.{key} 中的“{text}”不是日期") from None
                if str(day.year) != str(year):
                    raise CalendarError(f"{year}.{key} 中的 {text} 不在 {year} 年")
                target.add(day)
    both = holidays & makeup
    if both:
        raise CalendarError(f"{min(both)} 同时被列为放假和调休上班")
    return WorkCalendar(frozenset(holidays), frozenset(makeup), frozenset(int(y) for y in years))


def _strings(value: object, where: str) -> Iterable[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CalendarError(f"{where} 应为日期列表")
    return value
