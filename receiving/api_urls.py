"""The receiving side's API, mounted under /api/ by config.api_urls."""

from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from receiving.api import ACTION_VIEWS, ArrivalDetailApi, ArrivalListApi, IncomingRegisterApi

app_name = "receiving-api"
urlpatterns = [
    path("arrivals/", ArrivalListApi.as_view(), name="arrivals"),
    path("arrivals/<id:pk>/", ArrivalDetailApi.as_view(), name="arrival"),
    *[path(f"arrivals/<id:pk>/{action}/", view.as_view(), name=action) for action, view in ACTION_VIEWS.items()],
    path("incoming/", IncomingRegisterApi.as_view(), name="incoming"),
]
