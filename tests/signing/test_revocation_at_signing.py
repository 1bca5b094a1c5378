"""Revocation at signing time (issue 13): a certificate about to sign is asked its status — OCSP from its AIA
responder, else its CRL — with the configured trust roots. Revoked: refused, nothing changed. Responder down:
"soft" signs, "hard" refuses. A good answer is cached, so a second signature asks nobody and costs no query.

Real parts: Certomancer's Animator (tests/pki) answers OCSP and CRLs on a local port; the "down" PKI is the same
configuration whose URLs point at a port where nothing answers (or something accepts and never replies)."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pyhanko.sign import signers

from audit.models import AuditEvent
from documents.errors import PermissionDenied
from documents.models import ArtifactKind, Document, Status
from organizations.models import User
from signing.credentials import check_certificate
from signing.models import Backend, SignatureRequest
from signing.revocation import CertificateRevoked, RevocationUnavailable, check_revocation
from signing.revocation import Status as Revocation
from tests.factories import Office, advance_routed, make_draft
from tests.pki import ARCH, PASSPHRASE, TestPki, pki_config
from tests.pki.fixtures import pki  # noqa: F401 - fixture
from tests.signing.credentials_helpers import register
from workflow import signature_requests
from workflow.actions import open_tasks, perform, process_of

pytestmark = pytest.mark.django_db

GOOD_NAME = "Nguyễn Văn Ký"  # the PKI's "signer"
REVOKED_NAME = "Trần Thị Thu Hồi"  # the PKI's "revoked": revoked yesterday, key_compromise


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def down_pki() -> TestPki:
    """The test PKI's configuration with every URL (OCSP, CRL) at a local port where no server runs."""
    url = f"http://127.0.0.1:{_free_port()}"
    config, now = pki_config(url, prefix="vanban-pki-down-")
    arch = config.get_pki_arch(ARCH)
    return TestPki(arch=arch, url=url, now=now)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # a "good" answer of another test must not stand in for this one's question
    yield
    cache.clear()


@pytest.fixture
def signer_with(settings, tmp_path: Path, office: Office) -> Callable[..., Office]:
    """The head, renamed as the certificate says, with the PKI's PKCS#12 key on the server and registered."""

    def make(pki: TestPki, label: str, name: str, *, backend: str = Backend.PKCS12) -> Office:  # noqa: F811
        keys = tmp_path / "keys"
        settings.KEYSTORE_DIR, settings.SIGNING_KEY_PASSPHRASE = keys, ""
        settings.SIGNING_TRUST_ROOTS = [str(pki.write_roots(tmp_path / "trust"))]
        User.objects.filter(pk=office.head.pk).update(full_name=name)
        office.head.refresh_from_db()
        path = keys / f"users/{office.head.username}.p12"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pki.pkcs12(label))
        path.with_name(path.name + ".pass").write_bytes(PASSPHRASE)
        register(backend=backend, der=pki.cert(label).dump(), user=office.head)
        return office

    return make


def _awaiting(office: Office) -> Document:
    return advance_routed(make_draft(office, signer=office.head), office, to="awaiting_signature")


def _unchanged(document: Document, events_before: int) -> None:
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert document.signed_version_id is None
    assert not document.artifacts.filter(kind=ArtifactKind.SIGNED).exists()
    assert [t.flow_task.name for t in open_tasks(process_of(document))] == ["sign"]
    # as for every other refusal of a step: its transaction never began, so no audit event either
    assert AuditEvent.objects.count() == events_before


def _asked(caplog: pytest.LogCaptureFixture) -> int:
    return sum("asked" in r.getMessage() for r in caplog.records if r.name == "signing.revocation")


def test_a_revoked_certificate_is_refused_with_its_serial_and_date_and_nothing_changes(
    signer_with,
    pki: TestPki,  # noqa: F811
) -> None:
    # given the head holds the PKI's revoked certificate (revoked yesterday, registered, file on the server)
    office = signer_with(pki, "revoked", REVOKED_NAME)
    document = _awaiting(office)
    events_before = AuditEvent.objects.count()

    # when the head signs through the flow
    with pytest.raises(CertificateRevoked) as refused:
        perform(document=document, actor=office.head, action="sign")

    # then 403 certificate_revoked, the serial and the revocation day in the sentence; nothing moved
    error = refused.value
    assert isinstance(error, PermissionDenied)
    assert (error.http_status, error.code) == (403, "certificate_revoked")
    assert error.details["reason"] == "certificate_revoked"
    serial = format(pki.cert("revoked").serial_number, "x")
    assert error.details["serial"] == serial
    assert serial in error.message
    yesterday = timezone.localtime(pki.now - dt.timedelta(days=1))
    assert f"đã bị thu hồi từ {yesterday:%d/%m/%Y}" in error.message
    assert "lộ khóa bí mật" in error.message
    _unchanged(document, events_before)

    # and "revoked" is never remembered as good: asked again, refused again
    with pytest.raises(CertificateRevoked):
        check_certificate(pki.cert("revoked").dump(), user=office.head, chain=pki.intermediates)


def test_the_good_signer_signs_and_a_second_signature_asks_nobody_and_costs_no_query(
    signer_with,
    pki: TestPki,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    django_assert_max_num_queries,
) -> None:
    office = signer_with(pki, "signer", GOOD_NAME)
    first, second = _awaiting(office), _awaiting(office)
    caplog.set_level(logging.INFO, logger="signing.revocation")

    # the first signature asks the responder once
    with CaptureQueriesContext(connection) as cold:
        perform(document=first, actor=office.head, action="sign")
    first.refresh_from_db()
    assert first.status == Status.SIGNED
    assert _asked(caplog) == 1

    # the second, within the cache window, asks nobody and takes no more queries than the first
    with django_assert_max_num_queries(len(cold.captured_queries)):
        perform(document=second, actor=office.head, action="sign")
    second.refresh_from_db()
    assert second.status == Status.SIGNED
    assert _asked(caplog) == 1
    assert check_revocation(pki.cert("signer")) == Revocation.CACHED


