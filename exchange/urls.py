from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from exchange import views

app_name = "exchange"

urlpatterns = [
    path("exchange/packets/", views.packets, name="packets"),
    path("exchange/packets/<id:pk>/raw/", views.raw, name="raw"),
]
