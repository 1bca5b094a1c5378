from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from signing import views

app_name = "signing"

urlpatterns = [
    path("verify/", views.verify_view, name="verify"),
    path("documents/<id:pk>/", views.document_view, name="document"),
    path("documents/<id:pk>/pdf", views.document_pdf, name="document-pdf"),
    path("documents/<id:pk>/verify", views.document_verify, name="document-verify"),
    path("import/", views.import_view, name="import"),
    path("documents/<id:pk>/sign/", views.confirm, name="confirm"),
    path("documents/<id:pk>/sign/pages/<int:number>.png", views.confirm_page, name="confirm-page"),
    path("signature-forms/", views.signature_forms, name="signature-forms"),
]
