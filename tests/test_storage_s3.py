"""The S3 path of documents.blobs against a real S3-compatible HTTP server: moto's (moto[server]), started here on
a free port. django-storages' S3Storage talks to it through boto3 exactly as to production object storage."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from django.conf import settings as django_settings
from django.test import Client, override_settings
from django.urls import reverse
from moto.server import ThreadedMotoServer

from documents import blobs
from documents.models import ArtifactKind
from documents.services.attachments import attachment_add
from signing.verification import verify_pdf
from tests.documents import attachment_files as files
from tests.factories import Office, make_draft
from tests.signing import conftest as signing_fixtures
from tests.signing.helpers import issued_document

# The signing tests' fixtures (keys for the office, its CA as trust root), shared rather than copied.
test_ca = signing_fixtures.test_ca
keystore = signing_fixtures.keystore
office_keys = signing_fixtures.office_keys
trust_roots = signing_fixtures.trust_roots

KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint: str) -> Iterator[Any]:
    """A fresh bucket per test (a tampered object must not meet a later test) and the "documents" storage on it."""
    bucket = f"vanban-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, **KEYS)
    client.create_bucket(Bucket=bucket)
    documents = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": s3_endpoint,
            "region_name": KEYS["region_name"],
            "access_key": KEYS["aws_access_key_id"],
            "secret_key": KEYS["aws_secret_access_key"],
            "default_acl": None,
            "file_overwrite": True,
        },
    }
    with override_settings(STORAGES={**django_settings.STORAGES, "documents": documents}):
        client.bucket = bucket
        yield client


def _keys(s3: Any) -> list[str]:
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=s3.bucket).get("Contents", []))


def test_an_issued_document_lives_in_the_bucket_and_its_page_serves_it_verified(
    s3: Any, office_keys: Office, trust_roots: list
) -> None:
    document = issued_document(office_keys)
    issued = document.artifacts.get(kind=ArtifactKind.ISSUED)
    signed = document.artifacts.get(kind=ArtifactKind.SIGNED)

    assert {blobs.key(issued.sha256), blobs.key(signed.sha256)} <= set(_keys(s3))
    stored = s3.get_object(Bucket=s3.bucket, Key=blobs.key(issued.sha256))["Body"].read()
    client = Client()
    client.force_login(office_keys.clerk)
    answer = client.get(reverse("signing:document-pdf", args=[document.pk]))

    assert answer.status_code == 200
    assert answer.content == stored
    report = verify_pdf(answer.content, trust_roots=trust_roots)
    assert report.ok, report.summary


def test_attachments_round_trip_through_the_bucket(s3: Any, office: Office) -> None:
    document = make_draft(office)
    data = files.docx_bytes()
    attachment = attachment_add(document=document, actor=office.drafter, file_name="Mẫu.docx", data=data)
    assert blobs.key(attachment.sha256) in _keys(s3)

    client = Client()
    client.force_login(office.drafter)
    answer = client.get(reverse("workflow:attachment", args=[document.pk, attachment.pk]))
    assert answer.status_code == 200
    assert answer.content == data

    # the same bytes attached again: one object, two rows
    again = attachment_add(document=document, actor=office.drafter, file_name="Mẫu (2).docx", data=data)
    assert again.sha256 == attachment.sha256
    assert _keys(s3) == [blobs.key(attachment.sha256)]


def test_a_tampered_object_gives_the_clear_error_and_no_bad_bytes(s3: Any, office_keys: Office) -> None:
    document = issued_document(office_keys)
    issued = document.artifacts.get(kind=ArtifactKind.ISSUED)
    forged = b"%PDF-1.7 forged in the bucket"
    s3.put_object(Bucket=s3.bucket, Key=blobs.key(issued.sha256), Body=forged)

    client = Client()
    client.force_login(office_keys.clerk)
    answer = client.get(reverse("signing:document-pdf", args=[document.pk]))
    assert answer.status_code == 500
    assert "không còn nguyên vẹn" in answer.content.decode()
    assert forged not in answer.content

    verify_page = client.get(reverse("signing:document-verify", args=[document.pk]))
    assert verify_page.status_code == 200
    assert "không còn nguyên vẹn" in verify_page.content.decode()


def test_a_deleted_object_is_said_missing(s3: Any, office: Office) -> None:
    document = make_draft(office)
    attachment = attachment_add(document=document, actor=office.drafter, file_name="a.pdf", data=files.pdf_bytes())
    s3.delete_object(Bucket=s3.bucket, Key=blobs.key(attachment.sha256))

    client = Client()
    client.force_login(office.drafter)
    answer = client.get(reverse("workflow:attachment", args=[document.pk, attachment.pk]))
    assert answer.status_code == 500
    assert "không còn trong kho" in answer.content.decode()
