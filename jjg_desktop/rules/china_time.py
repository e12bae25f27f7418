"""China Standard Time (UTC+8, no daylight saving): the dates that mean something to a user.

Moments are stored as naive UTC; deadlines, document dates and "this year" are China dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "CST")


def local_date(moment: datetime) -> date:
    """The date in China of a stored (naive UTC) moment."""
    return moment.replace(tzinfo=UTC).astimezone(CHINA).date()


def utc_start_of(day: date) -> datetime:
    """The naive UTC moment at which `day` begins in China."""
    return datetime.combine(day, time.min, tzinfo=CHINA).astimezone(UTC).replace(tzinfo=None)


def year_bounds_utc(year: int) -> tuple[str, str]:
    """The UTC text bounds of a China year, comparable in SQL with stored moments and dates."""
    return (utc_start_of(date(year, 1, 1)).isoformat(" "),
            utc_start_of(date(year + 1, 1, 1)).isoformat(" "))
