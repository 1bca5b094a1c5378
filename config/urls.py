from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/notifications/", include("notifications.api_urls")),
    path("api/signing/", include("signing.api_urls")),
    path("api/", include("config.api_urls")),
    path("", include("signing.urls")),
    path("", include("receiving.urls")),
    path("", include("workflow.urls")),
]
