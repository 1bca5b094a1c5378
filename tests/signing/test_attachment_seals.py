"""The clerk's signature on attachments in separate files (RULES.md, "Electronic signature images"): each PDF of the
draft gets a signed copy at issue, with "Số: NN/…" and the ISO signing time in 10 pt at the top right of page 1."""

from __future__ import annotations

import io
import re
import subprocess
from html import unescape
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from audit.models import AuditEvent
from documents import blobs
from documents.errors import ValidationFailed
from documents.models import Attachment, AttachmentCopy, Document, Status
from documents.services.attachments import attachment_add
from signing import faces, pades
from signing.keys import KeyStore
from signing.verification import Verdict, verify_pdf
from tests.documents.attachment_files import docx_bytes
from tests.factories import Office, UserFactory, advance_routed, make_draft
from tests.signing.pdftext import MM
from workflow import actions

pytestmark = pytest.mark.django_db

A4 = (595.28, 841.89)
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$")


def page_pdf(text: str, width: float, height: float) -> bytes:
    """A one-page PDF with a line of text near its top left, as a drafter's annex would be."""
    return faces.page_pdf(f"<p>{text}</p>", "p { font-size: 12pt; padding: 25mm }", width=width, height=height)


def rotated(pdf: bytes, degrees: int) -> bytes:
    """The same page shown turned `degrees` clockwise (/Rotate), as scanners and some printers write landscape."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page_ref, _ = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    page["/Rotate"] = generic.NumberObject(degrees)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def words_on_first_page(pdf: bytes) -> tuple[float, float, list[tuple[float, float, float, float, str]]]:
    """Page 1's size as seen and its words (xMin, yMin, xMax, yMax, word), top-down, as poppler reads them."""
    args = ["pdftotext", "-f", "1", "-l", "1", "-enc", "UTF-8", "-bbox", "-", "-"]
    out = subprocess.run(args, input=pdf, capture_output=True, check=True, timeout=60).stdout.decode()  # noqa: S603
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)">', out)
    assert page is not None
    words = [
        (float(a), float(b), float(c), float(d), unescape(w))
        for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', out
        )
    ]
    return float(page[1]), float(page[2]), words


def assert_stamp_top_right(pdf: bytes, code: str, *, turned: bool = False) -> None:
    """ "Số: <code>" over the ISO time, right-aligned in the top right corner of the page as seen, about 10 pt.
    poppler gives a turned page's words as seen but its size unturned (`turned`: width and height swapped)."""
    width, height, words = words_on_first_page(pdf)
    width = height if turned else width
    number = [w for w in words if w[4] == code]
    times = [w for w in words if ISO_TIME.match(w[4])]
    assert number, words
    assert times, words
    for x0, y0, x1, y1, _ in (number[0], times[0]):
        assert width - x1 == pytest.approx(10 * MM, abs=3 * MM)  # right-aligned, 10 mm from the right edge
        assert y0 < 30 * MM  # at the top
        assert x0 > width / 2  # on the right
        assert 9 <= y1 - y0 <= 13.5  # a 10-pt line (poppler's box is the font's ascent to descent)
    assert times[0][1] > number[0][1]  # the time under the number
    assert any(w[4] == "Số:" and w[1] == pytest.approx(number[0][1], abs=1) for w in words)


def pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "copy.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout  # noqa: S603,S607


