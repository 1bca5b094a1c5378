"""An arrival whose PDF carries revocation data saying the signer's certificate was revoked: the arrival check
calls it invalid (MODIFIED, the verdict the clerk refuses with status 02) with the revocation as its reason — not
"untrusted" (RULES.md: "signed by a CA this system does not trust" is not "invalid")."""

from __future__ import annotations

import asyncio
import io

import pytest
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko_certvalidator.authority import AuthorityWithCert
from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend

from documents.models import SignatureVerdict
from signing.arrivals import REASONS, check_arrival_pdf
from tests.pki import TestPki
from tests.pki.fixtures import blank_pdf, pki, sign_blank  # noqa: F401 - fixtures


def _ocsp_response(pki: TestPki, label: str):  # noqa: F811
    """The local responder's real answer about `label`, as a careful sender would have archived it."""

    async def ask():
        backend = AIOHttpFetcherBackend(per_request_timeout=5)
        try:
            return await backend.get_fetchers().ocsp_fetcher.fetch(
                pki.cert(label), AuthorityWithCert(pki.cert("interm"))
            )
        finally:
            await backend.close()

    return asyncio.run(ask())


def _with_dss(pdf: bytes, pki: TestPki, label: str) -> bytes:  # noqa: F811
    out = io.BytesIO(pdf)
    DocumentSecurityStore.add_dss(
        out,
        None,
        certs=[pki.cert("interm"), pki.cert("ocsp"), pki.root],
        ocsps=[_ocsp_response(pki, label)],
    )
    return out.getvalue()


@pytest.mark.parametrize(
    ("label", "verdict", "reason"),
    [("revoked", SignatureVerdict.MODIFIED, "revoked"), ("signer", SignatureVerdict.VALID, "valid")],
)
def test_a_revoked_signature_on_an_arrival_is_invalid_with_the_revocation_as_reason(
    pki: TestPki,  # noqa: F811
    blank_pdf: bytes,  # noqa: F811
    label: str,
    verdict: str,
    reason: str,
) -> None:
    pdf = _with_dss(sign_blank(blank_pdf, pki.signer(label)), pki, label)
    result = check_arrival_pdf(pdf, trust_roots=[pki.root])
    assert result.verdict == verdict, result.summary
    assert result.reason == str(REASONS[reason])
    if label == "revoked":
        assert result.verdict != SignatureVerdict.UNTRUSTED
        assert "thu hồi" in result.reason
