"""Vietnam's non-working days of 2026 and 2027, as data for `CalendarDay` (organizations.calendar).

The days are those of Bộ luật Lao động 2019, Điều 112: Tết Dương lịch (1/1), Tết Âm lịch (5 days), Giỗ Tổ Hùng
Vương (10/3 âm lịch), 30/4, 1/5, Quốc khánh (2/9 and one day next to it). A holiday that falls on a weekly rest
day is made up on the next working day (nghỉ bù). Which 5 days of Tết, which day next to 2/9, and any swap of a
working day for a Saturday (hoán đổi, làm bù) are decided each year by the Government and announced by the
Ministry of Home Affairs: the rows marked "dự kiến" follow the usual pattern and must be checked against that
year's announcement (in the admin, "Lịch ngày lễ, nghỉ bù, làm bù"), as must any later change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.shared_cache import forget

D = dt.date
# (date, name, is_working_day)
VIETNAM_2026_2027: tuple[tuple[dt.date, str, bool], ...] = (
    (D(2026, 1, 1), "Tết Dương lịch", False),
    (D(2026, 2, 16), "Tết Nguyên đán Bính Ngọ (29 tháng Chạp)", False),
    (D(2026, 2, 17), "Tết Nguyên đán Bính Ngọ (mùng 1)", False),
    (D(2026, 2, 18), "Tết Nguyên đán Bính Ngọ (mùng 2)", False),
    (D(2026, 2, 19), "Tết Nguyên đán Bính Ngọ (mùng 3)", False),
    (D(2026, 2, 20), "Tết Nguyên đán Bính Ngọ (mùng 4)", False),
    (D(2026, 4, 26), "Giỗ Tổ Hùng Vương (10/3 âm lịch, Chủ nhật)", False),
    (D(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương", False),
    (D(2026, 4, 30), "Ngày Chiến thắng", False),
    (D(2026, 5, 1), "Ngày Quốc tế Lao động", False),
    (D(2026, 9, 1), "Quốc khánh (ngày liền kề, dự kiến)", False),
    (D(2026, 9, 2), "Quốc khánh", False),
    (D(2027, 1, 1), "Tết Dương lịch", False),
    (D(2027, 2, 5), "Tết Nguyên đán Đinh Mùi (29 tháng Chạp, dự kiến)", False),
    (D(2027, 2, 6), "Tết Nguyên đán Đinh Mùi (mùng 1, thứ Bảy)", False),
    (D(2027, 2, 7), "Tết Nguyên đán Đinh Mùi (mùng 2, Chủ nhật)", False),
    (D(2027, 2, 8), "Tết Nguyên đán Đinh Mùi (mùng 3)", False),
    (D(2027, 2, 9), "Tết Nguyên đán Đinh Mùi (mùng 4, dự kiến)", False),
    (D(2027, 2, 10), "Nghỉ bù Tết Nguyên đán (dự kiến)", False),
    (D(2027, 2, 11), "Nghỉ bù Tết Nguyên đán (dự kiến)", False),
    (D(2027, 4, 16), "Giỗ Tổ Hùng Vương (10/3 âm lịch)", False),
    (D(2027, 4, 30), "Ngày Chiến thắng", False),
    (D(2027, 5, 1), "Ngày Quốc tế Lao động (thứ Bảy)", False),
    (D(2027, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động", False),
    (D(2027, 9, 2), "Quốc khánh", False),
    (D(2027, 9, 3), "Quốc khánh (ngày liền kề, dự kiến)", False),
)
# Cơ quan hành chính nhà nước rest on Saturday and Sunday.
WEEKLY_REST_DAYS = (5, 6)


def load_vietnam_calendar(*, calendar_day: Any = None, weekly_rest_day: Any = None) -> int:
    """Put the seed into the tables (idempotent: a date already there keeps what an administrator wrote).

    Takes the model classes so a data migration can pass its historical ones; returns the rows added.
    """
    if calendar_day is None or weekly_rest_day is None:
        from organizations.models import CalendarDay, WeeklyRestDay

        calendar_day, weekly_rest_day = calendar_day or CalendarDay, weekly_rest_day or WeeklyRestDay
    weekly_rest_day.objects.bulk_create(
        [weekly_rest_day(weekday=day) for day in WEEKLY_REST_DAYS], ignore_conflicts=True
    )
    existing = set(calendar_day.objects.values_list("date", flat=True))
    added = [
        calendar_day(date=day, name=name, is_working_day=working)
        for day, name, working in VIETNAM_2026_2027
        if day not in existing
    ]
    calendar_day.objects.bulk_create(added, ignore_conflicts=True)
    from organizations.calendar import CALENDAR_KEY

    forget(CALENDAR_KEY)  # bulk_create sends no signal
    return len(added)
