"""The directory, read-only, mounted under /api/ by config.api_urls."""

from django.urls import path

import core.converters  # noqa: F401  (registers <id:…>)
from organizations.api import (
    MembershipListApi,
    OrganizationDetailApi,
    OrganizationListApi,
    OrganListApi,
    RecipientChoicesApi,
    UnitListApi,
)

app_name = "organizations-api"
urlpatterns = [
    path("organizations/", OrganizationListApi.as_view(), name="list"),
    path("organizations/<id:pk>/", OrganizationDetailApi.as_view(), name="detail"),
    path("organizations/<id:pk>/recipient-choices/", RecipientChoicesApi.as_view(), name="recipient-choices"),
    path("units/", UnitListApi.as_view(), name="units"),
    path("memberships/", MembershipListApi.as_view(), name="memberships"),
    path("organs/", OrganListApi.as_view(), name="organs"),
]
