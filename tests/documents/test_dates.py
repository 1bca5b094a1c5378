import datetime as dt

import pytest

from documents.dates import format_place_date, format_vn_date


@pytest.mark.parametrize(
    ("day", "printed"),
    [
        (dt.date(2019, 3, 6), "ngày 06 tháng 3 năm 2019"),
        (dt.date(2023, 2, 7), "ngày 07 tháng 02 năm 2023"),
        (dt.date(2022, 1, 28), "ngày 28 tháng 01 năm 2022"),
        (dt.date(2020, 12, 31), "ngày 31 tháng 12 năm 2020"),
    ],
)
def test_dates_follow_the_decree(day: dt.date, printed: str) -> None:
    assert format_vn_date(day) == printed


def test_an_unregistered_document_leaves_day_and_month_blank() -> None:
    assert format_place_date("Phong Thổ", None, year_hint=2020) == "Phong Thổ, ngày     tháng     năm 2020"
    assert format_place_date("Cần Giuộc", dt.date(2019, 3, 6)) == "Cần Giuộc, ngày 06 tháng 3 năm 2019"
