"""PAdES signatures with pyHanko: the signer's certification, then the clerk's fill and organization seal.

The invariant (docs/signing.md):
1. The signer's revision holds the whole document, blank number/date fields, the signer's signature
   (a certification signature, DocMDP "fill forms") and the organization's signature field, still
   empty. The field is made now because a certification signature forbids adding fields later.
2. The clerk's revision only sets the number/date fields' values and appearances and signs the
   organization's field. pyHanko's difference analysis then rates the signer's signature FORM_FILLING.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Mapping
from html import escape

from pyhanko import stamp
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec

from documents.dates import VIETNAM
from signing.fonts import CSS_FONT_STACK
from signing.keys import DocumentSigner
from signing.rendering import (
    DAY_FIELD,
    FILLABLE_FIELDS,
    MONTH_FIELD,
    ORGANIZATION_FIELD,
    SIGNER_FIELD,
    YEAR_FIELD,
    PlacedBox,
)

_SIGNER_COLOUR = "#0d33a6"  # blue, like the ink of a signature
_SEAL_COLOUR = "#cc0d0d"  # red, like a seal
_FIELD_FONT_SIZE = 14


class _PdfPageBytes(content.ImportedPdfPage):
    """pyHanko's imported-page content, read from bytes instead of a file."""

    def __init__(self, data: bytes) -> None:
        super().__init__(file_name="<memory>")
        self.data = data

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=0)
        resource_name = "/Import" + uuid.uuid4().hex
        self.resources.xobject[resource_name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return resource_name.encode("ascii") + b" Do"


def _stamp_pdf(lines: list[str], *, width: float, height: float, colour: str, inset_left: float = 0.0) -> bytes:
    """The stamp's face, laid out by WeasyPrint like the document itself.

    pyHanko's own text stamps drop the composite glyphs of Vietnamese letters (ư, ầ, ị…) from the
    embedded font subset, so the face is a one-page PDF imported as the signature's appearance.
    """
    from weasyprint import HTML

    body = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        "<html><head><style>"
        f"@page {{ size: {width:.2f}pt {height:.2f}pt; margin: 0 }}"
        f"html {{ font-family: {CSS_FONT_STACK}; font-size: 7.5pt; color: {colour}; }}"
        f"body {{ margin: 0; height: {height - 4:.2f}pt; border: 1pt solid {colour}; border-radius: 3pt;"
        " display: flex; flex-direction: column; justify-content: center; text-align: center; }"
        f"p {{ margin: 0 2pt 0 {2 + width * inset_left:.2f}pt; line-height: 1.25; }}"
        f"</style></head><body>{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


def _stamp_style(
    lines: list[str], box: tuple[float, float, float, float], colour: str, inset_left: float = 0.0
) -> stamp.StaticStampStyle:
    width, height = abs(box[2] - box[0]), abs(box[3] - box[1])
    face = _stamp_pdf(lines, width=width, height=height, colour=colour, inset_left=inset_left)
    return stamp.StaticStampStyle(background=_PdfPageBytes(face), border_width=0)


def _subject_name(signer: signers.Signer) -> str:
    certificate = signer.signing_cert
    return str(certificate.subject.native.get("common_name", "")) if certificate is not None else ""


def _vn_time(moment: dt.datetime | None = None) -> str:
    return (moment or dt.datetime.now(dt.UTC)).astimezone(VIETNAM).strftime("%H:%M:%S %d/%m/%Y")


def _text_appearance(writer: IncrementalPdfFileWriter, field: generic.DictionaryObject, value: str) -> None:
    """An explicit appearance for a filled text field (Times, centred), so every viewer shows the same."""
    x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
    width, height = abs(x1 - x0), abs(y1 - y0)
    italic = field.get("/T") in (DAY_FIELD, MONTH_FIELD, YEAR_FIELD)  # the date line is in italics
    text_width = 0.5 * _FIELD_FONT_SIZE * len(value)  # Times digits are half an em wide
    x = max(0.0, (width - text_width) / 2)
    y = max(1.0, (height - _FIELD_FONT_SIZE) / 2 + 1.5)
    escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = f"/Tx BMC q BT /F1 {_FIELD_FONT_SIZE} Tf 0 g {x:.2f} {y:.2f} Td ({escaped}) Tj ET Q EMC".encode()
    font = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Font"),
            generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
            generic.NameObject("/BaseFont"): generic.NameObject("/Times-Italic" if italic else "/Times-Roman"),
            generic.NameObject("/Encoding"): generic.NameObject("/WinAnsiEncoding"),
        }
    )
    appearance = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject(
                [
                    generic.FloatObject(0),
                    generic.FloatObject(0),
                    generic.FloatObject(width),
                    generic.FloatObject(height),
                ]
            ),
            generic.NameObject("/Resources"): generic.DictionaryObject(
                {
                    generic.NameObject("/Font"): generic.DictionaryObject(
                        {generic.NameObject("/F1"): writer.add_object(font)}
                    )
                }
            ),
        },
        stream_data=content,
    )
    field["/AP"] = generic.DictionaryObject({generic.NameObject("/N"): writer.add_object(appearance)})


