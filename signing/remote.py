"""Signatures that wait: the person's own tool (the Ban Cơ yếu desktop pattern) and remote signing over CSC.

The server never holds the key. It prepares the signer's revision with pyHanko's interrupted signing
(`pades.prepare_as_signer`), stores it in a `SignatureRequest` (state *waiting*, a deadline, a one-time token kept
only as its SHA-256) and lets go: no transaction, no lock is held while the person confirms. The CMS that comes
back is embedded (`pades.finish_prepared`) and verified — a valid signature by the expected certificate over
that PDF — before anything changes; then the flow step completes through the hook the workflow registers
(`on_remote_signature`), since the flow sits above this layer.

`remote_backend_for(user)` is the one seam that says who signs this way.
The directory says who signs this way: a person's active SigningCredential with backend "external" or "csc"
(its certificate, and for csc the service URL and credential id).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import cms as asn1_cms
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from pyhanko.keys import load_cert_from_pemder

from audit.services import record_event
from documents.errors import ConcurrentUpdate, DomainError, NotFound, PermissionDenied, ValidationFailed
from documents.models import Document
from signing import pades, timestamps
from signing.credentials import check_certificate
from signing.models import SignatureRequest, SignatureRequestBackend, SignatureRequestState
from signing.permissions import check_sign
from signing.services import signature_image_for
from signing.timestamps import TimestampUnavailable
from signing.verification import verify_pdf

logger = logging.getLogger(__name__)

DEFAULT_TTL = dt.timedelta(minutes=10)
MAX_CMS_BYTES = pades.PREPARED_CMS_HEX_BYTES // 2  # what fits in the reserved /Contents

State = SignatureRequestState


# --- errors (each a 4xx with its sentence) ------------------------------------------------------------------


class RequestAlreadyWaiting(DomainError):
    code = "signature_request_waiting"
    http_status = 409
    default_message = "Văn bản đang chờ chữ ký số từ công cụ ký của người ký; hãy hoàn tất hoặc hủy yêu cầu đó trước."


class RequestExpired(DomainError):
    code = "signature_request_expired"
    http_status = 410
    default_message = "Yêu cầu ký số đã hết hạn; hãy bắt đầu ký lại."


class RequestUsed(DomainError):
    code = "signature_request_used"
    http_status = 409
    default_message = "Mã ký số này đã được dùng; mỗi mã chỉ dùng được một lần."


class RequestCancelled(DomainError):
    code = "signature_request_cancelled"
    http_status = 410
    default_message = "Yêu cầu ký số đã bị hủy."


class SignatureRefused(DomainError):
    code = "signature_refused"
    http_status = 400
    default_message = "Chữ ký số gửi về không hợp lệ."


class NotRemoteSigner(DomainError):
    code = "not_remote_signer"
    http_status = 409
    default_message = "Người ký không dùng công cụ ký số riêng hay dịch vụ ký từ xa."


class SignsElsewhere(DomainError):
    code = "signs_elsewhere"
    http_status = 409
    default_message = (
        "Người ký dùng công cụ ký số riêng hoặc dịch vụ ký từ xa: hãy mở trang ký của văn bản để bắt đầu ký."
    )


# --- who signs this way: the seam ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteBackend:
    """How a person's signature comes back, and the certificate it must be made with. No secret here."""

    kind: str  # SignatureRequestBackend
    certificate: asn1_x509.Certificate = field(repr=False)
    service_url: str = ""
    credential_id: str = ""


def _certificate(value: Any) -> asn1_x509.Certificate:
    if isinstance(value, asn1_x509.Certificate):
        return value
    if isinstance(value, bytes):
        return asn1_x509.Certificate.load(value)
    return load_cert_from_pemder(str(Path(value)))


def remote_backend_for(user: Any) -> RemoteBackend | None:
    """The person's remote backend from the directory (signing.credentials: the active certificate valid today),
    or None when they sign with a key the server can use (PKCS#12, PKCS#11) or have none."""
    from signing.credentials import active_credential_for_user

    credential = active_credential_for_user(user) if getattr(user, "pk", None) else None
    if credential is None or credential.backend not in SignatureRequestBackend.values:
        return None
    options = credential.settings_json or {}
    return RemoteBackend(
        kind=credential.backend,
        certificate=asn1_x509.Certificate.load(bytes(credential.certificate_der)),
        service_url=str(options.get("service_url", "")).rstrip("/"),
        credential_id=str(options.get("credential_id", "")),
    )


