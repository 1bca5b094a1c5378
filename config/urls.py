from django.contrib import admin
from django.urls import include, path

from notifications.preference_views import notification_preferences

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/notifications/", include("notifications.api_urls")),
    path("settings/notifications/", notification_preferences, name="notification-preferences"),
    path("api/signing/", include("signing.api_urls")),
    path("api/", include("config.api_urls")),
    path("", include("notifications.urls")),
    path("", include("signing.urls")),
    path("", include("receiving.urls")),
    path("", include("exchange.urls")),
    path("", include("personal.urls")),
    path("", include("records.urls")),
    path("", include("search.urls")),
    path("", include("auditors.urls")),
    path("", include("workflow.urls")),
]
