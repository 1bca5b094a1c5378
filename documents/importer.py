"""Read a plain-text plan (as word processors export them, see the seed plans) into its fields.

`parse_plan(text)` is pure: no database, only the text; it refuses a text that is not a plan. `read_document(text)`
is the same reader made lenient, for documents that arrive from outside (paper, PDF, Word; receiving.intake): it
returns what the document says of itself and the list of what it could not read, and refuses nothing. A công văn
(no type heading, its trích yếu "V/v …" under the number) is read too. `create_draft_from_plan(...)` turns a plan
into a draft through `documents.services.document_create`.

Real input is messy: `**` bold markers, a signature scribble glued to the last paragraph ("./.*Thuc*"),
paragraphs cut by page breaks in mid-sentence, "KT.TRƯỞNG PHÒNG" without its space, "Lưu VT" without
its colon, recipients indented with stray spaces. Each is handled where it is met below.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from documents.catalog import DOCUMENT_TYPES
from documents.emphasis import plain as _plain
from documents.limits import check_draft
from documents.models import Purpose
from organizations.authority import PREFIX, chain_for, chain_of_lines, normalize_title_line
from organizations.models import SignatureForm

# Upper-case type names, longest first so "CHƯƠNG TRÌNH" is not taken for a shorter name.
_TYPE_NAMES = sorted(((name.upper(), code, name) for code, name, _ in DOCUMENT_TYPES), key=lambda t: -len(t[0]))
_NATIONAL = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
_MOTTO = re.compile(r"^Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc$", re.IGNORECASE)
_NUMBER_LINE = re.compile(r"^Số\s*:\s*(?P<number>\d*)\s*/\s*(?P<code>\S+)", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^(?P<place>[^,]+),\s*ngày\s*(?P<day>\d{1,2})?\s*tháng\s*(?P<month>\d{1,2})?\s*năm\s*(?P<year>\d{4})?",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[-_=–—.\s]{3,}$")
_SCRIBBLE = re.compile(r"\*[^*\s]{1,20}\*\s*$")  # "./.*Thuc*": an italic signature mark
_RECIPIENTS_LABEL = re.compile(r"^Nơi nhận\s*:?\s*(?P<rest>.*)$", re.IGNORECASE)
_FILING = re.compile(r"^-?\s*Lưu\s*:?\s*(?P<rest>.+)$", re.IGNORECASE)
_STRUCTURE = re.compile(r"^([IVXLC]+\.|\d+(\.\d+)*\.|\d+\)|[a-zđ]\)|[-–+•])\s*")
_HEADING = re.compile(r"^([IVXLC]+\.|\d+(\.\d+)*\.|\d+\)|[a-zđ]\))\s*")
_SIGNED_MARK = re.compile(r"[(\[]?\s*(đã ký|ký tên[^)\]]*|ký,[^)\]]*|ký và ghi rõ[^)\]]*)\s*[)\]]?\.?", re.IGNORECASE)
_TITLE_WORDS = re.compile(
    r"\b(TRƯỞNG|PHÓ|GIÁM ĐỐC|CHỦ TỊCH|HIỆU|CHÁNH|TỔNG|BÍ THƯ|ỦY VIÊN|UỶ VIÊN|THƯ KÝ|QUYỀN|ỦY BAN|UỶ BAN|UBND|BAN|"
    r"PHÒNG|TỔ|VỤ|CỤC|BỘ|SỞ|KẾ TOÁN|ĐỘI)\b"
)
_PURPOSES = (
    (re.compile(r"\((để\s+)?(b/c|báo cáo)\)$", re.IGNORECASE), "report"),
    (re.compile(r"\((để\s+)?biết\)$", re.IGNORECASE), "inform"),
    (re.compile(r"\((để\s+)?(thực hiện|t/h)\)$", re.IGNORECASE), "execute"),
)
_CONFIDENTIALITY = {"MẬT": "mat", "TỐI MẬT": "toi_mat", "TUYỆT MẬT": "tuyet_mat"}
_URGENCY = {"KHẨN": "khan", "THƯỢNG KHẨN": "thuong_khan", "HỎA TỐC": "hoa_toc", "HOẢ TỐC": "hoa_toc"}


class PlanParseError(ValueError):
    """The text does not look like a plan: the message says what is missing, in Vietnamese."""


@dataclass(frozen=True)
class ParsedRecipient:
    display_name: str
    purpose: str  # execute | report | inform | ""
    purpose_text: str = ""  # as written where it differs from the purpose's label: "để b/c", "báo cáo"


@dataclass
class ParsedPlan:
    parent_line_name: str = ""
    organization_name: str = ""
    number: int | None = None
    code: str = ""  # "12/KH-PGDĐT", or "/KH-PGDĐT" for a draft
    type_abbreviation: str = ""
    organization_abbreviation: str = ""
    place_name: str = ""
    issue_date: dt.date | None = None
    year: int | None = None
    date_line: str = ""  # the place-and-date line as printed
    type_heading: str = ""  # as printed, e.g. "CHƯƠNG TRÌNH HÀNH ĐỘNG"
    doc_type_code: str = ""
    doc_type_name: str = ""
    subject: str = ""
    legal_bases: list[str] = field(default_factory=list)
    body: str = ""
    recipients: list[ParsedRecipient] = field(default_factory=list)
    recipient_lines: list[str] = field(default_factory=list)  # the "Nơi nhận" block as printed, "- Lưu: …" included
    filing_line: str = ""
    signature_form: str = SignatureForm.DIRECT
    title_lines: list[str] = field(default_factory=list)
    signer_name: str = ""
    confidentiality: str = "normal"
    urgency: str = "normal"

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p]


def _clean_line(line: str, *, keep_marks: bool = False) -> str:
    """One line, normalised; `keep_marks` keeps the `**bold**`/`*italic*` marks (the body prints them as emphasis,
    documents.emphasis), otherwise they go (a header or signature line's weight is the layout's)."""
    line = unicodedata.normalize("NFC", line).replace("\u00a0", " ")
    if not keep_marks:
        line = line.replace("**", "")
    line = _SCRIBBLE.sub("", line)
    return re.sub(r"[ \t]+", " ", line).strip()


def _cells(raw_line: str) -> list[str]:
    """A header line may hold both columns ("UBND HUYỆN X      CỘNG HÒA ..."): split on wide gaps."""
    parts = re.split(r"\t+| {3,}", raw_line.replace("**", ""))
    return [c for c in (_clean_line(p) for p in parts) if c]


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _type_of(line: str) -> tuple[str, str] | None:
    if not _is_upper(line):
        return None
    for upper, code, name in _TYPE_NAMES:
        if line == upper or line.startswith(upper + " "):
            return code, name
    return None


def _ends_sentence(text: str) -> bool:
    return text.endswith((".", ":", ";", "!", "?", ")", "”", '"', "/."))


def _join_broken_paragraphs(paragraphs: list[str]) -> list[str]:
    """Glue the halves of a paragraph cut by a page break ("phối hợp chặt" + "chẽ, hiệu quả")."""
    joined: list[str] = []
    for marked in paragraphs:
        text = _plain(marked)
        if joined:
            previous = _plain(joined[-1])
            starts_item = bool(_STRUCTURE.match(text))
            previous_is_heading = bool(_HEADING.match(previous)) and len(previous) < 200
            if not _ends_sentence(previous) and not starts_item and (text[:1].islower() or not previous_is_heading):
                joined[-1] = f"{joined[-1]} {marked}"
                continue
        joined.append(marked)
    return joined


def parse_recipient_line(line: str) -> tuple[str, str]:
    """One "Nơi nhận" line as typed ("- Sở GD&ĐT tỉnh Long An (b/c);") → (name, purpose)."""
    return _purpose(line.lstrip("-+• ").rstrip(" ;,.").strip())


def parse_recipient(line: str) -> dict[str, str]:
    """One "Nơi nhận" line as typed → the line as documents.services takes it, the purpose as written kept where
    it differs from the purpose's label ("(để b/c)" prints "(để b/c)", not "(b/c)")."""
    recipient = _recipient(line)
    return {"display_name": recipient.display_name, "purpose": recipient.purpose} | (
        {"purpose_text": recipient.purpose_text} if recipient.purpose_text else {}
    )


