"""The directory as JSON, read-only: organizations, units, people and their posts.

Every signed-in user may read it (it is what a "Nơi nhận" list and a reviewer picker are built from).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiErrorsMixin, Pagination, id_field, paginated
from core.errors import NotFound
from organizations.models import Membership, Organ, Organization, Role, Unit
from organizations.selectors import organ_search, recipient_choices


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {name: value for name, value in serializer.validated_data.items() if value not in (None, "")}


class UnitOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "organization", "name", "abbreviation"]


class OrganizationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = [
            "id",
            "parent",
            "name",
            "parent_line_name",
            "abbreviation",
            "place_name",
            "organ_code",
            "head_title",
            "collective_name",
        ]


class OrganizationListApi(ApiErrorsMixin, APIView):
    pagination_class = Pagination
    OutputSerializer = OrganizationOutputSerializer

    @extend_schema_serializer(component_name="OrganizationListFilter")
    class FilterSerializer(serializers.Serializer):
        parent = id_field(required=False)
        q = serializers.CharField(required=False, max_length=100, help_text="Tìm theo tên cơ quan.")

    @extend_schema(parameters=[FilterSerializer], responses={200: OrganizationOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = _query(self.FilterSerializer, request)
        organizations = Organization.objects.order_by("name", "id")
        if "parent" in filters:
            organizations = organizations.filter(parent_id=filters["parent"])
        if "q" in filters:
            organizations = organizations.filter(name__icontains=filters["q"])
        return paginated(self, request, organizations, self.OutputSerializer)


class OrganizationDetailApi(ApiErrorsMixin, APIView):
    @extend_schema_serializer(component_name="OrganizationDetailOutput")
    class OutputSerializer(OrganizationOutputSerializer):
        units = UnitOutputSerializer(many=True)

        class Meta(OrganizationOutputSerializer.Meta):
            fields = [*OrganizationOutputSerializer.Meta.fields, "units"]

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request: Request, pk: int) -> Response:
        organization = Organization.objects.prefetch_related("units").filter(pk=pk).first()
        if organization is None:
            raise NotFound("Không tìm thấy cơ quan.")
        return Response(self.OutputSerializer(organization).data)


class UnitListApi(ApiErrorsMixin, APIView):
    pagination_class = Pagination
    OutputSerializer = UnitOutputSerializer

    @extend_schema_serializer(component_name="UnitListFilter")
    class FilterSerializer(serializers.Serializer):
        organization = id_field(required=False)

    @extend_schema(parameters=[FilterSerializer], responses={200: UnitOutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = _query(self.FilterSerializer, request)
        units = Unit.objects.order_by("organization_id", "name", "id")
        if "organization" in filters:
            units = units.filter(organization_id=filters["organization"])
        return paginated(self, request, units, self.OutputSerializer)


class MembershipListApi(ApiErrorsMixin, APIView):
    """People and their posts (active ones): who heads, who deputises, who is the clerk."""

    pagination_class = Pagination

    @extend_schema_serializer(component_name="MembershipListFilter")
    class FilterSerializer(serializers.Serializer):
        organization = id_field(required=False)
        unit = id_field(required=False)
        role = serializers.ChoiceField(choices=Role.choices, required=False)

    @extend_schema_serializer(component_name="MembershipListOutput")
    class OutputSerializer(serializers.ModelSerializer):
        user = serializers.IntegerField(source="user_id")
        full_name = serializers.CharField(source="user.display_name")
        role_display = serializers.CharField(source="get_role_display")
        unit = serializers.CharField(source="unit.abbreviation", default=None, allow_null=True)

        class Meta:
            model = Membership
            fields = ["id", "user", "full_name", "organization", "unit", "role", "role_display", "post_title"]

    @extend_schema(parameters=[FilterSerializer], responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = _query(self.FilterSerializer, request)
        memberships = Membership.objects.filter(is_active=True).select_related("user", "unit")
        if "organization" in filters:
            memberships = memberships.filter(organization_id=filters["organization"])
        if "unit" in filters:
            memberships = memberships.filter(unit_id=filters["unit"])
        if "role" in filters:
            memberships = memberships.filter(role=filters["role"])
        return paginated(self, request, memberships.order_by("organization_id", "role", "id"), self.OutputSerializer)


class RecipientChoicesApi(ApiErrorsMixin, APIView):
    """GET /organizations/{id}/recipient-choices/ — what a drafter of this organization may pick for a "Nơi nhận"
    line: its named groups, the other organizations, its units, its active people (organizations.selectors)."""

    @extend_schema_serializer(component_name="RecipientChoicesOutput")
    class OutputSerializer(serializers.Serializer):
        groups = inline_serializer(
            "RecipientChoiceGroup",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "rule": serializers.CharField(),
                "member_kind": serializers.CharField(),
            },
            many=True,
        )
        organizations = inline_serializer(
            "RecipientChoiceOrganization",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(source="__str__"),
                "abbreviation": serializers.CharField(),
                "kind": serializers.CharField(),
                "parent": serializers.IntegerField(source="parent_id", allow_null=True),
            },
            many=True,
        )
        units = inline_serializer(
            "RecipientChoiceUnit",
            {
                "id": serializers.IntegerField(),
                "name": serializers.CharField(),
                "abbreviation": serializers.CharField(),
            },
            many=True,
        )
        people = inline_serializer(
            "RecipientChoicePerson",
            {
                "id": serializers.IntegerField(source="user_id"),
                "name": serializers.CharField(source="user.display_name"),
                "post_title": serializers.CharField(),
                "unit": serializers.CharField(source="unit.abbreviation", default=None, allow_null=True),
            },
            many=True,
        )

    @extend_schema(responses={200: OutputSerializer, 404: OpenApiResponse(description="not_found")})
    def get(self, request: Request, pk: int) -> Response:
        organization = Organization.objects.filter(pk=pk).first()
        if organization is None:
            raise NotFound("Không tìm thấy cơ quan.")
        return Response(self.OutputSerializer(recipient_choices(organization)).data)


class OrganListApi(ApiErrorsMixin, APIView):
    """GET /organs/?q= — the national directory of organ codes (organizations.Organ), searched by code or name, for
    the "Nơi nhận" lines of bodies outside the system. Paginated; every signed-in user may read it."""

    pagination_class = Pagination

    @extend_schema_serializer(component_name="OrganListFilter")
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, max_length=100, help_text="Mã định danh (đầu mã) hoặc tên cơ quan, viết tắt được."
        )

    @extend_schema_serializer(component_name="OrganOutput")
    class OutputSerializer(serializers.ModelSerializer):
        parent = serializers.IntegerField(source="parent_id", allow_null=True)

        class Meta:
            model = Organ
            fields = ["id", "code", "new_code", "name", "parent_code", "parent", "level"]

    @extend_schema(parameters=[FilterSerializer], responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        filters = _query(self.FilterSerializer, request)
        return paginated(self, request, organ_search(q=filters.get("q", "")), self.OutputSerializer)
