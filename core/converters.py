"""The `<id:pk>` path converter: a database id, 1 to 2⁶³−1; anything bigger is no page (404), not a 500.

`<int:…>` takes any number of digits, and SQLite cannot even compare a column with a number above 2⁶³−1.
Registered once when this module is first imported (every URLconf imports it).
"""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1  # the largest BigAutoField value


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(value)  # the URL does not match: 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")