def purpose_of(written: str) -> str:
    """The purpose a written purpose denotes ("để b/c" → "report"), "" when it denotes none."""
    return _purpose(f"x ({written.strip()})")[1]


def _purpose(line: str) -> tuple[str, str]:
    for pattern, purpose in _PURPOSES:
        if pattern.search(line):
            return pattern.sub("", line).strip(), purpose
    return line, ""


def _recipient(line: str) -> ParsedRecipient:
    text = line.lstrip("-+• ").rstrip(" ;,.").strip()
    name, purpose = _purpose(text)
    written = ""
    if purpose:
        written = re.sub(r"\s+", " ", text[len(name) :].strip()[1:-1]).strip()
        with translation.override("vi"):  # the label as the legal document prints it
            label = str(Purpose(purpose).label)
        if written == label:
            written = ""
    return ParsedRecipient(display_name=name, purpose=purpose, purpose_text=written)


def _parse_header(cells: list[str], plan: ParsedPlan, notes: list[str] | None = None) -> None:
    """Number and code, place and date, marks, and the issuing body's lines. An impossible date is refused, or,
    when `notes` is given (lenient reading), noted there and left unread."""
    organization_lines: list[str] = []
    for cell in cells:
        # the national name may wrap ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA" / "VIỆT NAM"): any piece of it is not the issuer
        if any(cell.upper() in national for national in _NATIONAL) or _MOTTO.match(cell) or _RULE.match(cell):
            continue
        if match := _NUMBER_LINE.match(cell):
            plan.number = int(match["number"]) if match["number"] else None
            plan.code = f"{match['number']}/{match['code']}"
            type_part, _, org_part = match["code"].partition("-")
            plan.type_abbreviation, plan.organization_abbreviation = type_part, org_part
        elif match := _PLACE_DATE.match(cell):
            plan.place_name = match["place"].strip()
            plan.date_line = cell
            plan.year = int(match["year"]) if match["year"] else None
            if notes is not None and not (match["day"] and match["month"]):
                notes.append(f"Dòng ngày tháng chưa ghi ngày, tháng: “{cell}” (văn bản chưa được ban hành?).")
            if match["day"] and match["month"] and match["year"]:
                try:
                    plan.issue_date = dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
                except ValueError as exc:  # "ngày 31 tháng 02": a typo, not a crash
                    if notes is None:
                        raise PlanParseError(f"Ngày ban hành không có thật: “{cell}”.") from exc
                    notes.append(f"Ngày ban hành không có thật: “{cell}”.")
        elif cell.upper() in _CONFIDENTIALITY:
            plan.confidentiality = _CONFIDENTIALITY[cell.upper()]
        elif cell.upper() in _URGENCY:
            plan.urgency = _URGENCY[cell.upper()]
        elif _is_upper(cell):
            organization_lines.append(cell)
    if len(organization_lines) >= 2:
        plan.parent_line_name, plan.organization_name = organization_lines[0], " ".join(organization_lines[1:])
    elif organization_lines:
        plan.organization_name = organization_lines[0]


