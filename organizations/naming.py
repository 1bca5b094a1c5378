"""How names of bodies are compared: one normal form for the directory, the importer and arrivals.

"PHÒNG GIÁO DỤC VÀ ĐÀO TẠO", "Phòng GD&ĐT" and "PGDĐT" are one name once case, diacritics (đ = d),
punctuation and the usual abbreviations are set aside. It lives here, at the bottom of the apps that compare
names (organizations < documents), so the organ directory (organizations.Organ) and the "Nơi nhận" matcher
(documents.recipient_matching) use the same rule.
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviations, on normalised text (no diacritics, lower case, "&" kept): longest first.
ABBREVIATIONS = (
    (r"\bsgd\s*&?\s*dt\b|\bsgddt\b", "so giao duc va dao tao"),
    (r"\bpgd\s*&?\s*dt\b|\bpgddt\b|\bpgd\b", "phong giao duc va dao tao"),
    (r"\bgd\s*&\s*dt\b|\bgd\s*-\s*dt\b|\bgddt\b", "giao duc va dao tao"),
    (r"\bubnd\b", "uy ban nhan dan"),
    (r"\bhdnd\b", "hoi dong nhan dan"),
    (r"\bthcs\b", "trung hoc co so"),
    (r"\bthpt\b", "trung hoc pho thong"),
    (r"\btruong th\b", "truong tieu hoc"),
    (r"\bmn\b", "mam non"),
)


def normalize(text: str) -> str:
    """Lower case, no diacritics (đ = d), punctuation as spaces, single spaces; "&" is kept for GD&ĐT."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w&]+", " ", text)
    return " ".join(text.split())


_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in ABBREVIATIONS)
# Every abbreviation starts with one of these words: most names have none and skip the substitutions (the organ
# directory expands 100,000 names per load).
_ANY_ABBREVIATION = re.compile(r"\b(sgd|pgd|gd|ubnd|hdnd|thcs|thpt|truong th|mn)")


def expand(text: str) -> str:
    """`normalize`, then the abbreviations spelled out: the key two spellings of one name share."""
    text = normalize(text)
    if not _ANY_ABBREVIATION.search(text):
        return text
    for pattern, replacement in _COMPILED:
        text = pattern.sub(replacement, text)
    return " ".join(text.split())
