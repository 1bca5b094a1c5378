"""Documents API and inbox, mounted under /api/ by config.api_urls (paths below are relative to it)."""

from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from workflow.api import (
    ACTIONS,
    BULK_ACTIONS,
    DocumentActionApi,
    DocumentBulkActionApi,
    DocumentDeliveriesApi,
    DocumentDetailApi,
    DocumentGrantApi,
    DocumentHistoryApi,
    DocumentListApi,
    DocumentRemindApi,
    DocumentTypeListApi,
)
from workflow.api_links import urlpatterns as links_urlpatterns

app_name = "documents-api"
urlpatterns = [
    path("documents/", DocumentListApi.as_view(), name="list"),
    path("documents/<id:pk>/", DocumentDetailApi.as_view(), name="detail"),
    path("documents/<id:pk>/history/", DocumentHistoryApi.as_view(), name="history"),
    path("documents/<id:pk>/grants/", DocumentGrantApi.as_view(), name="grants"),
    path("documents/<id:pk>/deliveries/", DocumentDeliveriesApi.as_view(), name="deliveries"),
    path("documents/<id:pk>/remind/", DocumentRemindApi.as_view(), name="remind"),
    *[
        path(f"documents/<id:pk>/{action}/", DocumentActionApi.as_view(action_name=action), name=action)
        for action in ACTIONS
    ],
    *[
        path(f"documents/bulk/{action}/", DocumentBulkActionApi.as_view(action_name=action), name=f"bulk-{action}")
        for action in BULK_ACTIONS
    ],
    path("document-types/", DocumentTypeListApi.as_view(), name="types"),
    *links_urlpatterns,  # cascade, reporting duties and status, drafts from arrivals, corrections
]
