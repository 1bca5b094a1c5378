"""Dates as the decree writes them, in Vietnam's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_now() -> dt.datetime:
    return timezone.now().astimezone(VIETNAM)


def vn_today() -> dt.date:
    return vn_now().date()


def format_vn_date(value: dt.date) -> str:
    """ "ngày 06 tháng 3 năm 2019": days below 10 and months 1 and 2 take a leading zero (NĐ 30/2020)."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def format_place_date(place: str, value: dt.date | None, *, year_hint: int | None = None) -> str:
    """The place-and-date line; before registration the day and month stay blank for the clerk."""
    if value is None:
        year = year_hint or vn_today().year
        return f"{place}, ngày     tháng     năm {year}"
    return f"{place}, {format_vn_date(value)}"