# --- reading ------------------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def request_for_token(token: str) -> SignatureRequest:
    """The request a one-time token opens (404 for an unknown token; the token itself is never stored)."""
    request = (
        SignatureRequest.objects.select_related("document", "signer").filter(token_sha256=token_hash(token)).first()
    )
    if request is None:
        raise NotFound("Không tìm thấy yêu cầu ký số (mã không đúng).")
    return request


def waiting_request(*, document_id: int, step: str | None = None) -> SignatureRequest | None:
    """The request waiting for this document (and step), if its deadline has not passed."""
    rows = SignatureRequest.objects.filter(
        document_id=document_id, state=State.WAITING, deadline__gt=timezone.now()
    ).order_by("-pk")
    if step is not None:
        rows = rows.filter(step=step)
    return rows.first()


def check_open(request: SignatureRequest) -> None:
    """Refuse, with its reason, a request that can no longer be completed."""
    state = request.effective_state
    if state == State.EXPIRED:
        raise RequestExpired()
    if state == State.COMPLETED:
        raise RequestUsed()
    if state == State.CANCELLED:
        raise RequestCancelled()
    if state == State.REFUSED:
        raise RequestUsed(f"Mã ký số này đã được dùng và chữ ký bị từ chối ({request.reason}); hãy bắt đầu ký lại.")


def prepared_of(request: SignatureRequest) -> pades.PreparedSignature:
    data = bytes(request.prepared_pdf)
    if hashlib.sha256(data).hexdigest() != request.prepared_sha256:
        raise ValidationFailed("Bản PDF chuẩn bị ký không khớp mã băm đã lưu.")
    return pades.PreparedSignature(
        pdf=data,
        document_digest=bytes(request.document_digest),
        digest_algorithm=request.digest_algorithm,
        reserved_start=request.reserved_start,
        reserved_end=request.reserved_end,
    )


# --- starting -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartedRequest:
    request: SignatureRequest
    token: str = field(repr=False)  # shown once, in the link; only its hash is stored


def _ttl() -> dt.timedelta:
    value = getattr(settings, "SIGNING_REQUEST_TTL", None)
    if value is None:
        return DEFAULT_TTL
    return value if isinstance(value, dt.timedelta) else dt.timedelta(seconds=float(value))


def start_signature(*, document: Document, actor: Any, step: str) -> StartedRequest:
    """Prepare the signer's revision for a key outside the server and put the step in *waiting*.

    Rendering and preparing run before the one short transaction of `request_start`; neither holds a lock."""
    backend = remote_backend_for(actor)
    if backend is None:
        raise NotRemoteSigner()
    document = Document.objects.select_related("organization", "doc_type", "signer", "current_version").get(
        pk=document.pk
    )
    check_sign(user=actor, document=document)
    if waiting_request(document_id=document.pk, step=step) is not None:  # said before the slow part too
        raise RequestAlreadyWaiting()
    from signing.rendering import render_pdf

    rendered = render_pdf(document)
    prepared = pades.prepare_as_signer(
        rendered.pdf,
        certificate=backend.certificate,
        signer_box=rendered.signer_box,
        organization_box=rendered.organization_box,
        signer_name=document.signer.display_name if document.signer_id else "",
        location=document.place_name,
        signature_image=signature_image_for(document.signer_id),
    )
    return request_start(
        document=document,
        actor=actor,
        step=step,
        backend=backend,
        prepared=prepared,
        version_id=document.current_version_id,
    )


