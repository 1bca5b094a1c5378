from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.centre, name="centre"),
    path("notifications/<id:pk>/open/", views.open_notification, name="open"),
    path("notifications/read/", views.mark_read, name="read"),
    path("notifications/read-all/", views.mark_all_read, name="read-all"),
]
