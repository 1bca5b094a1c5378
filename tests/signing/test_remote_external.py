"""Signing in the person's own tool: the server prepares, a separate process holding the key answers through the
one-time link, the server embeds, verifies and only then completes the flow step (docs/signing.md, "Signing that
waits"). Refusals change nothing but the request."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pyhanko.sign import signers

from documents import services as document_services
from documents.models import ArtifactKind, Document, Status
from signing import remote
from signing import services as signing_services
from signing.models import SignatureRequest
from signing.verification import Verdict, verify_pdf
from tests.factories import Office, advance_routed, make_draft
from tests.pki.fixtures import pki, tsa  # noqa: F401 - fixtures
from tests.signing.conftest import PASSPHRASE, write_key
from tests.signing.credentials_helpers import register
from workflow import signature_requests
from workflow.actions import OPEN, open_tasks, process_of

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "tests" / "signing" / "desktop_tool.py"


@dataclass
class ToolKey:
    path: Path
    passphrase_file: Path
    certificate_der: bytes


def _tool_key(directory: Path, name: str, *, office: Office, ca) -> ToolKey:
    path = write_key(
        directory, f"{name}.p12", common_name=office.head.full_name, organization=office.organization.name, ca=ca
    )
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=PASSPHRASE)
    return ToolKey(path, path.with_name(path.name + ".pass"), signer.signing_cert.dump())


@pytest.fixture
def tool(tmp_path: Path, keystore: Path, office: Office, test_ca, settings) -> ToolKey:
    """The head's key lives with the tool only (not in KEYSTORE_DIR); the server knows the certificate. The
    organization's key stays on the server for the clerk."""
    key = _tool_key(tmp_path / "tool", "head", office=office, ca=test_ca)
    write_key(
        keystore,
        f"organizations/org-{office.organization.pk}.p12",
        common_name=office.organization.name,
        organization=office.organization.name,
        ca=test_ca,
    )
    register(backend="external", der=key.certificate_der, user=office.head)
    settings.SIGNING_REQUEST_TTL = 600
    return key


def _awaiting(office: Office) -> Document:
    return advance_routed(make_draft(office, signer=office.head), office, to="awaiting_signature")