def set_text_fields(writer: IncrementalPdfFileWriter, values: Mapping[str, str]) -> set[str]:
    """Set /V and the appearance of the named text fields in this revision; returns the names found."""
    found: set[str] = set()
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        name = field.get("/T")
        if field.get("/FT") != "/Tx" or name not in values:
            continue
        field["/V"] = generic.TextStringObject(values[name])
        _text_appearance(writer, field, values[name])
        writer.update_container(field)
        found.add(str(name))
    return found


def sign_as_signer(
    pdf: bytes,
    *,
    key: DocumentSigner,
    signer_box: PlacedBox,
    organization_box: PlacedBox,
    year_value: str,
    signer_name: str,
    location: str = "",
) -> bytes:
    """The signer's certification signature (DocMDP: fill forms) with a visible stamp.

    In the same revision, before signing: the organization's empty signature field, and explicit
    appearances for the fields so viewers do not each draw their own.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    acro_form = writer.root["/AcroForm"]
    # WeasyPrint asks viewers to draw field appearances; we draw them, so every viewer shows the same.
    acro_form["/NeedAppearances"] = generic.BooleanObject(False)
    writer.update_container(acro_form)
    set_text_fields(writer, {YEAR_FIELD: year_value})
    fields.append_signature_field(
        writer,
        SigFieldSpec(
            ORGANIZATION_FIELD,
            on_page=organization_box.page,
            box=organization_box.rect,
            # Once the organization signs, the number and date it vouches for are locked, and nothing
            # else may change after it (docs/signing.md, "What is locked").
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.INCLUDE, fields=list(FILLABLE_FIELDS)),
            doc_mdp_update_value=MDPPerm.NO_CHANGES,
        ),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNER_FIELD,
        certify=True,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        subfilter=fields.SigSeedSubFilter.PADES,
        name=signer_name,
        location=location or None,
        reason="Ký ban hành văn bản",
    )
    backend = key.pyhanko_signer()
    pdf_signer = signers.PdfSigner(
        metadata,
        backend,
        stamp_style=_stamp_style(
            ["Ký số bởi:", _subject_name(backend), f"Thời gian ký: {_vn_time()}"],
            signer_box.rect,
            _SIGNER_COLOUR,
            inset_left=1 / 3,  # the seal will cover the left third (Phụ lục I): keep the text clear of it
        ),
        new_field_spec=SigFieldSpec(SIGNER_FIELD, on_page=signer_box.page, box=signer_box.rect),
    )
    output = pdf_signer.sign_pdf(writer)
    return output.getvalue()


def _field_rect(writer: IncrementalPdfFileWriter, name: str) -> tuple[float, float, float, float]:
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/T") == name:
            widget = field if "/Rect" in field else field["/Kids"][0].get_object()
            x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
            return (x0, y0, x1, y1)
    raise ValueError(f"Bản PDF đã ký thiếu ô chữ ký {name}.")


def fill_and_seal(
    signed_pdf: bytes, *, values: Mapping[str, str], key: DocumentSigner, organization_name: str
) -> bytes:
    """The clerk's revision: number and date into their fields, then the organization's signature."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    found = set_text_fields(writer, values)
    missing = set(values) - found
    if missing:
        raise ValueError(f"Bản PDF đã ký thiếu trường: {', '.join(sorted(missing))}.")
    metadata = signers.PdfSignatureMetadata(
        field_name=ORGANIZATION_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        docmdp_permissions=MDPPerm.NO_CHANGES,  # what the field's lock asks for, so pyHanko has nothing to lower
        name=organization_name,
        reason="Cấp số, ký số của cơ quan, tổ chức",
    )
    backend = key.pyhanko_signer()
    pdf_signer = signers.PdfSigner(
        metadata,
        backend,
        stamp_style=_stamp_style(
            ["Ký số của cơ quan:", _subject_name(backend), _vn_time()],
            _field_rect(writer, ORGANIZATION_FIELD),
            _SEAL_COLOUR,
        ),
    )
    output = pdf_signer.sign_pdf(writer)
    return output.getvalue()


def seal_pdf(pdf: bytes, *, key: DocumentSigner, organization_name: str, reason: str) -> bytes:
    """The organization's signature on a PDF of its own making (an auditor's certificate): the same key and
    PAdES profile as `fill_and_seal`, in a new invisible field, certifying that nothing may change after it."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=ORGANIZATION_FIELD,
        certify=True,
        docmdp_permissions=MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        name=organization_name,
        reason=reason,
    )
    return signers.PdfSigner(metadata, key.pyhanko_signer()).sign_pdf(writer).getvalue()
