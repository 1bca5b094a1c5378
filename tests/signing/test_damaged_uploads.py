"""Anyone may upload anything to the verifier: a damaged file is a 400 with a Vietnamese message, never a 500."""

from __future__ import annotations

import random
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from signing.verification import UnreadablePdf, verify_pdf
from tests.signing.helpers import artifact, issued_document

UNREADABLE = "Không đọc được tệp PDF (tệp hỏng hoặc không phải PDF)."


def _minimal_pdf(catalog_extra: bytes, *objects: bytes) -> bytes:
    """A hand-built PDF with a correct xref table: object 1 is the catalog, then `objects` from 2 on."""
    bodies = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>", *objects]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    return bytes(out)


def _deeply_nested() -> bytes:
    """An array nested 50,000 deep in the form: recursive parsers hit RecursionError."""
    depth = 50_000
    pages = b"<< /Type /Pages /Kids [] /Count 0 >>"
    field = b"<< /FT /Sig /T (X) /V " + b"[" * depth + b"]" * depth + b" >>"
    return _minimal_pdf(b"/AcroForm << /Fields [3 0 R] >>", pages, field)


def _field_cycle() -> bytes:
    """Two form fields that are each other's only kid: a field tree without end."""
    pages = b"<< /Type /Pages /Kids [] /Count 0 >>"
    return _minimal_pdf(
        b"/AcroForm << /Fields [3 0 R] >>", pages, b"<< /T (a) /Kids [4 0 R] >>", b"<< /T (b) /Kids [3 0 R] >>"
    )


def _wrong_types() -> bytes:
    """A signature whose /V is a number and whose /ByteRange is a string."""
    pages = b"<< /Type /Pages /Kids [] /Count 0 >>"
    return _minimal_pdf(
        b"/AcroForm << /Fields [3 0 R] >>",
        pages,
        b"<< /FT /Sig /T (X) /V 4 0 R >>",
        b"<< /Type /Sig /ByteRange (abc) /Contents 7 /Filter 5 >>",
    )


def _in_place(pdf: bytes, pattern: bytes, replacement: bytes) -> bytes:
    """Rewrite every match with `replacement` padded to the same length, so the xref offsets still hold."""

    def padded(match: re.Match[bytes]) -> bytes:
        return replacement.ljust(len(match[0]))[: len(match[0])]

    return re.sub(pattern, padded, pdf)


def _corpus(pdf: bytes) -> dict[str, bytes]:
    rng = random.Random(20260706)  # fixed: the same corpus on every run
    corpus = {f"truncated at {n}": pdf[:n] for n in (9, 100, 1000, len(pdf) // 3, len(pdf) // 2, len(pdf) - 2000)}
    corpus |= {f"truncated at {n}": pdf[:n] for n in sorted(rng.sample(range(10, len(pdf) - 1), 6))}
    startxref = pdf.rindex(b"startxref")
    corpus["xref offset garbled"] = pdf[:startxref] + b"startxref\n99999999\n%%EOF\n"
    corpus["xref table garbled"] = pdf.replace(b"xref", b"xrf!")
    for position in sorted(rng.sample(range(len(pdf)), 8)):
        flipped = bytearray(pdf)
        flipped[position] ^= 0xFF
        corpus[f"byte {position} flipped"] = bytes(flipped)
    chunk = bytearray(pdf)
    chunk[len(pdf) // 2 : len(pdf) // 2 + 4096] = bytes(rng.getrandbits(8) for _ in range(4096))
    corpus["4 KiB of noise in the middle"] = bytes(chunk)
    # The signature dictionaries and fields with wrong values, each escaped as a 500 before
    corpus["byte range shorter than the file"] = _in_place(pdf, rb"/ByteRange \[[^]]*\]", b"/ByteRange [0 10 20 5]")
    corpus["byte range past the file"] = _in_place(pdf, rb"/ByteRange \[[^]]*\]", b"/ByteRange [0 9999999999 1 1]")
    corpus["a field name that is a number"] = _in_place(pdf, rb"/T \(so\)", b"/T 12345")
    corpus["a field lock that is a number"] = _in_place(pdf, rb"/Lock \d+ 0 R", b"/Lock 1")
    corpus["signature contents zeroed"] = _in_place(pdf, rb"/Contents <3[0-9a-fA-F]+>", b"/Contents <00>")
    corpus["deeply nested array"] = _deeply_nested()
    corpus["field tree cycle"] = _field_cycle()
    corpus["wrong types in the signature"] = _wrong_types()
    corpus["only a header"] = b"%PDF-1.7\n"
    corpus["header then garbage"] = b"%PDF-1.7\n" + bytes(rng.getrandbits(8) for _ in range(2000))
    corpus["not a PDF"] = b"PK\x03\x04 this is a zip file"
    corpus["empty"] = b""
    return corpus


@pytest.fixture
def damaged(office_keys) -> dict[str, bytes]:
    return _corpus(artifact(issued_document(office_keys)))


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("van-ban.pdf", data, content_type="application/pdf")


def test_every_damaged_upload_is_a_400_or_a_verdict_on_the_page_and_in_the_api(damaged):
    # given a corpus of damaged files and an anonymous visitor who does not re-raise server errors
    client = Client(raise_request_exception=False)

    # when each file goes to the verification page and to the API
    answers = {
        name: (
            client.post("/verify/", {"file": _upload(data)}),
            client.post("/api/signing/verify/", {"file": _upload(data)}),
        )
        for name, data in damaged.items()
    }

    # then none is a server error: each is a 400 with a Vietnamese message, or a 200 with a verdict
    for name, (page, api) in answers.items():
        assert page.status_code in (200, 400), name
        assert api.status_code in (200, 400), name
        if page.status_code == 400:
            assert "Tệp" in page.content.decode() or UNREADABLE in page.content.decode(), name
        if api.status_code == 400:
            assert set(api.json()) == {"code", "message", "details"}, name
            assert api.json()["code"] in ("unreadable_pdf", "validation_error"), name
        else:
            assert api.json()["verdict"], name
    unreadable = [name for name, (_, api) in answers.items() if api.json().get("code") == "unreadable_pdf"]
    assert {"deeply nested array", "field tree cycle", "header then garbage", "not a PDF"} <= set(unreadable)


def test_the_deeply_nested_file_is_refused_as_unreadable_not_a_recursion_error(db):
    # given a file whose nesting exhausts Python's recursion limit in the PDF parser
    data = _deeply_nested()

    # when it is verified, then the error is the file's, with its cause named for the logs
    with pytest.raises(UnreadablePdf) as refused:
        verify_pdf(data, trust_roots=[])
    assert refused.value.message == UNREADABLE
    assert refused.value.details == {"reason": "RecursionError"}


def test_the_api_answers_an_unreadable_file_with_the_error_shape(client, db):
    # given bytes that only look like a PDF
    data = b"%PDF-1.7\n" + b"\x00" * 500

    # when posted anonymously, then a 400 in the {code, message, details} shape, in Vietnamese
    response = client.post("/api/signing/verify/", {"file": _upload(data)})
    assert response.status_code == 400
    assert response.json()["code"] == "unreadable_pdf"
    assert response.json()["message"] == UNREADABLE


def test_the_page_answers_an_unreadable_file_with_a_400_and_the_reason(client, db):
    # given bytes that only look like a PDF
    data = b"%PDF-1.7\n" + b"\x00" * 500

    # when uploaded on the page, then a 400 whose page says why
    response = client.post("/verify/", {"file": _upload(data)})
    assert response.status_code == 400
    assert UNREADABLE in response.content.decode()
