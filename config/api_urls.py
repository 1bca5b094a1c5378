"""The JSON API. Included by config.urls as path("api/", include("config.api_urls"))."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from notifications.api_preferences import NotificationPreferencesApi
from workflow.api import InboxApi

urlpatterns = [
    path("", include("workflow.api_urls")),
    path("", include("organizations.api_urls")),
    path("", include("receiving.api_urls")),
    path("inbox/", InboxApi.as_view(), name="api-inbox"),
    path("me/notification-preferences/", NotificationPreferencesApi.as_view(), name="api-notification-preferences"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
