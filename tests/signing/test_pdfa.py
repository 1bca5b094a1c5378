"""Issued PDFs are PDF/A-2b: every font embedded, an sRGB output intent, XMP identification part 2 conformance B
— and still valid for pyHanko and poppler's pdfsig after both signatures (docs/signing.md, "PDF/A-2b").

Checked with pikepdf (qpdf): veraPDF, the reference validator, needs Java and is not on PyPI or Debian here."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf

from signing.verification import Verdict, verify_pdf
from tests.signing.helpers import artifact, issued_document


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every font dictionary the file holds, the descendants of composite fonts included."""
    fonts = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font:
            fonts.append(obj)
    return fonts


def _embedded(font: pikepdf.Dictionary) -> bool:
    if font.get("/Subtype") == pikepdf.Name.Type0:
        return all(_embedded(descendant) for descendant in font.DescendantFonts)
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True  # glyphs drawn by content streams
    return descriptor is not None and any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_issued_pdf_carries_the_pdfa_2b_markers(office_keys):
    # given a plan issued through the real services (rendered, certified by the signer, filled and sealed)
    issued = artifact(issued_document(office_keys))

    # when pikepdf reads its catalog, XMP metadata and fonts
    with pikepdf.open(io.BytesIO(issued)) as pdf:
        intents = list(pdf.Root.get("/OutputIntents", []))
        metadata = pdf.open_metadata()
        part, conformance = metadata.get("pdfaid:part"), metadata.get("pdfaid:conformance")
        fonts = _fonts(pdf)
        profile = bytes(intents[0].DestOutputProfile.read_bytes()) if intents else b""

    # then there is a PDF/A output intent with an embedded ICC profile (sRGB), XMP says PDF/A-2B
    assert [str(intent.S) for intent in intents] == ["/GTS_PDFA1"]
    assert profile[36:40] == b"acsp"  # an ICC profile's signature
    assert b"sRGB" in profile or b"RGB " in profile[16:20]
    assert (part, conformance) == ("2", "B")
    # and every font — the document's, the lines' faces, the stamps' — is embedded
    assert fonts
    assert [str(font.get("/BaseFont")) for font in fonts if not _embedded(font)] == []


def test_pdfa_issued_pdf_still_validates_with_pyhanko_and_pdfsig(office_keys, trust_roots, tmp_path: Path):
    # given the issued PDF/A plan
    issued = artifact(issued_document(office_keys))
    path = tmp_path / "issued.pdf"
    path.write_bytes(issued)

    # when pyHanko (through our verifier) and poppler's pdfsig check it
    report = verify_pdf(issued, trust_roots=trust_roots)
    result = subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
        ["pdfsig", "-nocert", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )

    # then both signatures are valid for both, and the organization's covers the whole file
    assert report.verdict == Verdict.ISSUED, report.summary
    assert result.stdout.count("Signature Validation: Signature is Valid.") == 2, result.stdout
    assert "  - Total document signed" in result.stdout