def _split_legal_basis(paragraph: str) -> tuple[str, str]:
    """A căn cứ with the preamble glued on ("... năm 2023. Sở ... như sau:") is two things."""
    match = re.match(r"^(Căn cứ .+?[.;,])\s+(\S[^.;]*như sau:)$", paragraph)
    if match:
        return match[1], match[2]
    return paragraph, ""


def _looks_like_name(line: str) -> bool:
    """A signer's name printed in capitals ("NGUYỄN VĂN A") rather than a title line ("PHÓ TRƯỞNG PHÒNG")."""
    words = line.split()
    return 2 <= len(words) <= 6 and not _TITLE_WORDS.search(line) and all(w.isalpha() for w in words)


def _parse_signature(lines: list[str], plan: ParsedPlan) -> None:
    """Every title line as printed, in order ("TM. …", "KT. …", "PHÓ …": none is dropped), and the name under
    them. "KT.TRƯỞNG PHÒNG" gets its space; marks such as "(Đã ký)" are not titles. The signature form is the
    authority chain of the lines (organizations.authority)."""
    lines = [line for line in lines if not _RULE.match(line) and not _SIGNED_MARK.fullmatch(line)]
    if not lines:
        return
    if not _is_upper(lines[-1]) or _looks_like_name(lines[-1]):
        plan.signer_name = lines[-1]
        lines = lines[:-1]
    titles = [normalize_title_line(line) for line in lines]
    # The form is the chain the leading prefixes make ("TM. …" over "KT. …" is TM.+KT.); prefixes that make no
    # legal chain keep the outermost one, and every line is kept as printed either way.
    chain = chain_of_lines(titles)
    if chain is None and titles and (match := PREFIX.match(titles[0])):
        chain = chain_for(match["step"])
    if chain is not None and titles:
        plan.signature_form = chain.form
    plan.title_lines = titles


