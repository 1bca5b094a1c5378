"""After issue the number and date are locked by the organization's signature: renumbering is tampering,
for the project's verifier, for pyHanko's own validator and (as far as it can tell) for poppler's pdfsig."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.fields import FieldMDPAction
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from documents.models import ArtifactKind
from signing.pades import set_text_fields
from signing.rendering import FILLABLE_FIELDS, ORGANIZATION_FIELD, SIGNER_FIELD
from signing.verification import Verdict, verify_pdf
from tests.signing.helpers import artifact, issued_document, signed_document


def _renumbered(pdf: bytes, *, number: str = "99", day: str = "01") -> bytes:
    """The attack from the security review: an incremental update that rewrites "Số" and the day."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    set_text_fields(writer, {"so": number, "ngay": day})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pyhanko_status(pdf: bytes, field: str, trust_roots: list) -> object:
    signature = next(s for s in PdfFileReader(io.BytesIO(pdf)).embedded_signatures if s.field_name == field)
    return validate_pdf_signature(signature, ValidationContext(trust_roots=trust_roots, allow_fetching=False))


def _pdfsig(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """pdfsig's report per signature field name (the block of lines that follows it)."""
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler-utils (pdfsig) is not installed")
    path = tmp_path / "van-ban.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(  # noqa: S603 - a fixed tool on a file we wrote
        ["pdfsig", "-nocert", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    blocks = re.split(r"^Signature #\d+:\n", result.stdout, flags=re.MULTILINE)[1:]
    return {re.search(r"Signature Field Name: (\S+)", b)[1]: b for b in blocks}


def test_the_organization_field_is_created_locked_in_the_signers_revision(office_keys):
    # given a plan signed by its signer, not yet issued
    signed = artifact(signed_document(office_keys), ArtifactKind.SIGNED)

    # when the organization's empty field is read
    reader = PdfFileReader(io.BytesIO(signed))
    field = next(
        ref.get_object() for ref in reader.root["/AcroForm"]["/Fields"] if ref.get_object()["/T"] == ORGANIZATION_FIELD
    )
    lock = field["/Lock"]

    # then its lock names every number/date field and allows no change after the organization signs
    assert lock["/Action"] == FieldMDPAction.INCLUDE.value
    assert list(lock["/Fields"]) == list(FILLABLE_FIELDS)
    assert lock["/P"] == 1


def test_renumbering_after_issue_is_tampering_for_all_three_validators(office_keys, trust_roots, tmp_path):
    # given an issued plan, and the same plan with "Số" set to 99 and the day to 01 in an incremental update
    issued = artifact(issued_document(office_keys))
    forged = _renumbered(issued)

    # when the project's verifier, pyHanko's validator and poppler's pdfsig read both
    report, forged_report = verify_pdf(issued, trust_roots=trust_roots), verify_pdf(forged, trust_roots=trust_roots)
    status = _pyhanko_status(issued, ORGANIZATION_FIELD, trust_roots)
    forged_status = _pyhanko_status(forged, ORGANIZATION_FIELD, trust_roots)
    pdfsig, forged_pdfsig = _pdfsig(issued, tmp_path), _pdfsig(forged, tmp_path)

    # then the project's verifier: issued and intact, then changed after issue, naming the fields
    assert report.verdict == Verdict.ISSUED
    assert forged_report.verdict == Verdict.CHANGED_AFTER_ISSUE
    assert not forged_report.ok
    organization = next(s for s in forged_report.signatures if s.field_name == ORGANIZATION_FIELD)
    assert organization.tampered
    assert {"so", "ngay"} <= set(organization.changed_fields)
    assert forged_report.summary.startswith("Văn bản đã bị thay đổi sau khi ban hành — không hợp lệ.")
    # pyHanko: the field lock makes the organization's signature fail its difference analysis
    assert (status.modification_level, status.docmdp_ok, status.bottom_line) == (ModificationLevel.NONE, True, True)
    assert forged_status.intact
    assert forged_status.modification_level == ModificationLevel.OTHER
    assert forged_status.docmdp_ok is False
    assert forged_status.bottom_line is False
    # pdfsig (poppler 22.12) checks no DocMDP/FieldMDP: its one signal is that the organization's signature,
    # the last one, no longer covers the whole file (docs/signing.md)
    assert "Signature is Valid." in forged_pdfsig[ORGANIZATION_FIELD]
    assert "- Total document signed" in pdfsig[ORGANIZATION_FIELD]
    assert "- Not total document signed" in forged_pdfsig[ORGANIZATION_FIELD]
    assert "- Not total document signed" in pdfsig[SIGNER_FIELD]  # the clerk's revision follows the signer's


def test_a_new_signature_after_issue_is_a_change_after_issue(office_keys, trust_roots):
    # given an issued plan on which someone signs again, in a new field, with the organization's key
    from pyhanko.sign import fields, signers

    from signing.keys import KeyStore

    document = issued_document(office_keys)
    writer = IncrementalPdfFileWriter(io.BytesIO(artifact(document)))
    backend = KeyStore().for_organization(document.organization).pyhanko_signer()
    out = signers.PdfSigner(
        signers.PdfSignatureMetadata(field_name="ChuKyThem", subfilter=fields.SigSeedSubFilter.PADES), backend
    ).sign_pdf(writer)

    # when it is verified
    report = verify_pdf(out.getvalue(), trust_roots=trust_roots)

    # then the organization's signature says the document changed after it
    assert report.verdict == Verdict.CHANGED_AFTER_ISSUE
    organization = next(s for s in report.signatures if s.field_name == ORGANIZATION_FIELD)
    assert organization.tampered