def request_start(
    *,
    document: Document,
    actor: Any,
    step: str,
    backend: RemoteBackend,
    prepared: pades.PreparedSignature,
    version_id: int | None,
) -> StartedRequest:
    """One transaction: expire what is past its deadline, refuse a second waiting request, store this one."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    try:
        with transaction.atomic():
            stale = SignatureRequest.objects.select_for_update().filter(
                document_id=document.pk, step=step, state=State.WAITING, deadline__lte=now
            )
            for old in stale:
                _close(old, State.EXPIRED, actor=None, reason="hết hạn")
            if SignatureRequest.objects.filter(document_id=document.pk, step=step, state=State.WAITING).exists():
                raise RequestAlreadyWaiting()
            request = SignatureRequest.objects.create(
                document=document,
                version_id_prepared=version_id or 0,
                step=step,
                signer=actor,
                backend=backend.kind,
                deadline=now + _ttl(),
                prepared_pdf=prepared.pdf,
                prepared_sha256=hashlib.sha256(prepared.pdf).hexdigest(),
                document_digest=prepared.document_digest,
                digest_algorithm=prepared.digest_algorithm,
                reserved_start=prepared.reserved_start,
                reserved_end=prepared.reserved_end,
                expected_certificate=backend.certificate.dump(),
                token_sha256=token_hash(token),
                created_at=now,
            )
            record_event(
                organization_id=document.organization_id,
                actor=actor,
                action="signature_request.start",
                obj=document,
                details={
                    "request": request.pk,
                    "step": step,
                    "backend": backend.kind,
                    "deadline": request.deadline.isoformat(),
                    "certificate_serial": str(backend.certificate.serial_number),
                    "prepared_sha256": request.prepared_sha256,
                },
            )
            if backend.kind == SignatureRequestBackend.CSC:
                transaction.on_commit(lambda: _ask_the_service(request.pk))
    except IntegrityError as exc:  # started at the same moment elsewhere: the partial unique index says no
        raise RequestAlreadyWaiting() from exc
    return StartedRequest(request=request, token=token)


# --- closing ------------------------------------------------------------------------------------------------


def _close(request: SignatureRequest, state: str, *, actor: Any, reason: str = "") -> None:
    """Inside the caller's transaction, the row locked: the request leaves *waiting*, with its audit event."""
    request.state = state
    request.finished_at = timezone.now()
    request.reason = reason[:500]
    request.save(update_fields=["state", "finished_at", "reason"])
    record_event(
        organization_id=request.document.organization_id,
        actor=actor,
        action=f"signature_request.{state}",
        obj=request.document,
        details={"request": request.pk, "step": request.step, "backend": request.backend, "reason": reason[:500]},
    )


def _locked(request: SignatureRequest) -> SignatureRequest:
    return SignatureRequest.objects.select_for_update().select_related("document").get(pk=request.pk)


def request_cancel(*, request: SignatureRequest, actor: Any) -> SignatureRequest:
    """The signer gives up waiting (and may start again)."""
    if request.signer_id != getattr(actor, "pk", None):
        raise PermissionDenied("Chỉ người ký được hủy yêu cầu ký số của mình.")
    with transaction.atomic():
        request = _locked(request)
        if request.effective_state == State.EXPIRED and request.state == State.WAITING:
            _close(request, State.EXPIRED, actor=None, reason="hết hạn")
            return request
        check_open(request)
        _close(request, State.CANCELLED, actor=actor, reason="người ký hủy")
    return request


def request_refuse(*, request: SignatureRequest, reason: str) -> None:
    """A signature came back and was refused: the token is spent, the document is untouched."""
    with transaction.atomic():
        request = _locked(request)
        if request.state == State.WAITING:
            _close(request, State.REFUSED, actor=None, reason=reason)


def request_complete(*, request: SignatureRequest, signed_pdf: bytes) -> SignatureRequest:
    """Inside the caller's transaction (the one that completes the flow step): lock the request, check it still
    waits and is on time, mark it completed. A replay or a late upload stops here."""
    request = _locked(request)
    if request.effective_state == State.EXPIRED and request.state == State.WAITING:
        raise RequestExpired()
    check_open(request)
    request.state = State.COMPLETED
    request.finished_at = timezone.now()
    request.save(update_fields=["state", "finished_at"])
    record_event(
        organization_id=request.document.organization_id,
        actor=request.signer,
        action="signature_request.completed",
        obj=request.document,
        details={
            "request": request.pk,
            "step": request.step,
            "backend": request.backend,
            "pdf_sha256": hashlib.sha256(signed_pdf).hexdigest(),
        },
    )
    return request


def expire_due(*, now: dt.datetime | None = None) -> int:
    """Mark every waiting request past its deadline expired (the reading already counts them so)."""
    count = 0
    for request in SignatureRequest.objects.filter(state=State.WAITING, deadline__lte=now or timezone.now()):
        with transaction.atomic():
            locked = _locked(request)
            if locked.state == State.WAITING:
                _close(locked, State.EXPIRED, actor=None, reason="hết hạn")
                count += 1
    return count


# --- finishing: embed, then verify --------------------------------------------------------------------------


def decode_signature(body: bytes) -> bytes:
    """The CMS as DER: raw DER, PEM, or base64 text are all accepted."""
    if body[:1] == b"\x30":  # DER as sent: its last byte may be 0x0a or 0x20 like any other, never strip it
        return body
    data = body.strip()
    if data.startswith(b"-----BEGIN"):
        lines = [line for line in data.splitlines() if line and not line.startswith(b"-----")]
        data = b"".join(lines)
    if data[:1] != b"\x30":  # not DER: try base64
        try:
            data = base64.b64decode(data, validate=False)
        except ValueError:
            raise SignatureRefused("Chữ ký gửi về không đọc được (không phải CMS/PKCS#7).") from None
    return data


