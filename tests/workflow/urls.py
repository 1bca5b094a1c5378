"""The project's URLs plus the workflow pages, whether or not config/urls.py includes them yet."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *[p for p in project_urlpatterns if getattr(p, "namespace", None) != "workflow"],
    path("", include("workflow.urls")),
]