def _run_tool(url: str, key: ToolKey, *extra: str) -> dict:
    done = subprocess.run(  # noqa: S603 (our own script, our arguments)
        [sys.executable, str(TOOL), url, str(key.path), str(key.passphrase_file), *extra],
        capture_output=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def _link(live_server, token: str) -> str:
    return live_server.url + reverse("workflow:signature-request", args=[token])


def _unchanged(document: Document, office: Office) -> None:
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert document.signed_version_id is None
    assert not document.artifacts.filter(kind=ArtifactKind.SIGNED).exists()
    assert [t.flow_task.name for t in open_tasks(process_of(document))] == ["sign"]


def test_the_tool_signs_and_the_issued_pdf_validates(live_server, tool, office, trust_roots):
    # given a plan awaiting the head's signature, the head's key only in the desktop tool
    document = _awaiting(office)
    started = signature_requests.start(document=document, actor=office.head)

    # then the request waits and holds nothing: no transaction is open, the document is unchanged
    assert not connection.in_atomic_block
    assert started.request.state == "waiting"
    _unchanged(document, office)

    # when the tool, a separate process, signs through the one-time link
    answer = _run_tool(_link(live_server, started.token), tool)

    # then the step is done with the verified PDF
    assert answer["status"] == 200, answer
    document.refresh_from_db()
    assert document.status == Status.SIGNED
    assert not open_tasks(process_of(document), ["sign"])
    started.request.refresh_from_db()
    assert started.request.state == "completed"
    signed = document.artifacts.get(kind=ArtifactKind.SIGNED).read()
    report = verify_pdf(signed, trust_roots=trust_roots)
    (signer,) = report.signatures
    assert signer.intact
    assert signer.valid
    assert signer.trusted
    assert signer.certifying
    assert signer.signer_name == office.head.full_name

    # and the clerk issues it as today: FORM_FILLING after the signer, the organization's untouched
    document = signing_services.issue_document(
        document=document_services.document_register(document=document, actor=office.clerk),
        actor=office.clerk,
    )
    issued = document.artifacts.get(kind=ArtifactKind.ISSUED).read()
    report = verify_pdf(issued, trust_roots=trust_roots)
    assert report.verdict == Verdict.ISSUED, report.summary
    assert [s.modification_level for s in report.signatures] == ["FORM_FILLING", "NONE"]
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler-utils (pdfsig) is not installed")
    out = tool.path.parent / "issued.pdf"
    out.write_bytes(issued)
    command = ["pdfsig", str(out)]
    text = subprocess.run(command, capture_output=True, text=True, check=False).stdout  # noqa: S603
    assert text.count("Signature is Valid") == 2, text


@pytest.mark.parametrize("send", ["pem", "base64json"])
def test_pem_and_base64_answers_are_accepted(live_server, tool, office, send):
    document = _awaiting(office)
    started = signature_requests.start(document=document, actor=office.head)
    answer = _run_tool(_link(live_server, started.token), tool, "--send", send)
    assert answer["status"] == 200, answer


def test_a_signature_by_another_certificate_is_refused_and_nothing_changes(
    live_server, tool, office, test_ca, tmp_path
):
    # given a waiting request and a tool holding another key of the same person and CA
    document = _awaiting(office)
    started = signature_requests.start(document=document, actor=office.head)
    other = _tool_key(tmp_path / "other", "head-2", office=office, ca=test_ca)

    # when it answers
    answer = _run_tool(_link(live_server, started.token), other)

    # then refused with the reason, the token spent, the document untouched
    assert answer["status"] == 400
    assert answer["body"]["code"] == "signature_refused"
    assert "chứng thư số khác" in answer["body"]["message"]
    _unchanged(document, office)
    started.request.refresh_from_db()
    assert started.request.state == "refused"


def test_garbage_is_refused_and_nothing_changes(live_server, tool, office):
    document = _awaiting(office)
    started = signature_requests.start(document=document, actor=office.head)
    answer = _run_tool(_link(live_server, started.token), tool, "--send", "garbage")
    assert answer["status"] == 400
    assert answer["body"]["code"] == "signature_refused"
    _unchanged(document, office)


def test_a_replayed_signature_is_refused_and_the_document_is_signed_once(live_server, tool, office):
    document = _awaiting(office)
    started = signature_requests.start(document=document, actor=office.head)
    answer = _run_tool(_link(live_server, started.token), tool, "--twice")
    first, second = answer["all"]
    assert first["status"] == 200
    assert second["status"] == 409
    assert second["body"]["code"] == "signature_request_used"
    document.refresh_from_db()
    assert document.status == Status.SIGNED
    assert document.artifacts.filter(kind=ArtifactKind.SIGNED).count() == 1


def test_a_late_signature_is_refused(live_server, tool, office):
    document = _awaiting(office)
    started = signature_requests.start(document=document, actor=office.head)
    SignatureRequest.objects.filter(pk=started.request.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    answer = _run_tool(_link(live_server, started.token), tool)
    assert answer["status"] == 410
    assert answer["body"]["code"] == "signature_request_expired"
    assert "hết hạn" in answer["body"]["message"]
    _unchanged(document, office)


def test_a_second_start_while_one_waits_is_refused_then_cancel_and_retry_works(live_server, tool, office, client):
    # given the head started signing from the sign page
    document = _awaiting(office)
    client.force_login(office.head)
    act = reverse("workflow:act", args=[document.pk])
    page = client.post(act, {"action": "sign"})
    assert page.status_code == 202
    first = SignatureRequest.objects.get(document=document)
    assert page.context["upload_url"].endswith(f"/api/signing/requests/{page.context['token']}/")

    # when they start again while it waits: refused, 409, with the sentence
    again = client.post(act, {"action": "sign"})
    assert again.status_code == 409
    assert "đang chờ chữ ký số" in again.content.decode()

    # and the inbox shows the wait with its deadline and Cancel
    inbox = client.get(reverse("workflow:inbox")).content.decode()
    assert f"Đang chờ ký số (hết hạn {timezone.localtime(first.deadline):%H:%M})" in inbox
    assert reverse("workflow:signature-request-cancel", args=[first.pk]) in inbox

    # when they cancel and start again, the new link signs; the old one is refused
    client.post(reverse("workflow:signature-request-cancel", args=[first.pk]))
    first.refresh_from_db()
    assert first.state == "cancelled"
    retry = client.post(act, {"action": "sign"})
    assert retry.status_code == 202
    old = _run_tool(_link(live_server, page.context["token"]), tool)
    assert old["status"] == 410
    assert old["body"]["code"] == "signature_request_cancelled"
    new = _run_tool(_link(live_server, retry.context["token"]), tool)
    assert new["status"] == 200, new
    document.refresh_from_db()
    assert document.status == Status.SIGNED


def test_the_one_click_sign_never_signs_without_the_tool(tool, office):
    # given a signer whose key is outside the server (and no key file on it)
    document = _awaiting(office)
    from workflow.actions import perform

    # when the flow is asked to sign directly (the API, the bulk action)
    with pytest.raises(remote.SignsElsewhere):
        perform(document=document, actor=office.head, action="sign")

    # then nothing moved
    _unchanged(document, office)


def test_an_unknown_token_is_404_and_the_endpoint_needs_no_session(tool, office, client):
    response = client.get(reverse("workflow:signature-request", args=["nope"]))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.postgres
def test_while_waiting_the_document_row_is_not_locked(tool, office):
    # given a waiting request
    document = _awaiting(office)
    signature_requests.start(document=document, actor=office.head)
    # then anyone may lock the document row at once (nothing holds it)
    from django.db import transaction

    with transaction.atomic():
        assert Document.objects.select_for_update(nowait=True).get(pk=document.pk).pk == document.pk
    tasks = open_tasks(process_of(document), ["sign"])
    assert [t.status for t in tasks] == [t.status for t in tasks if t.status in OPEN]


def test_with_a_tsa_the_tools_signature_carries_a_timestamp(live_server, tool, office, trust_roots, tsa):  # noqa: F811
    # given a TSA configured, and a plan awaiting the head's signature made in the desktop tool
    document = _awaiting(office)
    started = signature_requests.start(document=document, actor=office.head)

    # when the tool signs through the one-time link (its CMS has no timestamp of its own)
    answer = _run_tool(_link(live_server, started.token), tool)

    # then the server added the TSA's token over the signature before embedding it, as for the keys it holds
    assert answer["status"] == 200, answer
    signed = Document.objects.get(pk=document.pk).artifacts.get(kind=ArtifactKind.SIGNED).read()
    (signer,) = verify_pdf(signed, trust_roots=[*trust_roots, tsa.root]).signatures
    assert signer.valid
    assert signer.intact
    assert signer.signing_time_source == "timestamp"
    assert signer.timestamp_authority


@pytest.mark.parametrize("last", [b"\n", b" ", b"\t", b"\r", b"\x0b", b"\x0c"])
def test_a_der_answer_ending_in_a_whitespace_byte_is_kept_whole(last: bytes) -> None:
    # given a DER answer whose last byte is also a whitespace character (1 signature in ~40 ends so)
    import base64

    der = b"\x30\x82\x01\x00" + bytes(range(256))[:-7] + b"\x00\x01" + last
    # then raw DER is taken byte for byte, and its PEM and base64 forms decode to the same bytes
    assert remote.decode_signature(der) == der
    pem = b"-----BEGIN PKCS7-----\n" + base64.encodebytes(der) + b"-----END PKCS7-----\n"
    assert remote.decode_signature(pem) == der
    assert remote.decode_signature(base64.b64encode(der) + b"\n") == der