# --- pades.seal_attachment on its own --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "rotate"),
    [(A4, 0), ((A4[1], A4[0]), 0), (A4, 90), (A4, 180), (A4, 270), ((420.0, 595.28), 0)],
    ids=["a4-portrait", "a4-landscape", "a4-turned-90", "a4-turned-180", "a4-turned-270", "a5-portrait"],
)
def test_the_stamp_is_text_at_the_top_right_of_page_one(
    office_keys: Office, trust_roots: list, size: tuple[float, float], rotate: int, tmp_path
) -> None:
    pdf = page_pdf("Phụ lục I. Danh sách trường", *size)
    pdf = rotated(pdf, rotate) if rotate else pdf
    key = KeyStore().for_organization(office_keys.organization)
    sealed = pades.seal_attachment(pdf, key=key, organization_name=office_keys.organization.name, line="Số: 07/KH-X")

    assert sealed.startswith(pdf)  # an incremental update: the drafter's bytes are untouched
    assert_stamp_top_right(sealed, "07/KH-X", turned=rotate in (90, 270))
    report = verify_pdf(sealed, trust_roots=trust_roots)
    assert report.ok, report.summary
    assert report.verdict == Verdict.ISSUED
    assert [s.signer_name for s in report.signatures] == [office_keys.organization.name]
    assert "Signature is Valid" in pdfsig(sealed, tmp_path)


def test_an_attachment_signed_before_keeps_its_signature_valid(office_keys: Office, trust_roots: list) -> None:
    """An approval signature already on the file (someone's, invisible) stays intact: the clerk signs incrementally."""
    store = KeyStore()
    writer = IncrementalPdfFileWriter(io.BytesIO(page_pdf("Biên bản đã ký", *A4)))
    meta = signers.PdfSignatureMetadata(field_name="ChuKyKhac", subfilter=fields.SigSeedSubFilter.PADES)
    signed = signers.PdfSigner(meta, store.for_user(office_keys.deputy).pyhanko_signer()).sign_pdf(writer).getvalue()

    sealed = pades.seal_attachment(
        signed, key=store.for_organization(office_keys.organization), organization_name="x", line="Số: 01/KH-X"
    )

    report = verify_pdf(sealed, trust_roots=trust_roots)
    assert report.ok, report.summary
    assert [s.signer_name for s in report.signatures] == [office_keys.deputy.full_name, office_keys.organization.name]
    reader = PdfFileReader(io.BytesIO(sealed))  # the deputy's signature, judged by pyHanko itself
    assert [name for name, *_ in fields.enumerate_sig_fields(reader)] == ["ChuKyKhac", "ChuKyCoQuan"]
    first = validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(trust_roots=trust_roots))
    assert first.bottom_line, first.pretty_print_details()


def test_a_certified_pdf_is_refused_at_upload_with_the_reason(office_keys: Office) -> None:
    """A certification forbids a new visible signature: the drafter hears it while the draft can still change."""
    writer = IncrementalPdfFileWriter(io.BytesIO(page_pdf("Tệp đã chứng thực", *A4)))
    meta = signers.PdfSignatureMetadata(
        field_name="ChungThuc", certify=True, docmdp_permissions=fields.MDPPerm.FILL_FORMS
    )
    key = KeyStore().for_user(office_keys.deputy).pyhanko_signer()
    certified = signers.PdfSigner(meta, key).sign_pdf(writer).getvalue()
    document = make_draft(office_keys)

    with pytest.raises(ValidationFailed) as caught:
        attachment_add(document=document, actor=office_keys.drafter, file_name="a.pdf", data=certified)
    assert "chứng thực" in caught.value.message
    assert not Attachment.objects.filter(document=document).exists()
    with pytest.raises(ValidationFailed):  # and the signer refuses it too, should one be stored from before
        pades.seal_attachment(
            certified, key=KeyStore().for_organization(office_keys.organization), organization_name="x", line="Số: 1"
        )


# --- through the flow ------------------------------------------------------------------------------------------


def draft_with_files(office: Office) -> tuple[Document, dict[str, Attachment]]:
    document = make_draft(office)
    files = {
        "portrait": ("Phụ lục I.pdf", page_pdf("Phụ lục I. Danh sách trường", *A4)),
        "landscape": ("Phụ lục II.pdf", page_pdf("Phụ lục II. Bảng phân công", A4[1], A4[0])),
        "docx": ("Mẫu báo cáo.docx", docx_bytes()),
    }
    attached = {
        label: attachment_add(document=document, actor=office.drafter, file_name=name, data=data)
        for label, (name, data) in files.items()
    }
    return document, attached


