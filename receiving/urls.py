from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from receiving import views

app_name = "receiving"

urlpatterns = [
    path("arrivals/", views.arrivals, name="arrivals"),
    path("arrivals/receive/", views.receive, name="receive"),
    path("arrivals/receive/register/", views.receive_register, name="receive-register"),
    path("arrivals/<id:pk>/", views.arrival, name="arrival"),
    path("arrivals/<id:pk>/<slug:action>/", views.act, name="act"),
    path("incoming/", views.incoming, name="incoming"),
]
