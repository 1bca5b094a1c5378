"""GET /api/search/ — the search page as JSON: the same selector (the one visibility rule), the same ranking,
errors in the `{code, message, details}` shape of core.api."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiErrorsMixin, Pagination, id_field, paginated
from documents.models import Document, Status
from search.selectors import MAX_QUERY_LENGTH, SearchQuery, search_documents
from workflow.paging import CappedPaginator


class SearchPagination(Pagination):
    """The core pagination with the search's capped count: `count` stops at 1,000 and `count_capped` says so."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = bool(getattr(self.page.paginator, "capped", False))
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {"type": "boolean"}
        return schema


@extend_schema_serializer(component_name="SearchResult")
class SearchResultSerializer(serializers.ModelSerializer):
    doc_type = serializers.CharField(source="doc_type.name")
    organization = serializers.IntegerField(source="organization_id")
    organization_name = serializers.CharField(source="organization.name")
    exact_code = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "code",
            "subject",
            "doc_type",
            "organization",
            "organization_name",
            "issue_date",
            "status",
            "origin",
            "confidentiality",
            "exact_code",
            "rank",
        ]

    def get_exact_code(self, document: Document) -> bool:
        return bool(getattr(document, "exact_code", False))

    def get_rank(self, document: Document) -> float | None:
        rank = getattr(document, "rank", None)
        return round(rank, 4) if rank is not None else None


class SearchApi(ApiErrorsMixin, APIView):
    """Documents the person may read, by code (exact first), trích yếu and body (accents ignored), with filters."""

    pagination_class = SearchPagination

    @extend_schema_serializer(component_name="SearchFilter")
    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False,
            allow_blank=True,
            max_length=MAX_QUERY_LENGTH,
            error_messages={"max_length": f"Từ khóa quá dài: tối đa {MAX_QUERY_LENGTH} ký tự."},
        )
        organization = id_field(required=False)
        doc_type = serializers.SlugField(required=False, max_length=40)
        status = serializers.ChoiceField(choices=Status.choices, required=False)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)

        def validate_q(self, value: str) -> str:
            if "\x00" in value:
                raise serializers.ValidationError("Từ khóa chứa ký tự không hợp lệ.")
            return " ".join(value.split())

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            start, end = attrs.get("date_from"), attrs.get("date_to")
            if start and end and start > end:
                raise serializers.ValidationError({"date_to": "Ngày kết thúc phải sau ngày bắt đầu."})
            return attrs

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: SearchResultSerializer(many=True), 400: OpenApiResponse(description="validation_error")},
    )
    def get(self, request: Request) -> Response:
        serializer = self.FilterSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        query = SearchQuery(
            q=data.get("q", ""),
            organization_id=data.get("organization"),
            doc_type=data.get("doc_type", ""),
            status=data.get("status", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
        if query.is_empty:
            return paginated(self, request, Document.objects.none(), SearchResultSerializer)
        return paginated(self, request, search_documents(user=request.user, query=query), SearchResultSerializer)
