"""documents.blobs on the file system: content-addressed files, checked on every read, never bad bytes served."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from documents import blobs
from documents.blob_sweep import sweep_blobs as call
from documents.errors import IntegrityFailed
from documents.services.attachments import attachment_add
from tests.documents import attachment_files as files
from tests.factories import Office, make_draft


def test_put_stores_under_its_hash_once_and_get_reads_it_back(own_documents_storage: Path) -> None:
    data = b"%PDF-1.7 a plan"
    digest = blobs.put(data)

    assert digest == hashlib.sha256(data).hexdigest()
    path = own_documents_storage / "sha256" / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == data
    assert blobs.get(digest) == data
    written = path.stat().st_mtime_ns
    assert blobs.put(data) == digest  # the same bytes again: nothing rewritten, nothing renamed
    assert path.stat().st_mtime_ns == written
    assert sorted(p.name for p in own_documents_storage.rglob("*") if p.is_file()) == [digest]


def test_a_changed_file_is_refused_loudly_and_never_returned(
    own_documents_storage: Path, caplog: pytest.LogCaptureFixture
) -> None:
    digest = blobs.put(b"%PDF-1.7 the original")
    (own_documents_storage / blobs.key(digest)).write_bytes(b"%PDF-1.7 forged")

    with caplog.at_level(logging.CRITICAL, logger="documents.blobs"), pytest.raises(IntegrityFailed) as raised:
        blobs.get(digest)

    assert "không còn nguyên vẹn" in raised.value.message
    assert raised.value.http_status == 500
    assert any(r.levelno == logging.CRITICAL and digest in r.getMessage() for r in caplog.records)


def test_a_missing_file_is_an_integrity_failure_too(own_documents_storage: Path) -> None:
    with pytest.raises(IntegrityFailed) as raised:
        blobs.get("0" * 64)
    assert "không còn trong kho" in raised.value.message


@pytest.mark.parametrize("bad", ["", "../../etc/passwd", "A" * 64, "0" * 63])
def test_only_a_sha256_names_a_file(bad: str) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        blobs.key(bad)


def test_tests_store_outside_the_repository() -> None:
    location = Path(blobs.storage().location).resolve()
    assert not location.is_relative_to(Path(settings.BASE_DIR).resolve())


def test_a_tampered_attachment_download_says_so_in_vietnamese_without_the_bytes(
    office: Office, own_documents_storage: Path
) -> None:
    document = make_draft(office)
    data = files.pdf_bytes()
    attachment = attachment_add(document=document, actor=office.drafter, file_name="Phụ lục.pdf", data=data)
    client = Client()
    client.force_login(office.drafter)
    url = reverse("workflow:attachment", args=[document.pk, attachment.pk])
    assert client.get(url).content == data

    forged = b"%PDF-1.7 forged " + b"x" * 64
    (own_documents_storage / blobs.key(attachment.sha256)).write_bytes(forged)
    answer = client.get(url)

    assert answer.status_code == 500
    assert answer["Content-Type"].startswith("text/html")
    assert "không còn nguyên vẹn" in answer.content.decode()
    assert forged not in answer.content


def test_the_sweep_removes_old_unreferenced_files_only(office: Office, own_documents_storage: Path) -> None:
    document = make_draft(office)
    pdf = files.pdf_bytes()
    kept = attachment_add(document=document, actor=office.drafter, file_name="a.pdf", data=pdf)
    orphan, young = blobs.put(b"left by a rolled-back transaction"), blobs.put(b"a transaction still running")
    removed = attachment_add(document=document, actor=office.drafter, file_name="b.docx", data=files.docx_bytes())
    removed.delete()  # the row goes, its file stays until the sweep
    two_days_ago = time.time() - 2 * 86400
    for sha256 in (kept.sha256, orphan, removed.sha256):
        os.utime(own_documents_storage / blobs.key(sha256), (two_days_ago, two_days_ago))

    dry = call(dry_run=True)
    assert sorted(dry.removed) == sorted([orphan, removed.sha256])
    assert blobs.exists(orphan)

    report = call()
    assert sorted(report.removed) == sorted([orphan, removed.sha256])
    assert (report.kept_referenced, report.kept_young) == (1, 1)
    assert not blobs.exists(orphan)
    assert not blobs.exists(removed.sha256)
    assert blobs.exists(young)
    assert kept.read() == pdf
