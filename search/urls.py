from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from search import api, views

app_name = "search"

urlpatterns: list = [
    path("search/", views.search, name="search"),
    path("search/saved/", views.saved_save, name="saved-save"),
    path("search/saved/<id:pk>/delete/", views.saved_delete, name="saved-delete"),
    path("dashboard/", views.dashboard, name="dashboard"),
    # Under /api/ like the rest of the JSON API (config/api_urls.py), kept here with the app it serves.
    path("api/search/", api.SearchApi.as_view(), name="api"),
]
