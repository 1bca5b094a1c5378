from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from records import views

app_name = "records"

urlpatterns = [
    path("registers/", views.register_page, name="registers"),
    path("registers/<slug:register>/", views.register_page, name="register"),
    path("registers/<slug:register>/export.xlsx", views.register_xlsx, name="register-xlsx"),
    path("registers/<slug:register>/export.pdf", views.register_pdf, name="register-pdf"),
    path("dossiers/", views.dossiers, name="dossiers"),
    path("dossiers/new/", views.dossier_new, name="dossier-new"),
    path("dossiers/<id:pk>/", views.dossier_page, name="dossier"),
    path("dossiers/<id:pk>/edit/", views.dossier_edit, name="dossier-edit"),
    path("dossiers/<id:pk>/export.pdf", views.dossier_export, name="dossier-export"),
    path("dossiers/<id:pk>/<slug:action>/", views.dossier_act, name="dossier-act"),
    path("documents/<id:pk>/dossiers/", views.document_dossiers, name="document-dossiers"),
]
