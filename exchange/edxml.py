"""The edXML packet of QCVN 102:2016/BTTTT as plain data, and its writer (RULES.md, "Exchange messages").

The writer produces the bytes other systems check: the root `edXML` declares the namespace as its default,
`edXMLEnvelope` and everything inside it carry the explicit prefix `edXML:`, `AttachmentEncoded` sits outside the
envelope unprefixed, dates are `yyyy/MM/dd` and timestamps `yyyy/MM/dd HH:mm:ss` (Vietnam time). Elements are
written in the order of the regulation, every element of the structure present (empty ones self-closed), so a
strict validator finds what it looks for. Reading is `exchange.parsing`.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from documents.dates import VIETNAM

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
PREFIX = "edXML"
MANIFEST_VERSION = "1.0"

# BussinessDocType (TraceHeaderList/Bussiness): what the packet does to the document it carries.
NEW, RECALL, UPDATE, REPLACE = 0, 1, 2, 3
BUSINESS_TYPES = (NEW, RECALL, UPDATE, REPLACE)

# Status codes (RULES.md): 01 arrived … 06 done; 13 the sender asks it back; 15 agreed, 16 refused.
STATUS_CODES = ("01", "02", "03", "04", "05", "06", "13", "15", "16")

# Characters XML 1.0 cannot carry at all (C0 controls but tab, newline, carriage return; U+FFFE, U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def normalise_status_code(value: str) -> str:
    """ "1" → "01", " 03 " → "03"; anything that is not one of the codes stays as given (the caller refuses it)."""
    text = (value or "").strip()
    return f"{int(text):02d}" if text.isdigit() and len(text) <= 2 else text


def format_date(value: dt.date | None) -> str:
    return f"{value.year:04d}/{value.month:02d}/{value.day:02d}" if value else ""


def format_timestamp(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(VIETNAM) if value.tzinfo else value
    return f"{format_date(local.date())} {local:%H:%M:%S}"


def document_id(organ_id: str, issue_date: dt.date | None, code: str) -> str:
    """DocumentId: "<sender OrganId>,<yyyy/MM/dd>,<number>/<notation>" ("000.00.00.G22,2015/09/30,7816/VPCP-TTĐT")."""
    return f"{organ_id},{format_date(issue_date)},{code}"


@dataclass(frozen=True)
class Organ:
    """From / To: a body of the exchange, by its OrganId."""

    organ_id: str
    name: str = ""
    in_charge: str = ""  # OrganizationInCharge: the body above it ("UBND HUYỆN CẦN GIUỘC")
    address: str = ""
    email: str = ""
    telephone: str = ""
    fax: str = ""
    website: str = ""


@dataclass(frozen=True)
class ResponseFor:
    """The document a packet answers or acts on, as its sender numbered it."""

    organ_id: str
    code: str
    promulgation_date: dt.date | None
    document_id: str


@dataclass(frozen=True)
class StaffInfo:
    department: str = ""
    staff: str = ""
    email: str = ""
    mobile: str = ""


@dataclass(frozen=True)
class Replacement:
    """ReplacementInfo: the document a replacement (or update) stands for, and who received it."""

    document_id: str
    organ_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Business:
    """TraceHeaderList/Bussiness (spelled so by the regulation)."""

    doc_type: int = NEW
    reason: str = ""
    paper: int = 0  # 1: a paper original is sent as well
    staff: StaffInfo = field(default_factory=StaffInfo)
    # An update (2): which part changed (DocumentInfo 1: the document's particulars; DocumentReceiver 1: its
    # receivers) and the receivers concerned (OrganId, ReceiverType).
    document_info: int = 0
    document_receiver: int = 0
    receivers: tuple[tuple[str, int], ...] = ()
    replacements: tuple[Replacement, ...] = ()


@dataclass(frozen=True)
class TraceHeader:
    organ_id: str
    timestamp: dt.datetime | None


@dataclass(frozen=True)
class Attachment:
    content_id: str  # "1"; the manifest refers to it as "cid:1"
    name: str
    content_type: str
    data: bytes
    description: str = ""


@dataclass(frozen=True)
class DocumentPacket:
    """A document packet: the document's particulars, the hops it made, what it does, and its files."""

    sender: Organ
    receivers: tuple[Organ, ...]
    document_id: str
    code_number: str
    code_notation: str
    place: str
    promulgation_date: dt.date | None
    type_name: str
    subject: str
    doc_type: int = 1
    type_detail: int = 0
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_full_name: str = ""
    due_date: dt.date | None = None
    to_places: tuple[str, ...] = ()
    priority: int = 0
    sphere: str = ""
    typer_notation: str = ""
    promulgation_amount: int = 0
    page_amount: int = 0
    appendixes: tuple[str, ...] = ()
    steering_type: int = 0
    response_for: tuple[ResponseFor, ...] = ()
    trace: tuple[TraceHeader, ...] = ()
    business: Business = field(default_factory=Business)
    attachments: tuple[Attachment, ...] = ()

    @property
    def code(self) -> str:
        """ "01/KH-PGDĐT" as printed."""
        if self.code_number and self.code_notation:
            return f"{self.code_number}/{self.code_notation}"
        return self.code_notation or self.code_number


