"""Reading an arriving edXML packet safely: bytes → checked tree → `DocumentPacket` or `StatusPacket`.

Untrusted bytes from another system meet, in this order: a byte-size limit (before anything reads them), a parser
that never resolves entities, loads a DTD or touches the network (lxml with `resolve_entities=False,
no_network=True, load_dtd=False, huge_tree=False`), a refusal of any DOCTYPE (so no entity declaration, no
"billion laughs", no external entity), a depth limit, the namespace of the regulation, the schema
`exchange/schema/edxml.xsd` (lenient: any order, optional fields, "1" for "01"), then the presence of what the
receiving side cannot do without. Every refusal is a `PacketRefused` with a machine code and a Vietnamese
reason, which the caller stores with the packet (exchange.services).

Attachments are unwrapped defensively (`extract_pdf`): base64 checked, a zip read entry by entry with limits on
count, declared and actual sizes, never written to disk.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import io
import re
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

from documents.dates import VIETNAM
from exchange.edxml import (
    NAMESPACE,
    NEW,
    STATUS_CODES,
    Attachment,
    Business,
    DocumentPacket,
    Organ,
    Replacement,
    ResponseFor,
    StaffInfo,
    StatusPacket,
    TraceHeader,
    normalise_status_code,
)

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "edxml.xsd"
MAX_DEPTH = 16  # the deepest element of the regulation's structure is 10 levels down
MAX_ZIP_ENTRIES = 50
PDF_MAGIC = b"%PDF-"
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
NO_DOCTYPE = "Gói tin có khai báo DOCTYPE/ENTITY: không được phép (chống tấn công thực thể XML)."


class PacketRefused(Exception):
    """A packet this system does not take, with the reason the administrator and the sender read."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(message)


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


@cache
def schema() -> etree.XMLSchema:
    """The schema, compiled once; parsed with the same safe parser as packets (it is ours, but the rule is one)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _parser()))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _depth_exceeds(root: etree._Element, limit: int) -> bool:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in element)
    return False


def load(data: bytes, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> etree._Element:
    """The checked root of a packet, or PacketRefused: size, DOCTYPE, well-formedness, depth, namespace, schema."""
    if len(data) > max_bytes:
        raise PacketRefused(
            "oversized", f"Gói tin {len(data):,} byte, vượt giới hạn {max_bytes:,} byte.".replace(",", ".")
        )
    if not data.strip():
        raise PacketRefused("malformed", "Gói tin rỗng.")
    if _DOCTYPE.search(data[:65536]):
        raise PacketRefused("doctype", NO_DOCTYPE)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        if "Text node too long" in str(exc) or "Huge input lookup" in str(exc):
            raise PacketRefused("oversized", "Gói tin có một phần tử quá lớn (trên 10 MB).") from exc
        raise PacketRefused("malformed", f"Gói tin không phải XML hợp lệ: {exc}"[:500]) from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise PacketRefused("doctype", NO_DOCTYPE)
    if _depth_exceeds(root, max_depth):
        raise PacketRefused("too_deep", f"Gói tin lồng quá {max_depth} cấp phần tử.")
    if root.tag != _q("edXML"):
        raise PacketRefused(
            "wrong_schema",
            f"Gói tin không phải edXML theo QCVN 102:2016: phần tử gốc là “{etree.QName(root).localname}”"
            f" (không gian tên “{etree.QName(root).namespace or ''}”).",
        )
    checker = schema()
    if not checker.validate(root):
        error = checker.error_log.last_error
        reason = f"Gói tin không đúng lược đồ edXML (dòng {error.line}): {error.message}"
        raise PacketRefused("wrong_schema", reason[:500])
    return root


# --- reading the tree ------------------------------------------------------------------------------------------


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if element is None else list(element.iterchildren(_q(name)))


def _child(element: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _text(element: etree._Element | None, name: str) -> str:
    child = _child(element, name)
    return " ".join((child.text or "").split()) if child is not None else ""


def _int(element: etree._Element | None, name: str, default: int = 0) -> int:
    text = _text(element, name)
    return int(text) if text.isdigit() else default


def parse_date(text: str, *, field: str) -> dt.date | None:
    """ "2019/03/06", "2019/3/6" and "2019-03-06" are one date; empty is none; anything else is refused."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})", text)
    try:
        if match is None:
            raise ValueError(text)
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise PacketRefused("invalid", f"Ngày “{text[:20]}” của {field} không hợp lệ.") from exc


