"""The project's URLs plus the API, whether or not config.urls already includes it."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

_included = any(getattr(p, "urlconf_name", None) == "config.api_urls" for p in project_urlpatterns)
urlpatterns = [*project_urlpatterns] if _included else [path("api/", include("config.api_urls")), *project_urlpatterns]
