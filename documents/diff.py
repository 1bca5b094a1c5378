"""The difference between two versions of a document, word by word.

Text is cut into tokens that keep everything — words, runs of whitespace (line breaks included), punctuation — so
joining the tokens gives the text back exactly, and a change of one word in a paragraph shows as that word, not
the whole line. Long texts are first compared line by line (difflib's matcher is quadratic in the worst case);
only the lines that changed are then compared word by word.

`diff_versions` compares the fields a version's snapshot holds (documents.versioning.content_snapshot): trích yếu,
căn cứ, body and recipients as text, the rest (signer, form, urgency…) as a before/after pair.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_noop

# Above this many token pairs a changed block is shown as whole lines: the word matcher is quadratic in the worst
# case, and a body rewritten from top to bottom (200,000 characters) would take minutes.
MAX_WORD_PAIRS = 6_000_000  # about half a second in the worst case measured (2,500 × 2,500 tokens)

# A word (letters with their Vietnamese marks, digits, "_"), a run of whitespace, or one other character.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    op: str  # "equal" | "insert" | "delete"
    text: str


@dataclass
class FieldDiff:
    name: str
    label: str
    segments: list[Segment] = field(default_factory=list)
    changed: bool = False


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _merge(segments: list[Segment]) -> list[Segment]:
    """Neighbouring segments of one kind become one; whitespace between two changes of one kind joins them, so
    "bỏ a b c" reads as one deletion, not three."""
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and merged[-1].op == segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def _word_diff(old: list[str], new: list[str]) -> list[Segment]:
    out: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Segment("equal", "".join(old[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(Segment("delete", "".join(old[i1:i2])))
        if op in ("insert", "replace"):
            out.append(Segment("insert", "".join(new[j1:j2])))
    return out


def diff_text(old: str, new: str) -> list[Segment]:
    """Segments that rebuild `old` (equal + delete) and `new` (equal + insert), word by word."""
    if old == new:
        return [Segment("equal", old)] if old else []
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    out: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(Segment("equal", "".join(old_lines[i1:i2])))
        else:  # the changed lines, compared word by word (a block too big for that stays whole lines)
            old_tokens, new_tokens = tokens("".join(old_lines[i1:i2])), tokens("".join(new_lines[j1:j2]))
            if len(old_tokens) * len(new_tokens) > MAX_WORD_PAIRS:
                out += [Segment("delete", "".join(old_lines[i1:i2])), Segment("insert", "".join(new_lines[j1:j2]))]
            else:
                out.extend(_word_diff(old_tokens, new_tokens))
    return _merge(out)


def rebuild(segments: list[Segment], *, side: str) -> str:
    """The old (side="old") or the new text back from the segments: what the tests check."""
    skip = "insert" if side == "old" else "delete"
    return "".join(s.text for s in segments if s.op != skip)


PURPOSE_LABELS = {"execute": "để thực hiện", "report": "b/c", "inform": "để biết"}  # documents.models.Purpose

# Fields shown as text, in the order of the legal layout, with their Vietnamese labels (translated where shown).
TEXT_FIELDS = (
    ("subject", gettext_noop("Trích yếu")),
    ("legal_bases", gettext_noop("Căn cứ")),
    ("body", gettext_noop("Nội dung")),
    ("recipients", gettext_noop("Nơi nhận")),
)
VALUE_FIELDS = (
    ("doc_type", gettext_noop("Loại văn bản")),
    ("signer", gettext_noop("Người ký")),
    ("signature_form", gettext_noop("Thể thức ký")),
    ("confidentiality", gettext_noop("Độ mật")),
    ("urgency", gettext_noop("Độ khẩn")),
    ("deadline", gettext_noop("Hạn xử lý")),
    ("place_name", gettext_noop("Địa danh")),
    ("filing_line", gettext_noop("Nơi lưu")),
    ("drafting_unit", gettext_noop("Đơn vị soạn thảo")),
)


def recipient_lines(snapshot: Mapping[str, Any]) -> str:
    lines = []
    for line in snapshot.get("recipients") or []:
        purpose = PURPOSE_LABELS.get(line.get("purpose", ""), line.get("purpose", ""))
        lines.append(f"- {line.get('display_name', '')}" + (f" ({purpose})" if purpose else "") + "\n")
    return "".join(lines)


def field_text(snapshot: Mapping[str, Any], name: str) -> str:
    if name == "recipients":
        return recipient_lines(snapshot)
    if name == "legal_bases":
        return "".join(f"{line}\n" for line in snapshot.get("legal_bases") or [])
    return str(snapshot.get(name) or "")


def diff_versions(
    old: Mapping[str, Any], new: Mapping[str, Any], *, display: Callable[[str, Any], str] | None = None
) -> list[FieldDiff]:
    """Every text field as segments, and every other field that changed as a delete/insert pair; `display` names
    a stored value (a signer's id → the person's name)."""
    result = []
    for name, label in TEXT_FIELDS:
        segments = diff_text(field_text(old, name), field_text(new, name))
        result.append(FieldDiff(name, label, segments, any(s.op != "equal" for s in segments)))
    for name, label in VALUE_FIELDS:
        before, after = old.get(name), new.get(name)
        if before != after:
            shown = display or (lambda _name, value: "" if value is None else str(value))
            segments = [Segment("delete", shown(name, before)), Segment("insert", shown(name, after))]
            result.append(FieldDiff(name, label, [s for s in segments if s.text], True))
    return result