def parse_timestamp(text: str, *, field: str) -> dt.datetime | None:
    """ "2019/03/06 08:30:00" in Vietnam time; a date alone is its midnight."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"(\d{4}[/-]\d{1,2}[/-]\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?", text)
    if match is None:
        raise PacketRefused("invalid", f"Thời điểm “{text[:30]}” của {field} không hợp lệ.")
    day = parse_date(match.group(1), field=field)
    hour, minute, second = (int(part or 0) for part in match.groups()[1:])
    try:
        return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=VIETNAM)
    except ValueError as exc:
        raise PacketRefused("invalid", f"Thời điểm “{text[:30]}” của {field} không hợp lệ.") from exc


def _organ(element: etree._Element) -> Organ:
    return Organ(
        organ_id=_text(element, "OrganId"),
        name=_text(element, "OrganName"),
        in_charge=_text(element, "OrganizationInCharge"),
        address=_text(element, "OrganAdd"),
        email=_text(element, "Email"),
        telephone=_text(element, "Telephone"),
        fax=_text(element, "Fax"),
        website=_text(element, "Website"),
    )


def _response_for(element: etree._Element) -> ResponseFor:
    return ResponseFor(
        organ_id=_text(element, "OrganId"),
        code=_text(element, "Code"),
        promulgation_date=parse_date(_text(element, "PromulgationDate"), field="ResponseFor"),
        document_id=_text(element, "DocumentId"),
    )


def _staff(element: etree._Element | None) -> StaffInfo:
    return StaffInfo(
        department=_text(element, "Department"),
        staff=_text(element, "Staff"),
        email=_text(element, "Email"),
        mobile=_text(element, "Mobile"),
    )


def _one(header: etree._Element, name: str) -> etree._Element:
    found = _children(header, name)
    if len(found) != 1:
        raise PacketRefused(
            "incomplete",
            f"Gói tin phải có đúng một phần tử edXML:{name} (có {len(found)}).",
        )
    return found[0]


def _business(trace_list: etree._Element | None) -> Business:
    element = _child(trace_list, "Bussiness")
    if element is None:
        return Business()
    info = _child(element, "BussinessDocumentInfo")
    receivers = tuple(
        (_text(receiver, "OrganId"), _int(receiver, "ReceiverType"))
        for receiver in _children(_child(info, "ReceiverList"), "Receiver")
    )
    replacements = tuple(
        Replacement(
            document_id=_text(item, "DocumentId"),
            organ_ids=tuple(
                " ".join((organ.text or "").split()) for organ in _children(_child(item, "OrganIdList"), "OrganId")
            ),
        )
        for item in _children(_child(element, "ReplacementInfoList"), "ReplacementInfo")
    )
    # Some senders name the document acted on in the block itself (Bussiness/DocumentId).
    if not replacements and _text(element, "DocumentId"):
        replacements = (Replacement(document_id=_text(element, "DocumentId")),)
    return Business(
        doc_type=_int(element, "BussinessDocType", NEW),
        reason=_text(element, "BussinessDocReason"),
        paper=_int(element, "Paper"),
        staff=_staff(_child(element, "StaffInfo")),
        document_info=_int(info, "DocumentInfo"),
        document_receiver=_int(info, "DocumentReceiver"),
        receivers=receivers,
        replacements=replacements,
    )


def _content_id(value: str) -> str:
    value = value.strip().strip("<>")
    return value[4:] if value.lower().startswith("cid:") else value


def _attachments(root: etree._Element, manifest: etree._Element | None) -> tuple[Attachment, ...]:
    described = {
        _content_id(_text(reference, "ContentId")): reference for reference in _children(manifest, "Reference")
    }
    attachments = []
    for position, element in enumerate(_children(_child(root, "AttachmentEncoded"), "Attachment"), start=1):
        content_id = _content_id(_text(element, "ContentId")) or str(position)
        reference = described.get(content_id)
        encoded = "".join((_child(element, "ContentTransferEncoded").text or "").split())
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise PacketRefused("bad_attachment", f"Tệp đính kèm {content_id} không phải base64 hợp lệ.") from exc
        attachments.append(
            Attachment(
                content_id=content_id,
                name=_text(element, "AttachmentName") or _text(reference, "AttachmentName"),
                content_type=(_text(element, "ContentType") or _text(reference, "ContentType")).lower(),
                description=_text(element, "Description") or _text(reference, "Description"),
                data=data,
            )
        )
    return tuple(attachments)


def _document_id(header: etree._Element, sender: Organ, code: str, date: dt.date | None) -> str:
    given = _text(header, "DocumentId")
    if given:
        return given
    if sender.organ_id and code and date:  # an old sender without DocumentId: the regulation's own rule makes it
        return f"{sender.organ_id},{date:%Y/%m/%d},{code}"
    raise PacketRefused("incomplete", "Gói tin thiếu edXML:DocumentId (mã định danh văn bản).")


def read_packet(data: bytes, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> DocumentPacket | StatusPacket:
    """The packet in `data`, or PacketRefused with the reason. A header with a StatusCode is a status packet."""
    root = load(data, max_bytes=max_bytes, max_depth=max_depth)
    envelope = _child(root, "edXMLEnvelope")
    header_block = _child(envelope, "edXMLHeader")
    header = _one(header_block, "MessageHeader")
    trace_list = _child(header_block, "TraceHeaderList")
    sender = _organ(_one(header, "From"))
    if not sender.organ_id:
        raise PacketRefused("incomplete", "Gói tin thiếu mã định danh (OrganId) của cơ quan gửi.")
    receivers = tuple(_organ(element) for element in _children(header, "To"))
    if _child(header, "StatusCode") is not None:
        return _status_packet(header, sender, receivers)
    if not receivers:
        raise PacketRefused("incomplete", "Gói tin văn bản thiếu nơi nhận (edXML:To).")
    code = _child(header, "Code")
    promulgation = _child(header, "PromulgationInfo")
    code_number, code_notation = _text(code, "CodeNumber"), _text(code, "CodeNotation")
    date = parse_date(_text(promulgation, "PromulgationDate"), field="PromulgationDate")
    printed_code = f"{code_number}/{code_notation}" if code_number and code_notation else code_notation or code_number
    subject = _text(header, "Subject")
    business = _business(trace_list)
    if not subject and business.doc_type == NEW:
        raise PacketRefused("incomplete", "Gói tin văn bản thiếu trích yếu (edXML:Subject).")
    doc_type = _child(header, "DocumentType")
    signer = _child(header, "SignerInfo")
    other = _child(header, "OtherInfo")
    return DocumentPacket(
        sender=sender,
        receivers=receivers,
        document_id=_document_id(header, sender, printed_code, date),
        code_number=code_number,
        code_notation=code_notation,
        place=_text(promulgation, "Place"),
        promulgation_date=date,
        doc_type=_int(doc_type, "Type", 1),
        type_detail=_int(doc_type, "TypeDetail"),
        type_name=_text(doc_type, "TypeName"),
        subject=subject,
        content=(_child(header, "Content").text or "").strip() if _child(header, "Content") is not None else "",
        signer_competence=_text(signer, "Competence"),
        signer_position=_text(signer, "Position"),
        signer_full_name=_text(signer, "FullName"),
        due_date=parse_date(_text(header, "DueDate"), field="DueDate"),
        to_places=tuple(
            text
            for place in _children(_child(header, "ToPlaces"), "Place")
            if (text := " ".join((place.text or "").split()))
        ),
        priority=_int(other, "Priority"),
        sphere=_text(other, "SphereOfPromulgation"),
        typer_notation=_text(other, "TyperNotation"),
        promulgation_amount=_int(other, "PromulgationAmount"),
        page_amount=_int(other, "PageAmount"),
        appendixes=tuple(
            " ".join((item.text or "").split()) for item in _children(_child(other, "Appendixes"), "Appendix")
        ),
        steering_type=_int(header, "SteeringType"),
        response_for=tuple(_response_for(element) for element in _children(header, "ResponseFor")),
        trace=tuple(
            TraceHeader(
                organ_id=_text(hop, "OrganId"),
                timestamp=parse_timestamp(_text(hop, "Timestamp"), field="TraceHeader"),
            )
            for hop in _children(trace_list, "TraceHeader")
        ),
        business=business,
        attachments=_attachments(root, _child(_child(envelope, "edXMLBody"), "edXMLManifest")),
    )


def _status_packet(header: etree._Element, sender: Organ, receivers: tuple[Organ, ...]) -> StatusPacket:
    code = normalise_status_code(_text(header, "StatusCode"))
    if code not in STATUS_CODES:
        raise PacketRefused("invalid", f"Mã trạng thái “{code}” không thuộc danh mục 01–06, 13, 15, 16.")
    answer = _response_for(_one(header, "ResponseFor"))
    if not answer.document_id and not (answer.code and answer.promulgation_date):
        raise PacketRefused("incomplete", "Gói tin trạng thái không cho biết văn bản nào (ResponseFor/DocumentId).")
    if not answer.document_id:
        answer = ResponseFor(
            organ_id=answer.organ_id,
            code=answer.code,
            promulgation_date=answer.promulgation_date,
            document_id=f"{answer.organ_id},{answer.promulgation_date:%Y/%m/%d},{answer.code}",
        )
    description = _child(header, "Description")
    return StatusPacket(
        sender=sender,
        receivers=receivers,
        response_for=answer,
        status_code=code,
        description=(description.text or "").strip() if description is not None else "",
        timestamp=parse_timestamp(_text(header, "Timestamp"), field="Timestamp"),
        staff=_staff(_child(header, "StaffInfo")),
    )


# --- the PDF inside -----------------------------------------------------------------------------------------------


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """An entry's bytes, never more than `limit` + 1 read whatever its header claims."""
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise PacketRefused("bad_attachment", f"Tệp “{info.filename[:80]}” trong tệp nén vượt giới hạn {limit:,} byte.")
    return data