def test_a_responder_that_cannot_be_reached_signs_under_soft_and_refuses_under_hard(
    signer_with, down_pki: TestPki, settings, caplog: pytest.LogCaptureFixture
) -> None:
    office = signer_with(down_pki, "signer", GOOD_NAME)
    settings.SIGNING_REVOCATION_TIMEOUT = 2

    # hard: 503 revocation_unavailable with a sentence a person understands, nothing changed
    settings.SIGNING_REVOCATION_POLICY = "hard"
    document = _awaiting(office)
    events_before = AuditEvent.objects.count()
    with pytest.raises(RevocationUnavailable) as unavailable:
        perform(document=document, actor=office.head, action="sign")
    assert (unavailable.value.http_status, unavailable.value.code) == (503, "revocation_unavailable")
    assert unavailable.value.details["cause"] == "no_answer"
    assert "không trả lời" in unavailable.value.message
    _unchanged(document, events_before)

    # soft (the default): signed, with a warning in the log, and "unknown" is not cached as good
    settings.SIGNING_REVOCATION_POLICY = "soft"
    caplog.set_level(logging.WARNING, logger="signing.revocation")
    perform(document=document, actor=office.head, action="sign")
    document.refresh_from_db()
    assert document.status == Status.SIGNED
    assert any("unknown" in r.getMessage() for r in caplog.records if r.name == "signing.revocation")
    assert check_revocation(down_pki.cert("signer"), chain=down_pki.intermediates) == Revocation.UNKNOWN


def test_a_responder_that_never_answers_is_cut_off_by_the_timeout(signer_with, down_pki: TestPki, settings) -> None:
    # given something accepts connections at the PKI's address and never replies
    office = signer_with(down_pki, "signer", GOOD_NAME)
    settings.SIGNING_REVOCATION_POLICY, settings.SIGNING_REVOCATION_TIMEOUT = "hard", 0.5
    port = int(down_pki.url.rsplit(":", 1)[1])
    with socket.socket() as silent:
        silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        silent.bind(("127.0.0.1", port))
        silent.listen(16)
        with pytest.raises(RevocationUnavailable):
            check_certificate(down_pki.cert("signer").dump(), user=office.head, chain=down_pki.intermediates)


def test_a_chain_to_no_trusted_root_is_unknown(signer_with, pki: TestPki, settings, tmp_path) -> None:  # noqa: F811
    office = signer_with(pki, "signer", GOOD_NAME)
    settings.SIGNING_TRUST_ROOTS = [str(tmp_path / "empty-trust")]
    (tmp_path / "empty-trust").mkdir()
    assert check_revocation(pki.cert("signer"), chain=pki.intermediates) == Revocation.UNKNOWN
    settings.SIGNING_REVOCATION_POLICY = "hard"
    with pytest.raises(RevocationUnavailable, match="không thuộc tổ chức cấp chứng thư được tin cậy"):
        check_certificate(pki.cert("signer").dump(), user=office.head, chain=pki.intermediates)


def test_a_certificate_that_names_no_responder_is_not_checked(keystore, test_ca) -> None:
    from cryptography.hazmat.primitives import serialization

    from signing.ca import issue_key

    issued = issue_key(test_ca, common_name="Không Có OCSP", organization="x")
    der = issued.certificate.public_bytes(serialization.Encoding.DER)
    assert check_revocation(der) == Revocation.NOT_DECLARED


def test_the_persons_tool_with_a_revoked_certificate_is_refused_and_nothing_changes(
    live_server,
    signer_with,
    pki: TestPki,  # noqa: F811
    tmp_path: Path,
    settings,
) -> None:
    # given the head signs with the desktop tool holding the revoked key (the server knows the certificate only)
    from tests.signing.test_remote_external import ToolKey, _link, _run_tool

    office = signer_with(pki, "revoked", REVOKED_NAME, backend=Backend.EXTERNAL)
    (settings.KEYSTORE_DIR / f"users/{office.head.username}.p12").unlink()
    path = tmp_path / "tool" / "revoked.p12"
    path.parent.mkdir()
    path.write_bytes(pki.pkcs12("revoked"))
    path.with_name("revoked.p12.pass").write_bytes(PASSPHRASE)
    assert signers.SimpleSigner.load_pkcs12(str(path), passphrase=PASSPHRASE) is not None
    key = ToolKey(path, path.with_name("revoked.p12.pass"), pki.cert("revoked").dump())
    settings.SIGNING_REQUEST_TTL = 600
    document = _awaiting(office)
    started = signature_requests.start(document=document, actor=office.head)
    events_before = AuditEvent.objects.count()

    # when the tool signs and posts the signature
    answer = _run_tool(_link(live_server, started.token), key)

    # then 403 certificate_revoked; the request is refused (the token spent), the document untouched
    assert answer["status"] == 403, answer
    assert answer["body"]["code"] == "certificate_revoked"
    assert format(pki.cert("revoked").serial_number, "x") in answer["body"]["message"]
    request = SignatureRequest.objects.get(pk=started.request.pk)
    assert request.state == "refused"
    assert "thu hồi" in request.reason
    # the one event written is the request's own refusal (signature_request.refused), as for other refusals
    assert AuditEvent.objects.latest("pk").action == "signature_request.refused"
    assert AuditEvent.objects.count() == events_before + 1
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert not document.artifacts.filter(kind=ArtifactKind.SIGNED).exists()
