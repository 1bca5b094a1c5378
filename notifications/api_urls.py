from django.urls import path

from notifications.api import NotificationListApi, NotificationMarkReadApi

app_name = "notifications-api"
urlpatterns = [
    path("", NotificationListApi.as_view(), name="list"),
    path("read/", NotificationMarkReadApi.as_view(), name="mark-read"),
]