def _cms_signer_certificate(der: bytes) -> asn1_x509.Certificate:
    """The certificate a detached CMS SignedData names as its signer's; SignatureRefused for anything else."""
    if not der or len(der) > MAX_CMS_BYTES:
        raise SignatureRefused("Chữ ký gửi về rỗng hoặc quá lớn.")
    try:
        info = asn1_cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise ValueError("not SignedData")
        signed_data = info["content"]
        signer_info = signed_data["signer_infos"][0]
        sid = signer_info["sid"]
        for choice in signed_data["certificates"]:
            cert = choice.chosen
            if not isinstance(cert, asn1_x509.Certificate):
                continue
            if sid.name == "issuer_and_serial_number":
                ias = sid.chosen
                if cert.issuer == ias["issuer"] and cert.serial_number == ias["serial_number"].native:
                    return cert
            elif cert.key_identifier == sid.chosen.native:
                return cert
    except Exception:  # asn1crypto's failures on hostile bytes are open-ended (ValueError, TypeError, IndexError…)
        raise SignatureRefused("Chữ ký gửi về không đọc được (không phải CMS SignedData).") from None
    raise SignatureRefused("Chữ ký gửi về không kèm chứng thư của người ký.")


def _cms_certificates(der: bytes) -> list[asn1_x509.Certificate]:
    """Every certificate the CMS carries (the signer's chain, for the revocation check's path)."""
    signed_data = asn1_cms.ContentInfo.load(der)["content"]
    return [c.chosen for c in signed_data["certificates"] if isinstance(c.chosen, asn1_x509.Certificate)]


def _ask_the_service(request_id: int) -> None:
    """After commit: a Celery worker waits for the CSC service where background work goes to Celery
    (settings.OUTBOX_DISPATCH, the project's one switch for it); otherwise (make run, the tests) in place."""
    from signing.tasks import complete_csc_request

    if settings.OUTBOX_DISPATCH == "celery":
        complete_csc_request.delay(request_id)
    else:
        complete_csc_request(request_id)


def finish_and_verify(request: SignatureRequest, signature_der: bytes) -> bytes:
    """Embed the CMS in the prepared PDF and accept the result only if it verifies: intact, cryptographically
    valid, nothing after it, made with the expected certificate, on a date the certificate covers. Slow
    (parsing, hashing): the caller holds no transaction or lock."""
    expected = asn1_x509.Certificate.load(bytes(request.expected_certificate))
    cert = _cms_signer_certificate(signature_der)
    if cert.dump() != expected.dump():
        raise SignatureRefused(
            "Chữ ký được tạo bằng chứng thư số khác với chứng thư đã đăng ký của người ký.",
            details={"serial": str(cert.serial_number), "expected_serial": str(expected.serial_number)},
        )
    validity = expected["tbs_certificate"]["validity"]
    now = timezone.now()
    if not validity["not_before"].native <= now <= validity["not_after"].native:
        raise SignatureRefused("Chứng thư số của người ký không còn hiệu lực vào ngày ký.")
    # The check at signing time, now that the signature exists: still this signer's active registered
    # certificate, and not revoked (CertificateRevoked 403; RevocationUnavailable 503 under the "hard" policy).
    check_certificate(expected, user=request.signer, chain=_cms_certificates(signature_der))
    try:  # a TSA that does not answer is a TimestampUnavailable (503): nothing changes, try again later
        signed = pades.finish_prepared(prepared_of(request), timestamps.with_signature_timestamp(signature_der))
    except (ValidationFailed, TimestampUnavailable):
        raise
    except Exception as exc:  # the CMS does not fit the reserved room, or pyHanko refuses it
        logger.info("Signature of request %s not embedded: %s", request.pk, type(exc).__name__)
        raise SignatureRefused("Không gắn được chữ ký vào bản PDF (chữ ký quá lớn hoặc hỏng).") from None
    try:
        report = verify_pdf(signed)
    except DomainError:
        raise SignatureRefused("Bản PDF sau khi gắn chữ ký không đọc được.") from None
    if not report.signatures:
        raise SignatureRefused("Bản PDF sau khi gắn chữ ký không có chữ ký nào.")
    last = report.signatures[-1]
    if not (last.intact and last.valid) or last.modification_level not in (None, "NONE"):
        raise SignatureRefused(
            "Chữ ký không khớp bản PDF đã chuẩn bị (sai mã băm hoặc chữ ký hỏng).",
            details={"problems": [str(p) for p in last.problems]},
        )
    return signed


