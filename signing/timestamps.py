"""RFC 3161 timestamps from the configured timestamp authority (settings.SIGNING_TSA_URL).

`timestamper()` is what every PdfSigner gets: None without a TSA (signatures as before), else an HTTP client
whose failures become a domain error (503, Vietnamese message) instead of a 500. Reading a token's time
back (`signature_timestamp_time`) is used by verification and by the SHA-1 policy.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from typing import Any

from asn1crypto import cms, tsp
from django.conf import settings
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

from documents.errors import DomainError

logger = logging.getLogger(__name__)


class TimestampUnavailable(DomainError):
    """The timestamp authority did not answer (or answered nonsense): nothing is signed, try again later."""

    code = "timestamp_unavailable"
    http_status = 503
    default_message = "Máy chủ cấp dấu thời gian không trả lời; chưa ký được, vui lòng thử lại sau."


class _DomainTimeStamper(HTTPTimeStamper):
    """pyHanko's HTTP client; a network or protocol failure is a TimestampUnavailable."""

    async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
        try:
            return await super().async_request_tsa_response(req)
        except Exception as exc:
            # The URL is configuration, not a secret; the exception's text may carry the server's answer.
            logger.warning("Timestamp authority %s failed: %s", self.url, type(exc).__name__)
            raise TimestampUnavailable(TimestampUnavailable.default_message) from None


def tsa_url() -> str:
    return str(getattr(settings, "SIGNING_TSA_URL", "") or "")


def timestamper(url: str | None = None) -> TimeStamper | None:
    """The TSA client for `url` (default: settings.SIGNING_TSA_URL), or None when no TSA is configured."""
    target = url if url is not None else tsa_url()
    if not target:
        return None
    return _DomainTimeStamper(target, timeout=float(getattr(settings, "SIGNING_TSA_TIMEOUT", 10.0)))


def token_time(token: cms.ContentInfo) -> dt.datetime:
    """The gen_time of an RFC 3161 token (a CMS SignedData over a TSTInfo)."""
    tst_info = token["content"]["encap_content_info"]["content"].parsed
    return tst_info["gen_time"].native


def token_signer_certificate(signed_data: cms.SignedData) -> Any:
    """The TSA certificate that signed a token's SignedData (matched by issuer and serial), or None."""
    signer_info = signed_data["signer_infos"][0]
    sid = signer_info["sid"]
    for choice in signed_data["certificates"] or []:
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            isn = sid.chosen
            if cert.issuer == isn["issuer"] and cert.serial_number == isn["serial_number"].native:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def signature_timestamp_token(signer_info: cms.SignerInfo) -> cms.ContentInfo | None:
    """The signature's own timestamp token (unsigned attribute signature_time_stamp_token), if any."""
    attrs = signer_info["unsigned_attrs"]
    if attrs.native is None:
        return None
    for attr in attrs:
        if attr["type"].native == "signature_time_stamp_token":
            return attr["values"][0]
    return None


def signature_timestamp_time(signer_info: cms.SignerInfo) -> dt.datetime | None:
    token = signature_timestamp_token(signer_info)
    return token_time(token) if token is not None else None


def with_signature_timestamp(signature_cms: bytes) -> bytes:
    """A detached CMS made elsewhere (the person's tool, a remote service) with the configured TSA's token over its
    signature value (unsigned attribute signature_time_stamp_token), as pyHanko adds to the signatures it makes.
    Unchanged without a TSA or when it already carries one; TimestampUnavailable when the TSA does not answer."""
    client = timestamper()
    if client is None:
        return signature_cms
    content = cms.ContentInfo.load(signature_cms)
    signer_info = content["content"]["signer_infos"][0]
    if signature_timestamp_token(signer_info) is not None:
        return signature_cms
    digest = hashlib.sha256(signer_info["signature"].native).digest()
    token = asyncio.run(client.async_timestamp(digest, "sha256"))
    attributes = list(signer_info["unsigned_attrs"]) if signer_info["unsigned_attrs"].native else []
    attributes.append(cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token]}))
    signer_info["unsigned_attrs"] = cms.CMSAttributes(attributes)
    return content.dump(force=True)