# The trích yếu of a công văn, printed under its number: "V/v tổ chức hội thi …".
_SUBJECT_VV = re.compile(r"^(V/v|V/V|Về việc|VỀ VIỆC)\s*[:.]?\s+(?P<subject>\S.*)$")
_COMPLETE_LABEL = re.compile(r"^Nơi nhận\s*:?\s*(-.*)?$", re.IGNORECASE)

# What an arriving document says of itself, by field code, with the label the pages and commands show.
PARTICULARS = {
    "sender": "Cơ quan ban hành",
    "sender_parent": "Cơ quan chủ quản",
    "code": "Số, ký hiệu",
    "place_name": "Địa danh",
    "issue_date": "Ngày ban hành",
    "doc_type": "Tên loại văn bản",
    "subject": "Trích yếu",
    "signer_title_lines": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
    "recipient_lines": "Nơi nhận",
}


@dataclass
class DocumentReading:
    """`read_document`'s answer: what the text says (`plan`), the particulars it could not read (codes of
    PARTICULARS, in that order) and remarks in Vietnamese (an impossible date…)."""

    plan: ParsedPlan
    unread: list[str]
    notes: list[str]


def _header_like(line: str) -> bool:
    """A line of the two header columns: body text is none of these."""
    return bool(
        not line
        or line.upper() in _NATIONAL
        or _MOTTO.match(line)
        or _RULE.match(line)
        or _NUMBER_LINE.match(line)
        or _PLACE_DATE.match(line)
        or _is_upper(line)
    )


def _recipients_label(lines: list[str], start: int) -> int | None:
    """Where "Nơi nhận:" is, from `start`: the label standing alone (or followed by its first line) wins over a
    sentence that happens to begin with the words ("Nơi nhận hồ sơ: …")."""
    found = [i for i in range(start, len(lines)) if _RECIPIENTS_LABEL.match(lines[i])]
    complete = [i for i in found if _COMPLETE_LABEL.match(lines[i])]
    return (complete or found or [None])[-1 if complete else 0]


def _read(text: str, *, strict: bool) -> tuple[ParsedPlan, list[str]]:
    """The one reader. `strict` refuses a text that is not a plan (PlanParseError, the importer's contract);
    otherwise what is missing stays empty and remarks go to the returned notes."""
    if "\x00" in text:  # PostgreSQL stores no NUL; a text file has none
        raise PlanParseError("Tệp chứa ký tự NUL (\\x00): không phải văn bản thuần.")
    plan, notes = ParsedPlan(), []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = [_clean_line(raw) for raw in raw_lines]
    marked = [_clean_line(raw, keep_marks=True) for raw in raw_lines]  # the body keeps its emphasis

    type_index = next((i for i, line in enumerate(lines) if _type_of(line)), None)
    vv_index = next((i for i, line in enumerate(lines[:80]) if _SUBJECT_VV.match(line)), None)
    if not strict and vv_index is not None and (type_index is None or vv_index < type_index):
        type_index = None  # a công văn: an upper-case line of its body is no type heading
    if type_index is not None:
        plan.doc_type_code, plan.doc_type_name = _type_of(lines[type_index])  # type: ignore[misc]
        plan.type_heading = lines[type_index]
        header, body_start = raw_lines[:type_index], type_index + 1
    elif strict:
        raise PlanParseError("Không tìm thấy tên loại văn bản (ví dụ “KẾ HOẠCH”) trong tệp.")
    else:
        header, body_start = _read_cong_van_head(raw_lines, lines, plan)
    _parse_header([cell for raw in header for cell in _cells(raw)], plan, None if strict else notes)

    label_index = _recipients_label(lines, body_start)
    if label_index is None and strict:
        raise PlanParseError("Không tìm thấy mục “Nơi nhận:”.")
    end_of_body = label_index if label_index is not None else len(lines)
    region = [i for i in range(body_start, end_of_body) if not _RULE.match(lines[i])]
    before_label = [lines[i] for i in region]
    following = region
    if type_index is not None:
        start = next((i for i, line in enumerate(before_label) if line), None)
        if start is None:
            if strict:
                raise PlanParseError("Thiếu trích yếu sau tên loại văn bản.")
            start = len(before_label)
        # The trích yếu runs until the first blank line (it may wrap onto a second line).
        end = next((i for i in range(start, len(before_label)) if not before_label[i]), len(before_label))
        plan.subject = " ".join(before_label[start:end])
        following = region[end:]
    following = [i for i in following if lines[i]]
    # A trích yếu broken over two paragraphs goes on in lower case ("… cấp huyện" / "năm học 2025 - 2026").
    while type_index is not None and following and lines[following[0]][0].islower():
        plan.subject = f"{plan.subject} {lines[following.pop(0)]}"

    body: list[str] = []
    for paragraph in _join_broken_paragraphs([marked[i] for i in following]):
        if not body and _plain(paragraph).startswith("Căn cứ"):
            basis, preamble = _split_legal_basis(_plain(paragraph))
            plan.legal_bases.append(basis)
            if preamble:
                body.append(preamble)
        else:
            body.append(paragraph)
    plan.body = "\n\n".join(body)
    if label_index is not None:
        _read_tail([line for line in lines[label_index:] if line], plan)
    return plan, notes