# --- the flow's hook ----------------------------------------------------------------------------------------

_COMPLETERS: list[Callable[[SignatureRequest, bytes], Any]] = []


def on_remote_signature(completer: Callable[[SignatureRequest, bytes], Any]) -> None:
    """The workflow registers how a verified signature completes its step (the flow sits above signing)."""
    if completer not in _COMPLETERS:
        _COMPLETERS.append(completer)


def complete_verified(request: SignatureRequest, signed_pdf: bytes) -> Any:
    if not _COMPLETERS:
        raise ConcurrentUpdate("Chưa có quy trình nhận chữ ký số đã chờ.")
    return _COMPLETERS[-1](request, signed_pdf)


def receive_signature(request: SignatureRequest, signature_der: bytes) -> Any:
    """A CMS came back for this request: refuse with a reason (the token is then spent, nothing else changes), or
    embed, verify and complete the step."""
    check_open(request)
    try:
        signed = finish_and_verify(request, signature_der)
    except (SignatureRefused, PermissionDenied) as refused:
        # PermissionDenied: the check at signing time (revoked, deactivated meanwhile) — final, the token is spent.
        # A 503 (TSA or revocation responder down) leaves the request waiting: the tool may send it again.
        request_refuse(request=request, reason=refused.message)
        raise
    return complete_verified(request, signed)


# --- CSC remote signing -------------------------------------------------------------------------------------


def _csc_cms(request: SignatureRequest, backend: RemoteBackend) -> bytes:
    """Ask the CSC service for the signature: its credential's certificate must be the registered one; the
    authorization (credentials/authorize, pinned to this hash) is where a real service waits for the person's
    confirmation, so it may take until the request's deadline."""
    import aiohttp
    from pyhanko.sign.signers import csc_signer

    remaining = max(1.0, (request.deadline - timezone.now()).total_seconds())

    class _Authorize(csc_signer.CSCAuthorizationManager):
        async def authorize_signature(self, hash_b64s: list[str]) -> csc_signer.CSCAuthorizationInfo:
            body = self.format_csc_auth_request(hash_b64s=hash_b64s, description="Ký văn bản")
            url = self.csc_session_info.endpoint_url("credentials/authorize")
            async with self._session.post(  # type: ignore[attr-defined]
                url,
                headers=self.auth_headers,
                json=body,
                raise_for_status=True,
                timeout=aiohttp.ClientTimeout(total=remaining),
            ) as response:
                return self.parse_csc_auth_response(await response.json())

    async def run() -> bytes:
        session_info = csc_signer.CSCServiceSessionInfo(backend.service_url, backend.credential_id)
        async with aiohttp.ClientSession() as session:
            info = await csc_signer.fetch_certs_in_csc_credential(session, session_info)
            if info.signing_cert.dump() != bytes(request.expected_certificate):
                raise SignatureRefused("Dịch vụ ký từ xa dùng chứng thư số khác với chứng thư đã đăng ký.")
            manager = _Authorize(session_info, info)
            manager._session = session  # type: ignore[attr-defined]
            signer = csc_signer.CSCSigner(session, manager, sign_timeout=int(remaining) + 1)
            signed = await signer.async_sign(bytes(request.document_digest), request.digest_algorithm, use_pades=True)
            return signed.dump()

    try:
        return asyncio.run(run())
    except SignatureRefused:
        raise
    except Exception as exc:  # the service is down, refused, or answered nonsense: said without its details
        logger.warning("CSC signing failed for request %s: %s", request.pk, type(exc).__name__)
        raise SignatureRefused("Dịch vụ ký số từ xa không trả về chữ ký.") from None


def complete_remote(request_id: int) -> Any:
    """The CSC request's wait (run by signing.tasks, outside any transaction): ask the service, verify what it
    returns, complete the step. A refusal is recorded on the request; nothing else changes."""
    request = SignatureRequest.objects.select_related("document", "signer").get(pk=request_id)
    check_open(request)
    backend = remote_backend_for(request.signer)
    if backend is None or backend.kind != SignatureRequestBackend.CSC:
        request_refuse(request=request, reason="người ký không còn dùng dịch vụ ký từ xa")
        raise NotRemoteSigner()
    try:
        der = _csc_cms(request, backend)
    except SignatureRefused as refused:
        request_refuse(request=request, reason=refused.message)
        raise
    return receive_signature(request, der)
