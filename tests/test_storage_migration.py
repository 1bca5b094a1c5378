"""documents/0020 moves today's bytes out of the tables: rows written in the old schema (0019) read back, checked,
from the "documents" storage after migrating forward; and the way back puts them into the columns again."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from documents import blobs
from documents.errors import IntegrityFailed
from documents.models import Attachment, AttachmentCopy, DocumentArtifact
from tests.factories import Office, make_draft

BEFORE = [("documents", "0019_signed_attachments")]
AFTER = [("documents", "0020_blobs_out_of_db")]


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_the_bytes_to_storage_and_back(office: Office, own_documents_storage: Path) -> None:
    document = make_draft(office)
    issued, signed, upload, copy = b"%PDF-1.7 issued", b"%PDF-1.7 signed", b"PK\x03\x04 a sheet", b"%PDF-1.7 copy"
    try:
        old = _migrate(BEFORE)
        artifact = old.get_model("documents", "DocumentArtifact")
        artifact.objects.create(document_id=document.pk, kind="issued", pdf=issued, sha256=_sha(issued))
        # a row already damaged in the database: its bytes no longer match the recorded hash
        artifact.objects.create(document_id=document.pk, kind="signed", pdf=signed + b"!", sha256=_sha(signed))
        attachment = old.get_model("documents", "Attachment").objects.create(
            document_id=document.pk,
            file_name="Bảng.xlsx",
            kind="xlsx",
            size=len(upload),
            sha256=_sha(upload),
            data=upload,
            uploaded_by_id=office.drafter.pk,
        )
        old.get_model("documents", "AttachmentCopy").objects.create(
            attachment_id=attachment.pk, pdf=copy, sha256=_sha(copy)
        )

        _migrate(AFTER)

        assert DocumentArtifact.objects.get(document=document, kind="issued").read() == issued
        assert Attachment.objects.get(pk=attachment.pk).read() == upload
        assert AttachmentCopy.objects.get(attachment_id=attachment.pk).read() == copy
        assert blobs.exists(_sha(signed + b"!"))  # the damaged bytes are kept, under their own hash
        with pytest.raises(IntegrityFailed):
            DocumentArtifact.objects.get(document=document, kind="signed").read()
        columns = {
            c.name for c in connection.introspection.get_table_description(connection.cursor(), "documents_attachment")
        }
        assert "data" not in columns

        DocumentArtifact.objects.filter(document=document, kind="signed").delete()  # the way back checks every hash
        old = _migrate(BEFORE)
        back = old.get_model("documents", "Attachment").objects.get(pk=attachment.pk)
        assert bytes(back.data) == upload
        back_issued = old.get_model("documents", "DocumentArtifact").objects.get(document_id=document.pk)
        assert bytes(back_issued.pdf) == issued
    finally:
        _migrate(AFTER)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
