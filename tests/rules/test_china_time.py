from __future__ import annotations

from datetime import date, datetime

from jjg_desktop.rules.china_time import local_date, utc_start_of, year_bounds_utc


def test_early_morning_in_china_is_still_yesterday_in_utc():
    assert local_date(datetime(2025, 12, 31, 17, 0)) == date(2026, 1, 1)
    assert local_date(datetime(2025, 12, 31, 15, 59)) == date(2025, 12, 31)
    assert utc_start_of(date(2026, 1, 1)) == datetime(2025, 12, 31, 16, 0)


def test_year_bounds_sort_stored_moments_and_dates_into_the_china_year():
    start, end = year_bounds_utc(2026)
    new_year_morning = str(datetime(2025, 12, 31, 17, 0))  # 01:00 on 1 January in Jilin
    new_year_eve = str(datetime(2025, 12, 31, 15, 0))
    assert start <= new_year_morning < end
    assert not start <= new_year_eve < end
    assert start <= "2026-01-01" < end and not start <= "2025-12-31" < end