def _read_cong_van_head(raw_lines: list[str], lines: list[str], plan: ParsedPlan) -> tuple[list[str], int]:
    """A text without a type heading: a công văn when its header carries "V/v …" (the trích yếu, wrapped onto
    lines that go on in lower case). The header runs until the first line that is not of the header columns;
    returns the header's raw lines (the V/v lines left out) and where the body begins."""
    vv_index = next((i for i, line in enumerate(lines[:80]) if _SUBJECT_VV.match(line)), None)
    skip: set[int] = set()
    if vv_index is not None:
        plan.doc_type_code, plan.doc_type_name = "cong_van", "Công văn"
        subject = [_SUBJECT_VV.match(lines[vv_index])["subject"]]  # type: ignore[index]
        skip.add(vv_index)
        i = vv_index + 1
        while i < len(lines):
            if not lines[i]:
                i += 1
                continue
            if not lines[i][0].islower():
                break
            subject.append(lines[i])
            skip.add(i)
            i += 1
        plan.subject = " ".join(subject)
    last = max(skip) if skip else -1
    body_start = next(
        (i for i, line in enumerate(lines) if i > last and i not in skip and not _header_like(line)), len(lines)
    )
    return [raw for i, raw in enumerate(raw_lines[:body_start]) if i not in skip], body_start


def _read_tail(tail: list[str], plan: ParsedPlan) -> None:
    """From "Nơi nhận:" on: the lines as printed, each line's name and purpose, "Lưu", then the signature."""
    first_rest = _RECIPIENTS_LABEL.match(tail[0])["rest"]  # type: ignore[index]
    tail = ([first_rest] if first_rest else []) + tail[1:]
    signature_lines: list[str] = []
    in_list = True
    for line in tail:
        if in_list and (match := _FILING.match(line)):
            plan.filing_line = match["rest"].strip()
            plan.recipient_lines.append(line)
            in_list = False
        elif in_list and line.startswith(("-", "+", "•")):
            plan.recipients.append(_recipient(line))
            plan.recipient_lines.append(line)
        else:
            in_list = False
            signature_lines.append(line)
    _parse_signature(signature_lines, plan)


def parse_plan(text: str) -> ParsedPlan:
    """Split a plain-text plan into header, type, trích yếu, căn cứ, body, Nơi nhận and signature; refuse a text
    without a type heading, a trích yếu or a "Nơi nhận" block (PlanParseError, in Vietnamese)."""
    return _read(text, strict=True)[0]


