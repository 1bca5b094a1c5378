"""Registration and issue, by the clerk: the number and date, then one delivery per recipient line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from documents import blobs
from documents.dates import vn_now
from documents.distribution import write_deliveries
from documents.errors import ValidationFailed
from documents.locks import last, lock_document
from documents.models import ArtifactKind, Attachment, AttachmentCopy, AttachmentKind, Document
from documents.numbering import allocate_number, format_code
from documents.reporting import on_issue as reporting_on_issue
from documents.services._common import _finish, _require, _save, _store_artifact, _transition
from documents.services.sending import schedule_outside_emails, write_filed_copies
from organizations.models import Role
from organizations.selectors import has_role


def _require_clerk(document: Document, actor: Any) -> None:
    _require(
        has_role(user=actor, organization_id=document.organization_id, roles=(Role.CLERK,)),
        "Chỉ văn thư của cơ quan ban hành mới được thực hiện thao tác này.",
    )


@transaction.atomic
def document_register(*, document: Document, actor: Any) -> Document:
    """The clerk gives the number and date. The counter is locked last and held only until commit.

    The number, the fields that show it and the audit event are the tail handed to `documents.locks.last`:
    on its own the service runs it at its end; inside a flow step (workflow.actions) it runs after the flow's
    task rows and deadlines, so in both paths nothing but that tail follows the counter's lock.
    """
    document = lock_document(document.pk)
    _require_clerk(document, actor)
    from_state = _transition(document, "register_number")
    if document.signed_version_id is None or document.signed_version_id != document.current_version_id:
        raise ValidationFailed("Văn bản chưa có bản đã ký hợp lệ.")
    now = vn_now()
    document.number_year = now.year
    document.issue_date = now.date()
    document.registered_at = now
    dated = ["number_year", "issue_date", "registered_at"]
    # Read now what the tail needs (a unit's abbreviation for the code, the version for the audit), not under the lock.
    format_code(document, None)
    _ = document.current_version

    def tail() -> None:
        document.number = allocate_number(
            organization_id=document.organization_id, register=document.register, year=now.year
        )
        document.code = format_code(document, document.number)
        # One UPDATE for the new state, the date and the number, after the counter: inside a flow step nothing reads
        # the row from the database before the tail (the flow is handed this instance: workflow.flows.moving_on_from).
        # A save, not a QuerySet.update: the search entry follows the code (search.indexing, post_save).
        _save(document, [*dated, "number", "code"])
        _finish(
            document,
            actor=actor,
            action="document.register",
            event="document_registered",
            from_state=from_state,
            details={
                "number": document.number,
                "code": document.code,
                "register": document.register,
                "issue_date": document.issue_date.isoformat(),
            },
        )

    last(tail)
    return document


def _store_attachment_copies(document: Document, attachment_pdfs: Mapping[int, bytes]) -> list[dict[str, Any]]:
    """One signed copy per PDF attachment of the draft: exactly that set, or nothing (a partial set would leave a
    file unsigned without anyone saying so)."""
    expected = set(
        Attachment.objects.filter(document=document, step="", kind=AttachmentKind.PDF).values_list("pk", flat=True)
    )
    if set(attachment_pdfs) != expected:
        raise ValidationFailed(
            "Các bản ký số của tệp đính kèm không khớp các tệp PDF đính kèm của văn bản; vui lòng phát hành lại.",
            details={"expected": sorted(expected), "given": sorted(attachment_pdfs)},
        )
    stored = []
    for attachment_id in sorted(attachment_pdfs):
        pdf = attachment_pdfs[attachment_id]
        digest = blobs.put(pdf)  # the file first: a rollback leaves only an unreferenced file (documents.blobs)
        AttachmentCopy.objects.create(attachment_id=attachment_id, sha256=digest)
        stored.append({"attachment": attachment_id, "sha256": digest})
    return stored


@transaction.atomic
def document_issue(
    *,
    document: Document,
    actor: Any,
    issued_pdf: bytes | None = None,
    attachment_pdfs: Mapping[int, bytes] | None = None,
) -> Document:
    """The clerk sends it: one Delivery per addressee of the "Nơi nhận" lines, groups expanded
    (documents.distribution); the issued PDF is what recipients get, with the signed copies of the draft's PDF
    attachments (`attachment_pdfs`: {attachment id: PDF}, signing.services.prepare_attachment_seals)."""
    document = lock_document(document.pk)
    _require_clerk(document, actor)
    from_state = _transition(document, "issue")
    now = vn_now()
    document.issued_at = now
    details: dict[str, Any] = {"deliveries": write_deliveries(document=document, now=now, actor=actor)}
    details |= reporting_on_issue(document=document, now=now)  # obligations opened, and the one a report pays
    # The "Lưu:" copies, and the outside bodies reached by e-mail (sent after commit, never under the lock).
    filed = write_filed_copies(document=document, now=now)
    if filed:
        details["filed"] = [copy.label for copy in filed]
    if emailed := schedule_outside_emails(document=document, actor=actor):
        details["emailed"] = emailed
    if issued_pdf is not None:
        details["pdf_sha256"] = _store_artifact(document, ArtifactKind.ISSUED, issued_pdf)
    if attachment_pdfs is not None and (copies := _store_attachment_copies(document, attachment_pdfs)):
        details["attachments"] = copies
    _save(document, ["issued_at"])
    return _finish(
        document, actor=actor, action="document.issue", event="document_issued", from_state=from_state, details=details
    )