def _pdf_in_zip(data: bytes, *, max_bytes: int) -> bytes | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise PacketRefused("bad_attachment", "Tệp nén đính kèm bị hỏng.") from exc
    with archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if len(entries) > MAX_ZIP_ENTRIES:
            raise PacketRefused("bad_attachment", f"Tệp nén đính kèm có quá {MAX_ZIP_ENTRIES} tệp.")
        if sum(info.file_size for info in entries) > max_bytes:
            raise PacketRefused("bad_attachment", f"Tệp nén đính kèm giải nén vượt giới hạn {max_bytes:,} byte.")
        for info in entries:
            if info.flag_bits & 0x1:
                raise PacketRefused("bad_attachment", "Tệp nén đính kèm có mật khẩu: không đọc được.")
            if not info.filename.lower().endswith(".pdf"):
                continue
            try:
                content = _read_limited(archive, info, max_bytes)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
                raise PacketRefused("bad_attachment", "Tệp nén đính kèm bị hỏng.") from exc
            if content.startswith(PDF_MAGIC):
                return content
    return None


def extract_pdf(attachments: tuple[Attachment, ...], *, max_bytes: int) -> bytes | None:
    """The document's PDF: the first attachment that is one, or the first PDF inside a zipped one (senders usually
    zip before base64). None when the packet carries no PDF."""
    for attachment in attachments:
        if attachment.data.startswith(PDF_MAGIC):
            return attachment.data
        is_zip = attachment.content_type in ("application/zip", "application/x-zip-compressed") or (
            attachment.name.lower().endswith(".zip") or attachment.data.startswith(b"PK\x03\x04")
        )
        if is_zip and (pdf := _pdf_in_zip(attachment.data, max_bytes=max_bytes)):
            return pdf
    return None
