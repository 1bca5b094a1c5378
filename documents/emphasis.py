"""Emphasis as the drafter or the importer wrote it: `**bold**`, `*italic*`, `***both***`.

One reading for every side: the importer decides on the words without the marks (`plain`), the rendering prints
the runs in bold or italic (`runs`, signing.rendering). A lone `*` with no partner is text (a footnote "(*)"); a
stray `**` with none is a word processor's leftover and is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Opening marks follow a space, a start or an opening sign and precede a non-space; closing marks mirror them.
_OPEN = r"(?:(?<=^)|(?<=[\s(\[“\"'‘–-]))"
_CLOSE = r"(?=$|[\s)\]”\"'’.,;:!?–-])"
_PATTERNS = (
    (re.compile(_OPEN + r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*" + _CLOSE), True, True),
    (re.compile(_OPEN + r"\*\*(?=\S)(.+?)(?<=\S)\*\*" + _CLOSE), True, False),
    (re.compile(_OPEN + r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*" + _CLOSE), False, True),
)
_FOOTNOTE = re.compile(r"\(\*+\)")  # "(*)", "(**)": a footnote's mark, never emphasis
_SHIELD = "\ue000"  # a private-use character standing for a footnote's "*" while the marks are read


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False


def runs(text: str, *, bold: bool = False, italic: bool = False) -> list[Run]:
    """The text cut into runs of one weight and slant, marks removed."""
    shielded = _FOOTNOTE.sub(lambda m: m[0].replace("*", _SHIELD), text)
    return [Run(r.text.replace(_SHIELD, "*"), r.bold, r.italic) for r in _runs(shielded, bold, italic) if r.text]


def _runs(text: str, bold: bool, italic: bool) -> list[Run]:
    found = None
    for pattern, makes_bold, makes_italic in _PATTERNS:
        match = pattern.search(text)
        if match and (found is None or match.start() < found[0].start()):
            found = (match, makes_bold, makes_italic)
    if found is None:
        return [Run(text.replace("**", ""), bold, italic)]
    match, makes_bold, makes_italic = found
    return [
        *_runs(text[: match.start()], bold, italic),
        *_runs(match[1], bold or makes_bold, italic or makes_italic),
        *_runs(text[match.end() :], bold, italic),
    ]


def plain(text: str) -> str:
    """The words without their marks."""
    return "".join(run.text for run in runs(text))


def wholly_bold(text: str) -> bool:
    """The source set the whole paragraph in bold (`**1. Tổ chức thực hiện**`)."""
    parts = [run for run in runs(text) if run.text.strip()]
    return bool(parts) and all(run.bold for run in parts)
