from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from workflow import signature_requests, views, views_links, views_versions

app_name = "workflow"

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.bulk, name="bulk"),
    path("flow/documents/new/", views.new_document, name="new"),
    path("flow/documents/<id:pk>/edit/", views.edit_document, name="edit"),
    path("flow/documents/<id:pk>/", views.document_flow, name="document"),
    path("flow/documents/<id:pk>/act/", views.act, name="act"),
    path("flow/documents/<id:pk>/cascade/", views_links.cascade, name="cascade"),
    path("flow/documents/<id:pk>/correct/", views_links.correct, name="correct"),
    path("flow/documents/<id:pk>/reporting-duties/", views_links.add_duty, name="add-duty"),
    path("flow/deliveries/<id:pk>/implement/", views_links.implement, name="implement"),
    path("flow/deliveries/<id:pk>/reply/", views_links.reply, name="reply"),
    path("flow/documents/<id:pk>/remind/", views.remind, name="remind"),
    path("flow/documents/<id:pk>/deliveries/", views.deliveries_fragment, name="deliveries"),
    path("flow/documents/<id:pk>/versions/", views_versions.versions, name="versions"),
    path("flow/documents/<id:pk>/diff/", views_versions.diff, name="diff"),
    path("flow/documents/<id:pk>/attachments/", views_versions.attachment_upload, name="attach"),
    path("flow/documents/<id:pk>/step-comment/", views_versions.step_comment, name="step-comment"),
    path(
        "flow/documents/<id:pk>/attachments/<id:attachment_pk>/",
        views_versions.attachment_download,
        name="attachment",
    ),
    path(
        "flow/documents/<id:pk>/attachments/<id:attachment_pk>/signed/",
        views_versions.attachment_signed_download,
        name="attachment-signed",
    ),
    path(
        "flow/documents/<id:pk>/attachments/<id:attachment_pk>/remove/",
        views_versions.attachment_delete,
        name="attachment-remove",
    ),
    path("flow/tasks/<id:task_pk>/", views.task_detail, name="task"),
    path("flow/tasks/<id:task_pk>/claim/", views.claim, name="claim"),
    path("flow/tasks/<id:task_pk>/reassign/", views.reassign, name="reassign"),
    # Signatures that wait (workflow.signature_requests): the desktop tool's token-authenticated endpoint sits
    # beside signing's API (/api/signing/…), the signer's cancel with the flow's pages.
    path("api/signing/requests/<str:token>/", signature_requests.request_endpoint, name="signature-request"),
    path("flow/signature-requests/<id:pk>/cancel/", signature_requests.cancel_view, name="signature-request-cancel"),
]
