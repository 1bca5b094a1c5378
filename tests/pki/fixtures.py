"""pytest fixtures over the running test PKI; a test module imports the ones it uses."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

from tests.pki import TestPki, running_pki


@pytest.fixture(scope="session")
def pki() -> TestPki:
    try:
        return running_pki()
    except ImportError as exc:  # requirements-dev.txt installs it; a bare runtime venv skips, clearly
        pytest.skip(f"certomancer is not installed ({exc}): pip install -r requirements-dev.txt")


@pytest.fixture
def tsa(settings, pki: TestPki) -> TestPki:
    """settings.SIGNING_TSA_URL at the test PKI's long-lived TSA."""
    settings.SIGNING_TSA_URL = pki.tsa_url
    return pki


@pytest.fixture(scope="session")
def blank_pdf() -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sign_blank(
    pdf: bytes, signer: signers.Signer, *, timestamper=None, md_algorithm: str | None = None, field: str = "Sig1"
) -> bytes:
    """An approval signature of someone else's system (PAdES), as pyHanko makes it."""
    metadata = signers.PdfSignatureMetadata(
        field_name=field, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm=md_algorithm
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    return signers.PdfSigner(metadata, signer, timestamper=timestamper).sign_pdf(writer).getvalue()
