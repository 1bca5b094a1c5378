"""Remote signing over the Cloud Signature Consortium API, against a real CSC test server (certomancer-csc-dummy)
started by the test: the request waits, the Celery task (eager here) asks the service, and the step completes
only with a valid signature by the registered certificate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from documents.models import ArtifactKind, Status
from signing.models import SignatureRequest, SigningCredential
from signing.verification import load_trust_roots, verify_pdf
from tests.factories import Office, advance_routed, make_draft
from tests.signing.credentials_helpers import register
from tests.signing.csc.server import CscServer, csc_server
from workflow.actions import open_tasks, process_of


@pytest.fixture(scope="module")
def csc(tmp_path_factory) -> Iterator[CscServer]:
    with csc_server(tmp_path_factory.mktemp("csc")) as server:
        if server is None:
            pytest.skip("certomancer-csc-dummy is not installed (requirements-dev.txt)")
        yield server


@pytest.fixture
def csc_signer(csc: CscServer, keystore: Path, office: Office, settings) -> CscServer:
    # the service's test PKI names its signer "Người ký từ xa": the directory wants the person's own name
    office.head.full_name = "Người ký từ xa"
    office.head.save(update_fields=["full_name"])
    register(
        backend="csc",
        der=csc.signer_certificate.dump(),
        user=office.head,
        settings_json={"service_url": csc.url, "credential_id": csc.credential_id},
    )
    settings.SIGNING_TRUST_ROOTS = [str(keystore / "ca.pem"), str(csc.root_pem)]
    return csc


def test_the_csc_service_signs_and_the_step_completes(csc_signer, office, client, django_capture_on_commit_callbacks):
    # given a plan awaiting the head's signature, the head's key with a remote signing service
    document = advance_routed(make_draft(office, signer=office.head), office, to="awaiting_signature")
    client.force_login(office.head)

    # when the head signs from the sign page: the request waits, then the task asks the service
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workflow:act", args=[document.pk]), {"action": "sign"})

    # then the step is done with a PDF signed by the service with the registered certificate
    assert response.status_code in (200, 202, 302)
    request = SignatureRequest.objects.get(document=document)
    assert request.state == "completed", request.reason
    document.refresh_from_db()
    assert document.status == Status.SIGNED
    assert not open_tasks(process_of(document), ["sign"])
    report = verify_pdf(document.artifacts.get(kind=ArtifactKind.SIGNED).read(), trust_roots=load_trust_roots())
    (signature,) = report.signatures
    assert signature.intact
    assert signature.valid
    assert signature.trusted
    assert signature.certifying
    assert signature.signer_name == "Người ký từ xa"


def test_a_service_with_another_certificate_is_refused(csc_signer, office, settings, test_ca, client):
    # given the directory names a certificate the service's credential does not hold
    from tests.signing.conftest import as_trust_root

    SigningCredential.objects.filter(user=office.head).update(certificate_der=as_trust_root(test_ca).dump())
    document = advance_routed(make_draft(office, signer=office.head), office, to="awaiting_signature")
    from signing.remote import complete_remote
    from workflow import signature_requests

    started = signature_requests.start(document=document, actor=office.head)

    # when the wait is completed
    from signing.remote import SignatureRefused

    with pytest.raises(SignatureRefused):
        complete_remote(started.request.pk)

    # then refused, nothing changed
    started.request.refresh_from_db()
    assert started.request.state == "refused"
    document.refresh_from_db()
    assert document.status == Status.AWAITING_SIGNATURE
    assert not document.artifacts.filter(kind=ArtifactKind.SIGNED).exists()
