"""The only code that changes a document. One function per use case, each in one transaction:

check permission → FSM transition → side data (version hash, number) → audit event → domain event on commit.

Every function takes the acting user as `actor`, locks the document row (documents.locks) and works on
the locked, fresh row, so a stale instance passed in can never win a race.
"""

from documents.services.closing import document_archive, document_cancel, document_recall
from documents.services.consultation import document_give_opinion, document_request_opinions
from documents.services.delivery import arrival_accept, arrival_refuse, delivery_acknowledge, may_receive
from documents.services.dossiers import (
    dossier_add_document,
    dossier_close,
    dossier_open,
    dossier_remove_document,
    dossier_update,
    may_keep_dossiers,
)
from documents.services.drafting import DRAFTING_ROLES, EDITABLE_FIELDS, document_create, document_update_draft
from documents.services.handling import (
    incoming_assign,
    incoming_finish,
    incoming_forward,
    incoming_start,
    may_handle,
    may_lead,
    recall_agree,
    recall_refuse,
)
from documents.services.links import (
    basis_line,
    draft_correction,
    draft_on_basis_of,
    draft_reply,
    issuer_name,
    may_correct,
    reporting_duty_add,
    reporting_open_periods,
)
from documents.services.registration import document_issue, document_register
from documents.services.review import (
    document_approve,
    document_change_reviewer,
    document_return,
    document_submit,
    document_unit_approve,
)
from documents.services.sending import deliveries_remind, may_remind
from documents.services.signature import document_sign

__all__ = [
    "DRAFTING_ROLES",
    "EDITABLE_FIELDS",
    "arrival_accept",
    "arrival_refuse",
    "basis_line",
    "deliveries_remind",
    "delivery_acknowledge",
    "document_approve",
    "document_archive",
    "document_cancel",
    "document_change_reviewer",
    "document_create",
    "document_give_opinion",
    "document_issue",
    "document_recall",
    "document_register",
    "document_request_opinions",
    "document_return",
    "document_sign",
    "document_submit",
    "document_unit_approve",
    "document_update_draft",
    "dossier_add_document",
    "dossier_close",
    "dossier_open",
    "dossier_remove_document",
    "dossier_update",
    "draft_correction",
    "draft_on_basis_of",
    "draft_reply",
    "incoming_assign",
    "incoming_finish",
    "incoming_forward",
    "incoming_start",
    "issuer_name",
    "may_correct",
    "may_handle",
    "may_keep_dossiers",
    "may_lead",
    "may_receive",
    "may_remind",
    "recall_agree",
    "recall_refuse",
    "reporting_duty_add",
    "reporting_open_periods",
]
