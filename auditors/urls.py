from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from auditors import views

app_name = "auditors"

urlpatterns = [
    path("audit/documents/", views.documents, name="documents"),
    path("audit/documents/<id:pk>/", views.trail, name="trail"),
    path("audit/documents/<id:pk>/certificate/", views.certificate, name="certificate"),
    path("audit/log/", views.log, name="log"),
    path("audit/chain/", views.chain, name="chain"),
    path("audit/verify/<uuid:certificate_id>/<str:digest>/", views.verify, name="verify"),
]
