from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from personal import views

app_name = "personal"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/absences/", views.absence_add, name="absence-add"),
    path("me/absences/<id:pk>/cancel/", views.absence_cancel, name="absence-cancel"),
    path("me/delegations/", views.delegation_add, name="delegation-add"),
    path("me/delegations/<id:pk>/end/", views.delegation_end, name="delegation-end"),
    path("me/signature-image/", views.signature_image_upload, name="signature-image-upload"),
    path("me/signature-image.png", views.signature_image, name="signature-image"),
]