@dataclass(frozen=True)
class StatusPacket:
    """A status packet (no body): who answers, about which document, with which code."""

    sender: Organ
    response_for: ResponseFor
    status_code: str
    timestamp: dt.datetime | None
    description: str = ""
    staff: StaffInfo = field(default_factory=StaffInfo)
    receivers: tuple[Organ, ...] = ()  # not written (the platform routes by ResponseFor); read when a sender has it


# --- writing ---------------------------------------------------------------------------------------------------


class _Writer:
    """An indented writer with the prefixes spelled out, so the bytes are what the regulation shows."""

    def __init__(self) -> None:
        self.lines: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
        self.depth = 0

    def _pad(self) -> str:
        return "  " * self.depth

    def open(self, name: str, attributes: str = "") -> None:
        self.lines.append(f"{self._pad()}<{name}{attributes}>")
        self.depth += 1

    def close(self, name: str) -> None:
        self.depth -= 1
        opened = self.lines[-1]
        if opened.startswith(f"{self._pad()}<{name}") and opened.endswith(">") and not opened.endswith("/>"):
            self.lines[-1] = opened[:-1] + "/>"  # an empty container: <edXML:Appendixes/>
        else:
            self.lines.append(f"{self._pad()}</{name}>")

    def leaf(self, name: str, value: object = "") -> None:
        text = escape(_NOT_XML.sub("", str(value if value is not None else "")))
        self.lines.append(f"{self._pad()}<{name}>{text}</{name}>" if text else f"{self._pad()}<{name}/>")

    def bytes(self) -> bytes:
        return ("\n".join(self.lines) + "\n").encode("utf-8")


def _e(name: str) -> str:
    return f"{PREFIX}:{name}"


def _root(writer: _Writer) -> None:
    writer.open("edXML", f' xmlns="{NAMESPACE}" xmlns:{PREFIX}="{NAMESPACE}"')
    writer.open(_e("edXMLEnvelope"))
    writer.open(_e("edXMLHeader"))
    writer.open(_e("MessageHeader"))


def _organ(writer: _Writer, tag: str, organ: Organ) -> None:
    writer.open(_e(tag))
    writer.leaf(_e("OrganId"), organ.organ_id)
    writer.leaf(_e("OrganizationInCharge"), organ.in_charge)
    writer.leaf(_e("OrganName"), organ.name)
    writer.leaf(_e("OrganAdd"), organ.address)
    writer.leaf(_e("Email"), organ.email)
    writer.leaf(_e("Telephone"), organ.telephone)
    writer.leaf(_e("Fax"), organ.fax)
    writer.leaf(_e("Website"), organ.website)
    writer.close(_e(tag))


def _response_for(writer: _Writer, answer: ResponseFor) -> None:
    writer.open(_e("ResponseFor"))
    writer.leaf(_e("OrganId"), answer.organ_id)
    writer.leaf(_e("Code"), answer.code)
    writer.leaf(_e("PromulgationDate"), format_date(answer.promulgation_date))
    writer.leaf(_e("DocumentId"), answer.document_id)
    writer.close(_e("ResponseFor"))


def _staff(writer: _Writer, staff: StaffInfo) -> None:
    writer.open(_e("StaffInfo"))
    writer.leaf(_e("Department"), staff.department)
    writer.leaf(_e("Staff"), staff.staff)
    writer.leaf(_e("Email"), staff.email)
    writer.leaf(_e("Mobile"), staff.mobile)
    writer.close(_e("StaffInfo"))


def _trace(writer: _Writer, packet: DocumentPacket) -> None:
    writer.open(_e("TraceHeaderList"))
    for hop in packet.trace:
        writer.open(_e("TraceHeader"))
        writer.leaf(_e("OrganId"), hop.organ_id)
        writer.leaf(_e("Timestamp"), format_timestamp(hop.timestamp))
        writer.close(_e("TraceHeader"))
    business = packet.business
    writer.open(_e("Bussiness"))
    writer.leaf(_e("BussinessDocType"), business.doc_type)
    writer.leaf(_e("BussinessDocReason"), business.reason)
    writer.leaf(_e("Paper"), business.paper)
    _staff(writer, business.staff)
    if business.doc_type == UPDATE:
        writer.open(_e("BussinessDocumentInfo"))
        writer.leaf(_e("DocumentInfo"), business.document_info)
        writer.leaf(_e("DocumentReceiver"), business.document_receiver)
        writer.open(_e("ReceiverList"))
        for organ_id, receiver_type in business.receivers:
            writer.open(_e("Receiver"))
            writer.leaf(_e("OrganId"), organ_id)
            writer.leaf(_e("ReceiverType"), receiver_type)
            writer.close(_e("Receiver"))
        writer.close(_e("ReceiverList"))
        writer.close(_e("BussinessDocumentInfo"))
    if business.replacements:
        writer.open(_e("ReplacementInfoList"))
        for replacement in business.replacements:
            writer.open(_e("ReplacementInfo"))
            writer.leaf(_e("DocumentId"), replacement.document_id)
            writer.open(_e("OrganIdList"))
            for organ_id in replacement.organ_ids:
                writer.leaf(_e("OrganId"), organ_id)
            writer.close(_e("OrganIdList"))
            writer.close(_e("ReplacementInfo"))
        writer.close(_e("ReplacementInfoList"))
    writer.close(_e("Bussiness"))
    writer.close(_e("TraceHeaderList"))


