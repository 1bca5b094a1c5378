"""The URL lines the project's config/urls.py includes for this app, so its views can be tested alone."""

from django.urls import include, path

urlpatterns = [
    path("", include("config.urls")),
    path("", include("signing.urls")),
    path("api/signing/", include("signing.api_urls")),
]