def particulars_of(plan: ParsedPlan) -> dict[str, Any]:
    """The PARTICULARS of a read document, by code."""
    return {
        "sender": plan.organization_name,
        "sender_parent": plan.parent_line_name,
        "code": plan.code,  # as printed; "/KH-PGDĐT" alone is a draft's, without its number
        "place_name": plan.place_name,
        "issue_date": plan.issue_date,
        "doc_type": plan.doc_type_code,
        "subject": plan.subject,
        "signer_title_lines": list(plan.title_lines),
        "signer_name": plan.signer_name,
        "recipient_lines": list(plan.recipient_lines),
    }


def read_document(text: str) -> DocumentReading:
    """What a document from outside says of itself — issuing body and parent line, number and code, place and
    date, type, trích yếu, every signature title line and the name, the "Nơi nhận" lines as printed — and what
    of it could not be read. Refuses only a text with a NUL byte (not text at all)."""
    plan, notes = _read(text, strict=False)
    unread = [
        name for name, value in particulars_of(plan).items() if not value or (name == "code" and plan.number is None)
    ]
    return DocumentReading(plan=plan, unread=unread, notes=notes)


def create_draft_from_plan(*, plan: ParsedPlan, organization: Any, drafter: Any) -> Any:
    """A draft Document through the lifecycle service (see `import_draft`, which also says how the
    "Nơi nhận" lines were matched to the directory)."""
    return import_draft(plan=plan, organization=organization, drafter=drafter)[0]


def import_draft(*, plan: ParsedPlan, organization: Any, drafter: Any) -> tuple[Any, list[Any]]:
    """A draft Document through the lifecycle service, and the "Nơi nhận" lines as matched to the directory of
    `organization` (documents.recipient_matching): linked where one entry fits without doubt, an outside body
    otherwise; the printed text is kept either way. The signer is matched by name among the leaders.

    Number and date are not this draft's (the clerk gives them after the signature), but what the text said of
    them is kept on it (`source_code`, `source_date_line`) for the drafter to see; the type name as printed is
    kept where it says more than the type ("CHƯƠNG TRÌNH HÀNH ĐỘNG"), and each purpose as written.
    """
    from documents.models import DocumentType
    from documents.recipient_matching import match_recipients
    from documents.services import document_create
    from organizations.models import Membership, Role

    # refused here too, before any query: nothing of an over-long plan is written (not even its type)
    check_draft(
        values={
            "subject": plan.subject,
            "body": plan.body,
            "legal_bases": plan.legal_bases,
            "place_name": plan.place_name,
            "filing_line": plan.filing_line,
        },
        recipients=[{"display_name": r.display_name} for r in plan.recipients],
    )
    type_name = next(name for code, name, _ in DOCUMENT_TYPES if code == plan.doc_type_code)
    abbreviation = next(abbr for code, _, abbr in DOCUMENT_TYPES if code == plan.doc_type_code)
    doc_type = DocumentType.objects.get_or_create(
        code=plan.doc_type_code, defaults={"name": type_name, "abbreviation": abbreviation}
    )[0]
    matches = match_recipients([(r.display_name, r.purpose) for r in plan.recipients], organization=organization)
    lines = [
        match.line() | ({"purpose_text": parsed.purpose_text} if parsed.purpose_text else {})
        for match, parsed in zip(matches, plan.recipients, strict=True)
    ]
    signer = None
    if plan.signer_name:
        leader = (
            Membership.objects.filter(
                organization=organization,
                is_active=True,
                role__in=(Role.HEAD, Role.DEPUTY),
                user__full_name=plan.signer_name,
            )
            .select_related("user")
            .first()
        )
        signer = leader.user if leader else None
    document = document_create(
        actor=drafter,
        organization=organization,
        doc_type=doc_type,
        subject=plan.subject,
        body=plan.body,
        legal_bases=plan.legal_bases,
        signer=signer,
        signature_form=plan.signature_form,
        recipients=lines,
        confidentiality=plan.confidentiality,
        urgency=plan.urgency,
        place_name=plan.place_name,
        filing_line=plan.filing_line,
        type_title=printed_type_title(plan.type_heading, type_name),
        source_code=plan.code if plan.number is not None else "",
        source_date_line=plan.date_line if plan.issue_date is not None else "",
    )
    return document, matches


def printed_type_title(heading: str, type_name: str) -> str:
    """The type name as printed when it says more than the type's own name, else "" (the name is printed)."""
    heading = re.sub(r"\s+", " ", heading).strip()
    return "" if heading.upper() == type_name.upper() else heading
