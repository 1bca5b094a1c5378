"""Attachments: a file added to a draft, or to a step (a comment on approve or return with a file), and removed.

The file is checked by its content (documents.attachments) before the document row is locked: parsing a 20 MB PDF
must not hold the lock. Then, in one transaction: who may add (the drafter while it is a draft — the rule of
documents.permissions.check_edit; on a step, the one who holds the step — review.step_holder_id), the document's
total, the row, the audit event.
"""

from __future__ import annotations

import io
from typing import Any

from django.db import transaction
from django.db.models import Sum

from audit.services import record_event
from documents import blobs
from documents.attachments import CheckedFile, check_file, max_document_bytes, megabytes
from documents.errors import InvalidTransition, ValidationFailed
from documents.limits import check_comment
from documents.locks import lock_document
from documents.models import Attachment, AttachmentKind, Document, Status
from documents.permissions import check_edit
from documents.services._common import _require
from documents.services.review import step_holder_id

# The step a comment with a file belongs to, by the state the document is in when it is made.
STEP_OF_STATE = {Status.IN_REVIEW: "review", Status.AWAITING_SIGNATURE: "sign"}


def certification_refusal(pdf: bytes) -> str:
    """Why the organization cannot sign this PDF at issue without breaking a signature already on it, or "".

    One rule for the upload of a draft's file and for the clerk's signature (signing.pades.seal_attachment): a
    certification signature (DocMDP, any level) rejects a new *visible* signature field — pyHanko's difference
    analysis counts it as a change its author did not allow (SigFieldCreationRule) — so the attachment's own
    signature would turn invalid. Approval signatures stay valid: the clerk signs incrementally."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import read_certification_data

    try:
        certified = read_certification_data(PdfFileReader(io.BytesIO(pdf), strict=False))
    except Exception:  # an unreadable file is refused by documents.attachments (upload) or the signer, not here
        return ""
    if certified is None:
        return ""
    return (
        "Tệp PDF đã được chứng thực bằng chữ ký số không cho phép thêm chữ ký: văn thư không ký số được tệp này khi"
        " phát hành mà không làm mất hiệu lực chữ ký đã có. Hãy đính kèm bản chưa chứng thực."
    )


def attachment_add(
    *, document: Document, actor: Any, file_name: str, data: bytes, on_step: bool = False, comment: str = ""
) -> Attachment:
    """Attach `data` to the draft (on_step False: its drafter, while a draft) or to the step the actor holds
    (on_step True: the reviewer in review, the signer awaiting signature). Raises RejectedFile or ValidationFailed
    (400), PermissionDenied (403), InvalidTransition (409)."""
    checked = check_file(data, file_name=file_name)
    check_comment(value=comment)
    if checked.kind == AttachmentKind.PDF and not on_step and (refusal := certification_refusal(data)):
        # The clerk signs the draft's PDFs at issue (signing.pades.seal_attachment); said now, while it can change.
        raise ValidationFailed(refusal, details={"field": "file", "reason": "certified"})
    return _store(document=document, actor=actor, checked=checked, data=data, on_step=on_step, comment=comment)


@transaction.atomic
def _store(
    *, document: Document, actor: Any, checked: CheckedFile, data: bytes, on_step: bool, comment: str
) -> Attachment:
    document = lock_document(document.pk)
    step = ""
    if on_step:
        step = STEP_OF_STATE.get(document.status, "")
        if not step:
            raise InvalidTransition(
                "Văn bản không ở bước duyệt hoặc ký: không gửi ý kiến kèm tệp được.",
                details={"status": document.status},
            )
        _require(step_holder_id(document) == getattr(actor, "pk", None), "Việc này không được giao cho bạn.")
    else:
        check_edit(actor, document)
    used = Attachment.objects.filter(document=document).aggregate(total=Sum("size"))["total"] or 0
    if used + len(data) > max_document_bytes():
        raise ValidationFailed(
            f"Tổng dung lượng tệp đính kèm của văn bản vượt {megabytes(max_document_bytes())}"
            f" (đã dùng {megabytes(used)}).",
            details={"field": "file"},
        )
    attachment = Attachment.objects.create(
        document=document,
        version=document.current_version,
        step=step,
        comment=comment.strip(),
        file_name=checked.file_name,
        kind=checked.kind,
        size=len(data),
        sha256=blobs.put(data),  # the file first: a rollback leaves only an unreferenced file (documents.blobs)
        uploaded_by=actor,
    )
    record_event(
        organization_id=document.organization_id,
        actor=actor,
        action="document.attachment_add",
        obj=document,
        details={
            "attachment": attachment.pk,
            "file_name": attachment.file_name,
            "kind": attachment.kind,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "step": step,
            "version": document.current_version.number if document.current_version else None,
        },
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, actor: Any) -> Document:
    """Take a file off a draft: whoever may edit the draft. A step's file is part of the record and stays."""
    document = lock_document(attachment.document_id)
    if attachment.step:
        raise InvalidTransition("Tệp kèm ý kiến ở một bước xử lý là hồ sơ của bước đó: không gỡ được.")
    check_edit(actor, document)
    details = {"attachment": attachment.pk, "file_name": attachment.file_name, "sha256": attachment.sha256}
    Attachment.objects.filter(pk=attachment.pk).delete()
    record_event(
        organization_id=document.organization_id,
        actor=actor,
        action="document.attachment_remove",
        obj=document,
        details=details,
    )
    return document
