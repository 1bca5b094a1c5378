"""Only the API of this package, for schema validation (other apps' endpoints are judged elsewhere)."""

from django.urls import include, path

urlpatterns = [path("api/", include("config.api_urls"))]
