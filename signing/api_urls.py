from django.urls import path

from signing.api import VerifyApi

app_name = "signing-api"

urlpatterns = [
    path("verify/", VerifyApi.as_view(), name="verify"),
]