def test_the_issue_signs_each_pdf_attachment_and_records_the_hashes(
    office_keys: Office, trust_roots: list, tmp_path
) -> None:
    office = office_keys
    document, files = draft_with_files(office)
    document = advance_routed(document, office, to="issued")

    assert document.status == Status.ISSUED
    copies = {c.attachment_id: c for c in AttachmentCopy.objects.filter(attachment__document=document)}
    assert set(copies) == {files["portrait"].pk, files["landscape"].pk}  # the DOCX travels as it is
    for label in ("portrait", "landscape"):
        copy = copies[files[label].pk]
        pdf = copy.read()
        assert pdf.startswith(files[label].read())
        report = verify_pdf(pdf, trust_roots=trust_roots)
        assert report.verdict == Verdict.ISSUED, report.summary
        assert report.signatures[-1].signer_name == office.organization.name
        assert_stamp_top_right(pdf, document.code)
        assert "Signature is Valid" in pdfsig(pdf, tmp_path)

    event = AuditEvent.objects.filter(object_id=str(document.pk), action="document.issue").get()
    assert sorted(event.details["attachments"], key=lambda a: a["attachment"]) == sorted(
        ({"attachment": c.attachment_id, "sha256": c.sha256} for c in copies.values()),
        key=lambda a: a["attachment"],
    )


def test_register_and_issue_in_one_click_signs_the_attachments_too(office_keys: Office) -> None:
    office = office_keys
    document, _files = draft_with_files(office)
    document = advance_routed(document, office, to="signed")
    document = actions.perform(document=document, actor=office.clerk, action="register_issue")
    assert document.status == Status.ISSUED
    assert AttachmentCopy.objects.filter(attachment__document=document).count() == 2


def test_an_attachment_that_changed_in_storage_stops_the_issue_and_nothing_moves(
    office_keys: Office, own_documents_storage: Path
) -> None:
    office = office_keys
    document, files = draft_with_files(office)
    document = advance_routed(document, office, to="registered")
    stored = blobs.storage().path(blobs.key(files["landscape"].sha256))
    Path(stored).write_bytes(b"%PDF-1.7 something else")
    events = AuditEvent.objects.count()

    client = Client()
    client.force_login(office.clerk)
    answer = client.post(reverse("workflow:act", args=[document.pk]), {"action": "issue"})

    assert answer.status_code == 500  # IntegrityFailed: the server's storage, not the request, is at fault
    assert "Phụ lục II.pdf" in answer.content.decode()
    assert "mã băm" in answer.content.decode()
    document.refresh_from_db()
    assert document.status == Status.REGISTERED
    assert not AttachmentCopy.objects.exists()
    assert not document.artifacts.filter(kind="issued").exists()
    assert AuditEvent.objects.count() == events


def test_the_page_links_each_signed_copy_with_its_verdict_and_a_stranger_gets_404(office_keys: Office) -> None:
    office = office_keys
    document, files = draft_with_files(office)
    document = advance_routed(document, office, to="issued")
    copy = AttachmentCopy.objects.get(attachment=files["portrait"])
    url = reverse("workflow:attachment-signed", args=[document.pk, files["portrait"].pk])

    client = Client()
    client.force_login(office.drafter)
    page = client.get(reverse("workflow:document", args=[document.pk])).content.decode()
    assert page.count("Bản đã ký số") == 2
    assert url in page
    assert page.count("Văn bản đã ban hành, nguyên vẹn.") == 2  # signing.verification's verdict, per copy
    assert "gửi đi như tệp gốc" in page  # the DOCX: not signed, said so
    download = client.get(url)
    assert download.status_code == 200
    assert download.content == copy.read()
    assert download["X-Content-SHA256"] == copy.sha256
    assert download["Content-Type"] == "application/pdf"

    stranger = Client()
    stranger.force_login(UserFactory())
    assert stranger.get(url).status_code == 404
    no_copy = reverse("workflow:attachment-signed", args=[document.pk, files["docx"].pk])
    assert client.get(no_copy).status_code == 404
