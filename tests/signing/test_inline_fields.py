"""The number and the date read as typed text (issue 12): each line is one form field whose face is the whole
line, in the document's own embedded font; fillable after the signer's signature, locked by the organization's."""

from __future__ import annotations

import io
import re
import subprocess

from pyhanko.pdf_utils.reader import PdfFileReader

from organizations.models import Organization
from signing.rendering import FILLABLE_FIELDS, ORGANIZATION_FIELD, date_parts
from signing.verification import Verdict, verify_pdf
from tests.signing.helpers import artifact, issued_document


def _run(*command: str, pdf: bytes) -> str:
    return subprocess.run(  # noqa: S603 - fixed poppler tools reading our PDF from stdin
        list(command), input=pdf, capture_output=True, check=True
    ).stdout.decode()


def _lines(pdf: bytes) -> list[str]:
    return [line.strip() for line in _run("pdftotext", "-l", "1", "-", "-", pdf=pdf).splitlines()]


def _demo_like(office_keys):
    # the Phòng GD&ĐT Cần Giuộc of seed 001: abbreviation PGDĐT, place Cần Giuộc
    Organization.objects.filter(pk=office_keys.organization.pk).update(abbreviation="PGDĐT", place_name="Cần Giuộc")
    office_keys.organization.refresh_from_db()
    return issued_document(office_keys)


def test_the_filled_number_line_reads_exactly_as_typed(office_keys):
    # given a plan of the Cần Giuộc office issued through the real services (signed KT., registered, sealed)
    document = _demo_like(office_keys)

    # when poppler reads the issued PDF's first page
    lines = _lines(artifact(document))

    # then the number line is "Số: 01/KH-PGDĐT" exactly, and the place-date line is typed out whole
    parts = date_parts(document.issue_date)
    assert document.number == 1
    assert "Số: 01/KH-PGDĐT" in lines
    assert f"Cần Giuộc, ngày {parts['ngay']} tháng {parts['thang']} năm {parts['nam']}" in lines


def test_the_signers_pdf_shows_the_blank_lines_and_every_font_is_embedded(office_keys, trust_roots):
    # given the same plan
    document = _demo_like(office_keys)
    signed, issued = artifact(document, "signed"), artifact(document)

    # when the signer's PDF is read, and the fonts of both are listed
    blank = re.sub(r"\s+", " ", _run("pdftotext", "-layout", "-l", "1", "-", "-", pdf=signed))
    fonts = [line for line in _run("pdffonts", "-", pdf=issued).splitlines()[2:] if line.strip()]

    # then the number and day were blank when the signer signed, the year already printed
    assert "Số: /KH-PGDĐT" in blank
    assert re.search(rf"Cần Giuộc, ngày tháng năm {document.issue_date.year}", blank)
    # and every font the issued PDF uses — the lines' faces and the stamps' included — is embedded
    assert fonts
    embedded = [re.split(r"\s+", line)[-5] for line in fonts]
    assert set(embedded) == {"yes"}, fonts


def test_only_the_two_line_fields_change_after_the_signer_and_the_organization_locks_them(office_keys, trust_roots):
    # given the issued plan
    issued = artifact(_demo_like(office_keys))

    # when it is verified, and the organization's field lock is read
    report = verify_pdf(issued, trust_roots=trust_roots)
    reader = PdfFileReader(io.BytesIO(issued))
    field = next(
        f.get_object() for f in reader.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == ORGANIZATION_FIELD
    )

    # then filling the two lines is all the signer's certification saw, and the seal locks exactly them
    signer, organization = report.signatures
    assert report.verdict == Verdict.ISSUED, report.summary
    assert signer.modification_level == "FORM_FILLING"
    assert set(signer.changed_fields) == set(FILLABLE_FIELDS) == {"so", "ngay"}
    assert organization.modification_level == "NONE"
    assert list(field["/Lock"]["/Fields"]) == list(FILLABLE_FIELDS)
