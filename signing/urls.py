from django.urls import path

from signing import views

app_name = "signing"

urlpatterns = [
    path("verify/", views.verify_view, name="verify"),
    path("documents/<int:pk>/", views.document_view, name="document"),
    path("documents/<int:pk>/pdf", views.document_pdf, name="document-pdf"),
    path("import/", views.import_view, name="import"),
]
