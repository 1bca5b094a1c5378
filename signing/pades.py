"""PAdES signatures with pyHanko: the signer's certification, then the clerk's fill and organization seal.

The invariant (docs/signing.md):
1. The signer's revision holds the whole document, blank number/date fields, the signer's signature
   (a certification signature, DocMDP "fill forms") and the organization's signature field, still
   empty. The field is made now because a certification signature forbids adding fields later.
2. The clerk's revision only sets the number/date fields' values and appearances and signs the
   organization's field. pyHanko's difference analysis then rates the signer's signature FORM_FILLING.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any

from asn1crypto import x509 as asn1_x509
from pyhanko import stamp
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import PdfTBSDocument
from pyhanko_certvalidator.registry import SimpleCertificateStore

from core.errors import ValidationFailed
from documents.dates import VIETNAM
from signing import faces, timestamps
from signing.keys import DocumentSigner
from signing.rendering import FILLABLE_FIELDS, ORGANIZATION_FIELD, SIGNER_FIELD, PlacedBox

_SIGNER_COLOUR = "#0d33a6"  # blue, like the ink of a signature
_SEAL_COLOUR = "#cc0d0d"  # red, like a seal
_MM = 72 / 25.4  # PDF points per millimetre
_STAMP_TEXT_PT = 6.5
# The signer's stamp keeps its text (and its blue frame) right of this share of its width: the seal covers
# the left third (Phụ lục I), and the organization's box ends there (templates/signing/document.html).
_SIGNER_TEXT_FROM = 0.36
_SIGNER_IMAGE_MAX_MM = (44.0, 22.0)  # width, height of the handwritten signature's area
_SEAL_TEXT_MM = 9.0  # the organization's text under its seal (name with place, time: up to three lines)
# What a CMS signature needs besides its certificates: signed attributes (PAdES signing-certificate-v2, message
# digest, content type), a signature value up to RSA-4096, the ASN.1 around them; and a timestamp token with its
# authority's chain. Generous on purpose: an unused byte costs two zeros in the file, a missing one the signature.
_CMS_OVERHEAD = 6144
_TIMESTAMP_ALLOWANCE = 12288


@dataclass(frozen=True)
class StampImage:
    """A transparent PNG for a stamp: the signer's handwritten signature or the organization's seal."""

    png: bytes
    width_px: int
    height_px: int
    width_mm: float | None = None  # a seal's real width; None: fit the signature into its area


class _PdfPageBytes(content.ImportedPdfPage):
    """pyHanko's imported-page content, read from bytes instead of a file."""

    def __init__(self, data: bytes, page: int = 0) -> None:
        super().__init__(file_name="<memory>")
        self.data, self.page = data, page

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.data)), page_ix=self.page)
        resource_name = "/Import" + uuid.uuid4().hex
        self.resources.xobject[resource_name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = layout.BoxConstraints(width=abs(x1 - x2), height=abs(y1 - y2))
        return resource_name.encode("ascii") + b" Do"


def _lines_html(lines: list[str]) -> str:
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def _fit_mm(image: StampImage, max_w: float, max_h: float) -> tuple[float, float]:
    """The image's size in mm: a seal at its real width, a signature as large as its area allows."""
    ratio = image.height_px / image.width_px
    width = min(image.width_mm or max_w, max_w, max_h / ratio)
    return width, width * ratio


def _signer_face(lines: list[str], image: StampImage | None, *, width: float, height: float) -> faces.Face:
    """The signer's stamp: the handwritten signature centred, the text framed in blue right of the seal."""
    text_left = width * _SIGNER_TEXT_FROM
    base = (
        f".face {{ font-size: {_STAMP_TEXT_PT}pt; color: {_SIGNER_COLOUR}; }}"
        f".face .text {{ position: absolute; left: {text_left:.2f}pt; right: 0; bottom: 0; border: 0.8pt solid"
        f" {_SIGNER_COLOUR}; border-radius: 2pt; padding: 1pt 2pt; text-align: center; line-height: 1.2 }}"
    )
    if image is None:  # no image on file: the text stamp alone, as tall as the box
        css = base + ".face .text { top: 0; display: flex; flex-direction: column; justify-content: center }"
        return faces.Face(f'<div class="text">{_lines_html(lines)}</div>', css, width, height)
    w_mm, h_mm = _fit_mm(image, *_SIGNER_IMAGE_MAX_MM)
    area_mm = height / _MM - 10  # above the text frame
    css = base + (
        f".face img {{ position: absolute; width: {w_mm:.2f}mm; height: {h_mm:.2f}mm;"
        f" left: {(width / _MM - w_mm) / 2:.2f}mm; top: {max(0.0, (area_mm - h_mm) / 2):.2f}mm }}"
    )
    body = f'<img src="{faces.png_data_uri(image.png)}" alt=""><div class="text">{_lines_html(lines)}</div>'
    return faces.Face(body, css, width, height)


def _seal_face(lines: list[str], image: StampImage | None, *, width: float, height: float) -> faces.Face:
    """The organization's stamp: its seal at real size (top right, over the signature's left third), the
    text under it in red; without a seal image, today's framed text."""
    base = f".face {{ font-size: {_STAMP_TEXT_PT}pt; color: {_SEAL_COLOUR}; }} .face p {{ line-height: 1.2 }}"
    if image is None:
        css = base + (
            f".face {{ bottom: auto; height: {height - 4:.2f}pt; border: 1pt solid {_SEAL_COLOUR}; border-radius: 3pt;"
            " display: flex; flex-direction: column; justify-content: center; text-align: center; padding: 0 2pt }"
        )
        return faces.Face(_lines_html(lines), css, width, height)
    w_mm, h_mm = _fit_mm(image, width / _MM, height / _MM - _SEAL_TEXT_MM)
    css = base + (
        f".face img {{ position: absolute; right: 0; top: 0; width: {w_mm:.2f}mm; height: {h_mm:.2f}mm }}"
        ".face .text { position: absolute; left: 0; right: 0; bottom: 0; text-align: left }"
    )
    body = f'<img src="{faces.png_data_uri(image.png)}" alt=""><div class="text">{_lines_html(lines)}</div>'
    return faces.Face(body, css, width, height)


def _stamp_style(face: bytes, page: int = 0) -> stamp.StaticStampStyle:
    """The stamp drawn from page `page` of `face` (a PDF of faces.pages_pdf)."""
    # No margins: the face is laid out at the field's size, so the seal keeps its real size (pyHanko's default
    # 5-pt margins would shrink a 36 mm box, and the seal in it, by a tenth).
    fill = layout.SimpleBoxLayoutRule(
        x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins()
    )
    return stamp.StaticStampStyle(background=_PdfPageBytes(face, page), border_width=0, background_layout=fill)


def _size(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return abs(box[2] - box[0]), abs(box[3] - box[1])


def _subject_name(signer: signers.Signer) -> str:
    certificate = signer.signing_cert
    return str(certificate.subject.native.get("common_name", "")) if certificate is not None else ""


def iso_time(moment: dt.datetime | None = None) -> str:
    """The stamp's signing time, ISO 8601 in Vietnam's time: "2026-03-06T09:15:00+07:00"."""
    return (moment or dt.datetime.now(dt.UTC)).astimezone(VIETNAM).isoformat(timespec="seconds")


def set_text_fields(writer: IncrementalPdfFileWriter, values: Mapping[str, str]) -> set[str]:
    """Fill the named line fields (value and face) in this revision; returns the names found."""
    return faces.set_line_fields(writer, values, filled=True)[0]


def bytes_reserved(backend: signers.Signer, timestamper: object | None) -> int:
    """The room for the CMS in /Contents (hex digits), reckoned from the certificates it will carry.

    pyHanko otherwise signs a dummy CMS first to measure it, and with a TSA asks the authority for a dummy
    token: a second signature's worth of work (and a network round trip) on every document."""
    certificates = [backend.signing_cert, *backend.cert_registry]
    der = sum(len(certificate.dump()) for certificate in certificates if certificate is not None)
    return 2 * (der + _CMS_OVERHEAD + (_TIMESTAMP_ALLOWANCE if timestamper is not None else 0))


def _signer_session(
    pdf: bytes,
    *,
    backend: signers.Signer,
    signer_box: PlacedBox,
    organization_box: PlacedBox,
    signer_name: str,
    location: str,
    signature_image: StampImage | None,
) -> tuple[IncrementalPdfFileWriter, signers.PdfSigner]:
    """The signer's revision up to the signature: the organization's empty field (with its lock) appended, and
    the PdfSigner that certifies it (DocMDP: fill forms) with the visible stamp. One construction for the
    one-call path (`sign_as_signer`) and the interrupted one (`prepare_as_signer`)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
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
    pdf_signer = signers.PdfSigner(
        metadata,
        backend,
        stamp_style=_stamp_style(
            faces.pages_pdf(
                [
                    _signer_face(
                        [f"Ký số bởi: {_subject_name(backend)}", iso_time()],
                        signature_image,
                        width=_size(signer_box.rect)[0],
                        height=_size(signer_box.rect)[1],
                    )
                ]
            )
        ),
        new_field_spec=SigFieldSpec(SIGNER_FIELD, on_page=signer_box.page, box=signer_box.rect),
        timestamper=timestamps.timestamper(),
    )
    return writer, pdf_signer


def sign_as_signer(
    pdf: bytes,
    *,
    key: DocumentSigner,
    signer_box: PlacedBox,
    organization_box: PlacedBox,
    signer_name: str,
    location: str = "",
    signature_image: StampImage | None = None,
) -> bytes:
    """The signer's certification signature (DocMDP: fill forms) with a visible stamp.

    In the same revision, before signing: the organization's empty signature field, and explicit
    appearances for the fields so viewers do not each draw their own.
    """
    writer, pdf_signer = _signer_session(
        pdf,
        backend=key.pyhanko_signer(),
        signer_box=signer_box,
        organization_box=organization_box,
        signer_name=signer_name,
        location=location,
        signature_image=signature_image,
    )
    reserved = bytes_reserved(pdf_signer.signer, pdf_signer.default_timestamper)
    output = pdf_signer.sign_pdf(writer, bytes_reserved=reserved)
    return output.getvalue()


# Room for the CMS the person's tool or the remote service returns (hex digits, so 16 KiB of DER): a
# signature, its chain of certificates and a timestamp fit; pyHanko's estimate is made for our dummy only.
PREPARED_CMS_HEX_BYTES = 32768


@dataclass(frozen=True)
class PreparedSignature:
    """The signer's revision written with its /Contents reserved, waiting for a CMS signature from outside
    (pyHanko's interrupted signing). Everything here can be stored: no key, no secret."""

    pdf: bytes  # the whole output, the reserved region filled with zeros
    document_digest: bytes  # the /ByteRange digest the CMS must carry as its message digest
    digest_algorithm: str  # "sha256"
    reserved_start: int
    reserved_end: int


def prepare_as_signer(
    pdf: bytes,
    *,
    certificate: asn1_x509.Certificate,
    signer_box: PlacedBox,
    organization_box: PlacedBox,
    signer_name: str,
    location: str = "",
    signature_image: StampImage | None = None,
) -> PreparedSignature:
    """The same revision as `sign_as_signer` (same field, FILL_FORMS certification, stamp, organization's
    field), stopped where the CMS would be computed: the key is somewhere else (the person's token, a remote
    service). `finish_prepared` embeds what comes back."""
    placeholder = signers.ExternalSigner(
        signing_cert=certificate, cert_registry=SimpleCertificateStore.from_certs([certificate])
    )
    writer, pdf_signer = _signer_session(
        pdf,
        backend=placeholder,
        signer_box=signer_box,
        organization_box=organization_box,
        signer_name=signer_name,
        location=location,
        signature_image=signature_image,
    )
    prepared, tbs, output = asyncio.run(
        pdf_signer.async_digest_doc_for_signing(writer, bytes_reserved=PREPARED_CMS_HEX_BYTES)
    )
    output.seek(0)
    return PreparedSignature(
        pdf=output.read(),
        document_digest=prepared.document_digest,
        digest_algorithm=tbs.md_algorithm,
        reserved_start=prepared.reserved_region_start,
        reserved_end=prepared.reserved_region_end,
    )


def finish_prepared(prepared: PreparedSignature, signature_cms: bytes) -> bytes:
    """The prepared PDF with the CMS written into its reserved /Contents. Checks nothing about the CMS:
    the caller verifies the result (signing.remote)."""
    output = io.BytesIO(prepared.pdf)
    digest = PreparedByteRangeDigest(
        document_digest=prepared.document_digest,
        reserved_region_start=prepared.reserved_start,
        reserved_region_end=prepared.reserved_end,
    )
    PdfTBSDocument.finish_signing(output, digest, signature_cms)
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
    signed_pdf: bytes,
    *,
    values: Mapping[str, str],
    key: DocumentSigner,
    organization_name: str,
    organization_label: str = "",
    seal_image: StampImage | None = None,
) -> bytes:
    """The clerk's revision: the number and date lines into their fields, then the organization's signature.

    `organization_label` names the organization with its place on the stamp ("Phòng Giáo dục và Đào tạo
    Cần Giuộc"); `seal_image` is its seal, drawn at its real width over the signature's left third."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    backend = key.pyhanko_signer()
    width, height = _size(_field_rect(writer, ORGANIZATION_FIELD))
    label = organization_label or _subject_name(backend)
    seal = _seal_face([label, iso_time()], seal_image, width=width, height=height)
    # The lines and the seal laid out together: one WeasyPrint run for the revision's three faces.
    found, faces_pdf = faces.set_line_fields(writer, values, filled=True, extra=[seal])
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
    pdf_signer = signers.PdfSigner(
        metadata,
        backend,
        stamp_style=_stamp_style(faces_pdf, page=len(found)),
        timestamper=timestamps.timestamper(),
    )
    output = pdf_signer.sign_pdf(writer, bytes_reserved=bytes_reserved(backend, pdf_signer.default_timestamper))
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
    return (
        signers.PdfSigner(metadata, key.pyhanko_signer(), timestamper=timestamps.timestamper())
        .sign_pdf(writer)
        .getvalue()
    )


# --- the clerk's signature on attachments in separate files (RULES.md, "Electronic signature images") -----------

# The issued PDF's name for the organization's signature: signing.verification reads a non-certifying signature in
# this field as the organization's, so an attachment's copy gets the same verdict ("issued") from the one verifier.
ATTACHMENT_FIELD = ORGANIZATION_FIELD
_ATTACHMENT_TEXT_PT = 10  # 10-pt Times New Roman (Liberation Serif, its metric twin: signing.fonts)
_ATTACHMENT_MARGIN_MM = 10.0  # from the top and the right edge of the page as it is seen
_ATTACHMENT_BOX_MM = (60.0, 11.0)  # width, height: two lines of 10 pt


def _inherited(page: generic.DictionaryObject, key: str) -> Any:
    """A page attribute, looked up the /Parent chain (MediaBox, CropBox and Rotate are inheritable)."""
    node: Any = page
    for _depth in range(64):
        if key in node:
            return node[key]
        if "/Parent" not in node:
            return None
        node = node["/Parent"].get_object()
    return None


def _visible_box(page: generic.DictionaryObject) -> tuple[float, float, float, float]:
    """The part of the page a reader sees: the CropBox inside the MediaBox, normalised to (x0, y0, x1, y1)."""
    media = [float(v) for v in _inherited(page, "/MediaBox")]
    mx0, mx1 = sorted((media[0], media[2]))
    my0, my1 = sorted((media[1], media[3]))
    crop = _inherited(page, "/CropBox")
    if crop is None:
        return mx0, my0, mx1, my1
    c = [float(v) for v in crop]
    box = (max(mx0, min(c[0], c[2])), max(my0, min(c[1], c[3])), min(mx1, max(c[0], c[2])), min(my1, max(c[1], c[3])))
    return box if box[2] > box[0] and box[3] > box[1] else (mx0, my0, mx1, my1)


def attachment_stamp_rect(page: generic.DictionaryObject) -> tuple[tuple[float, float, float, float], int]:
    """Where the stamp goes in the page's own coordinates, and the page's rotation: the top right corner as the
    page is *seen* (after /Rotate), `_ATTACHMENT_MARGIN_MM` from both edges, 60 mm wide (less on a narrow page)."""
    x0, y0, x1, y1 = _visible_box(page)
    rotate = int(_inherited(page, "/Rotate") or 0) % 360
    rotate = rotate if rotate in (0, 90, 180, 270) else 0
    seen_width = (x1 - x0) if rotate in (0, 180) else (y1 - y0)
    margin = _ATTACHMENT_MARGIN_MM * _MM
    width = max(20 * _MM, min(_ATTACHMENT_BOX_MM[0] * _MM, seen_width - 2 * margin))
    height = _ATTACHMENT_BOX_MM[1] * _MM
    # The seen top right corner is the page's (x1, y1) unrotated; (x0, y1) turned 90° clockwise; (x0, y0) at 180°;
    # (x1, y0) at 270°. Along that corner the seen width runs down the page's y (90°, 270°) or x (0°, 180°).
    rects = {
        0: (x1 - margin - width, y1 - margin - height, x1 - margin, y1 - margin),
        90: (x0 + margin, y1 - margin - width, x0 + margin + height, y1 - margin),
        180: (x0 + margin, y0 + margin, x0 + margin + width, y0 + margin + height),
        270: (x1 - margin - height, y0 + margin, x1 - margin, y0 + margin + width),
    }
    return rects[rotate], rotate


def _attachment_face(lines: list[str], *, width: float, height: float, rotate: int) -> bytes:
    """The text alone, right-aligned, 10 pt serif, black, no frame and no image. `width` × `height` is the field in
    the page's coordinates; on a rotated page the text is turned back so it reads upright where the page is seen."""
    seen_w, seen_h = (width, height) if rotate in (0, 180) else (height, width)
    # CSS turns clockwise; the page is shown turned `rotate`° clockwise, so the face is turned back by as much.
    shift = {
        0: "",
        90: f"translate(0, {seen_w:.2f}pt) ",
        180: f"translate({seen_w:.2f}pt, {seen_h:.2f}pt) ",
        270: f"translate({seen_h:.2f}pt, 0) ",
    }[rotate]
    css = (
        f".face {{ position: absolute; left: 0; top: 0; width: {seen_w:.2f}pt; height: {seen_h:.2f}pt;"
        f" transform-origin: 0 0; transform: {shift}rotate({-rotate}deg); display: flex; flex-direction: column;"
        f" justify-content: flex-start; text-align: right; font-size: {_ATTACHMENT_TEXT_PT}pt; line-height: 1.2;"
        " color: #000; white-space: nowrap }"
    )
    return faces.page_pdf(_lines_html(lines), css, width=width, height=height)


def _free_field_name(writer: IncrementalPdfFileWriter) -> str:
    """ATTACHMENT_FIELD, or ATTACHMENT_FIELD2, 3… when the file already has one (an attachment signed before)."""
    form = writer.root.get("/AcroForm")
    form = form.get_object() if form is not None else None
    # Only top-level names can clash: the new field is a top-level one.
    taken = {str(ref.get_object().get("/T", "")) for ref in (form.get("/Fields", []) if form is not None else [])}
    name, n = ATTACHMENT_FIELD, 1
    while name in taken:
        n += 1
        name = f"{ATTACHMENT_FIELD}{n}"
    return name


def seal_attachment(pdf: bytes, *, key: DocumentSigner, organization_name: str, line: str) -> bytes:
    """The organization's signature on an attachment in a separate file, applied by the clerk at issue.

    Visible at the top right of page 1: `line` ("Số: 01/KH-PGDĐT") over the signing time (`iso_time`), 10 pt serif,
    text only. Same key, PAdES profile, timestamper and lock as `fill_and_seal`: an approval signature whose field
    locks every field and allows no change after it (FieldMDP All, DocMDP /P 1), so the verdict is the issued
    PDF's. Always an incremental update: a file already signed keeps its signatures valid; a certified one is
    refused (documents.services.attachments.certification_refusal)."""
    from documents.services.attachments import certification_refusal

    refusal = certification_refusal(pdf)
    if refusal:
        raise ValidationFailed(refusal, details={"reason": "certified"})
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        page_ref, _resources = writer.find_page_for_modification(0)
        rect, rotate = attachment_stamp_rect(page_ref.get_object())
    except (PdfError, KeyError, TypeError, ValueError, IndexError) as exc:  # checked at upload; defence in depth
        raise ValidationFailed(
            "Không đọc được trang đầu của tệp PDF đính kèm để ký số.", details={"reason": type(exc).__name__}
        ) from exc
    width, height = _size(rect)
    name = _free_field_name(writer)
    metadata = signers.PdfSignatureMetadata(
        field_name=name,
        docmdp_permissions=MDPPerm.NO_CHANGES,  # what the field's lock asks for, as in fill_and_seal
        subfilter=fields.SigSeedSubFilter.PADES,
        name=organization_name,
        reason="Ký số tệp đính kèm của văn bản",
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        key.pyhanko_signer(),
        stamp_style=_stamp_style(_attachment_face([line, iso_time()], width=width, height=height, rotate=rotate)),
        new_field_spec=SigFieldSpec(
            name,
            on_page=0,
            box=rect,
            field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL),
            doc_mdp_update_value=MDPPerm.NO_CHANGES,
        ),
        timestamper=timestamps.timestamper(),
    )
    reserved = bytes_reserved(pdf_signer.signer, pdf_signer.default_timestamper)
    return pdf_signer.sign_pdf(writer, bytes_reserved=reserved).getvalue()
