"""One normal form for searching Vietnamese text, the same in Python, in PostgreSQL and in SQLite.

PostgreSQL: the functions of migration 0001 (`f_unaccent`, `f_search_text`, `f_document_text`, `f_code_key`),
IMMUTABLE so they can be indexed, built on the `unaccent` extension. SQLite: the same names, registered on
each connection by `register_sqlite_functions` (search.apps), computed by this module. Queries are written
once, with these function names, and give the same results on both (docs/search.md).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# đ/Đ have no combining-mark decomposition: NFD leaves them whole, so they are mapped by hand.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L"})
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[0-9a-z]+")


class _Unmarked(dict):
    """str.translate table built as characters are met: each one's letter without its marks, cached, so folding
    a long body runs at C speed after the first few documents (reindexing 100,000 bodies stays in seconds)."""

    def __missing__(self, code: int) -> str:
        char = chr(code).translate(_SPECIAL)
        base = unicodedata.normalize("NFD", char)
        self[code] = value = "".join(c for c in base if not unicodedata.combining(c)) or char
        return value


_UNMARKED = _Unmarked()


def unaccent(text: str) -> str:
    """Letters without their marks ("Kế hoạch" → "Ke hoach", "Đào" → "Dao"); one output char per input char
    for text in NFC, which `highlight` relies on."""
    if text.isascii():
        return text
    return text.translate(_UNMARKED)


def fold(text: str | None) -> str:
    """What text is compared as: no marks, lower case (PostgreSQL: f_search_text = lower(f_unaccent(x)))."""
    return unaccent(unicodedata.normalize("NFC", text or "")).lower()


def code_key(text: str | None) -> str:
    """A document code as compared: no marks, upper case, no spaces ("106 / kh-sgdđt" → "106/KH-SGDDT")."""
    return _SPACES.sub("", unaccent(unicodedata.normalize("NFC", text or ""))).upper()


def document_text(code: str | None, subject: str | None, body: str | None) -> str:
    """The one text a document is searched in: its code, trích yếu and body, folded."""
    return fold(f"{code or ''} {subject or ''} {body or ''}")


def query_words(text: str) -> list[str]:
    """The words of a query, folded; each must appear in the document's text (in any order)."""
    return [word for word in _SPACES.split(fold(text).strip()) if word]


def _trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each alphanumeric word padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(left: str | None, right: str | None) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of both."""
    a, b = _trigrams(left or ""), _trigrams(right or "")
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new SQLite connection, the functions PostgreSQL gets from migration 0001 (connection_created)."""
    raw = connection.connection
    if connection.vendor != "sqlite" or raw is None:
        return
    raw.create_function("f_unaccent", 1, lambda x: unaccent(x) if x is not None else None, deterministic=True)
    raw.create_function("f_search_text", 1, lambda x: fold(x) if x is not None else None, deterministic=True)
    raw.create_function("f_code_key", 1, lambda x: code_key(x) if x is not None else None, deterministic=True)
    raw.create_function("f_document_text", 3, document_text, deterministic=True)
    raw.create_function("similarity", 2, similarity, deterministic=True)
