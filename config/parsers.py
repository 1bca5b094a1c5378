"""The API's JSON parser: DRF's, with a bound on nesting so `[[[[…]]]]` is a 400 and not a RecursionError."""

from __future__ import annotations

import codecs
import re
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
BRACKET = re.compile(r"[\[\]{}]")


def nesting_depth(text: str) -> int:
    """Deepest nesting of arrays and objects, counted without recursion (json.loads would recurse)."""
    depth = deepest = 0
    for match in BRACKET.finditer(STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict[str, Any] | None = None) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except UnicodeDecodeError as exc:
            raise ParseError("Dữ liệu JSON không đúng bảng mã.") from exc
        limit = settings.JSON_MAX_DEPTH
        if nesting_depth(text) > limit:
            raise ParseError(f"Dữ liệu JSON lồng nhau quá {limit} cấp.")
        try:
            return json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(f"Dữ liệu JSON không hợp lệ: {exc}") from exc
