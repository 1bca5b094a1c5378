from django.urls import path

from notifications.api import NotificationListApi, NotificationMarkAllReadApi, NotificationMarkReadApi

app_name = "notifications-api"
urlpatterns = [
    path("", NotificationListApi.as_view(), name="list"),
    path("read/", NotificationMarkReadApi.as_view(), name="mark-read"),
    path("read-all/", NotificationMarkAllReadApi.as_view(), name="mark-all-read"),
]