def write_document_packet(packet: DocumentPacket) -> bytes:
    """The packet's bytes, elements in the regulation's order (RULES.md), attachments base64 after the envelope."""
    w = _Writer()
    _root(w)
    _organ(w, "From", packet.sender)
    for receiver in packet.receivers:
        _organ(w, "To", receiver)
    w.leaf(_e("DocumentId"), packet.document_id)
    w.open(_e("Code"))
    w.leaf(_e("CodeNumber"), packet.code_number)
    w.leaf(_e("CodeNotation"), packet.code_notation)
    w.close(_e("Code"))
    w.open(_e("PromulgationInfo"))
    w.leaf(_e("Place"), packet.place)
    w.leaf(_e("PromulgationDate"), format_date(packet.promulgation_date))
    w.close(_e("PromulgationInfo"))
    w.open(_e("DocumentType"))
    w.leaf(_e("Type"), packet.doc_type)
    w.leaf(_e("TypeDetail"), packet.type_detail)
    w.leaf(_e("TypeName"), packet.type_name)
    w.close(_e("DocumentType"))
    w.leaf(_e("Subject"), packet.subject)
    w.leaf(_e("Content"), packet.content)
    w.open(_e("SignerInfo"))
    w.leaf(_e("Competence"), packet.signer_competence)
    w.leaf(_e("Position"), packet.signer_position)
    w.leaf(_e("FullName"), packet.signer_full_name)
    w.close(_e("SignerInfo"))
    w.leaf(_e("DueDate"), format_date(packet.due_date))
    w.open(_e("ToPlaces"))
    for place in packet.to_places:
        w.leaf(_e("Place"), place)
    w.close(_e("ToPlaces"))
    w.open(_e("OtherInfo"))
    w.leaf(_e("Priority"), packet.priority)
    w.leaf(_e("SphereOfPromulgation"), packet.sphere)
    w.leaf(_e("TyperNotation"), packet.typer_notation)
    w.leaf(_e("PromulgationAmount"), packet.promulgation_amount)
    w.leaf(_e("PageAmount"), packet.page_amount)
    w.open(_e("Appendixes"))
    for appendix in packet.appendixes:
        w.leaf(_e("Appendix"), appendix)
    w.close(_e("Appendixes"))
    w.close(_e("OtherInfo"))
    w.leaf(_e("SteeringType"), packet.steering_type)
    for answer in packet.response_for:
        _response_for(w, answer)
    w.close(_e("MessageHeader"))
    _trace(w, packet)
    w.close(_e("edXMLHeader"))
    w.open(_e("edXMLBody"))
    w.open(_e("edXMLManifest"), f' version="{MANIFEST_VERSION}"')
    for attachment in packet.attachments:
        w.open(_e("Reference"))
        w.leaf(_e("ContentId"), f"cid:{attachment.content_id}")
        w.leaf(_e("ContentType"), attachment.content_type)
        w.leaf(_e("Description"), attachment.description)
        w.leaf(_e("AttachmentName"), attachment.name)
        w.close(_e("Reference"))
    w.close(_e("edXMLManifest"))
    w.close(_e("edXMLBody"))
    w.close(_e("edXMLEnvelope"))
    w.open("AttachmentEncoded")
    for attachment in packet.attachments:
        w.open("Attachment")
        w.leaf("ContentId", attachment.content_id)
        w.leaf("AttachmentName", attachment.name)
        w.leaf("Description", attachment.description)
        w.leaf("ContentType", attachment.content_type)
        w.leaf("ContentTransferEncoded", base64.b64encode(attachment.data).decode("ascii"))
        w.close("Attachment")
    w.close("AttachmentEncoded")
    w.close("edXML")
    return w.bytes()


def write_status_packet(packet: StatusPacket) -> bytes:
    """A status packet: MessageHeader with From, ResponseFor, StaffInfo, StatusCode, Description, Timestamp."""
    w = _Writer()
    _root(w)
    _organ(w, "From", packet.sender)
    _response_for(w, packet.response_for)
    _staff(w, packet.staff)
    w.leaf(_e("StatusCode"), normalise_status_code(packet.status_code))
    w.leaf(_e("Description"), packet.description)
    w.leaf(_e("Timestamp"), format_timestamp(packet.timestamp))
    w.close(_e("MessageHeader"))
    w.close(_e("edXMLHeader"))
    w.close(_e("edXMLEnvelope"))
    w.close("edXML")
    return w.bytes()
