"""The JSON API of links between documents (docs/api.md): the cascade, reporting duties and their status, and
drafts made from an arrival or from an issued document. Thin views; documents.services decide, documents.selectors
read (one visibility rule; a delivery through `delivery_for_member`). Mounted by workflow.api_urls."""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import core.converters  # noqa: F401  (registers <id:…>)
from core.api import ApiErrorsMixin
from core.errors import NotFound
from documents import limits, selectors, services
from documents.models import Delivery, DocumentType, Recurrence, ReplacementKind, ReportingDuty
from workflow.api import ERRORS, DocumentDetailOutputSerializer, DocumentTypeCodeField, visible_or_404
from workflow.links import start_flow

CASCADE_DEPTH = 3


def _delivery_or_404(*, user: Any, pk: int) -> Delivery:
    delivery = selectors.delivery_for_member(user=user, pk=pk)
    if delivery is None:
        raise NotFound("Không tìm thấy văn bản đến.")
    return delivery


def _created(request: Request, document: Any) -> Response:
    shown = visible_or_404(user=request.user, pk=document.pk)
    return Response(DocumentDetailOutputSerializer(shown).data, status=status.HTTP_201_CREATED)


# --- serializers ----------------------------------------------------------------------------------


@extend_schema_serializer(component_name="LinkedDocument")
class LinkNodeSerializer(serializers.Serializer):
    """A linked document as the user may see it: readable → everything below; not readable → issuer, code, date,
    status; Mật and not readable → `secret` only (docs/permissions.md)."""

    id = serializers.IntegerField(allow_null=True)
    readable = serializers.BooleanField()
    secret = serializers.BooleanField()
    issuer = serializers.CharField()
    code = serializers.CharField()
    issue_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_display = serializers.CharField()
    doc_type = serializers.CharField()
    subject = serializers.CharField()


@extend_schema_serializer(component_name="CascadeBranch")
class CascadeBranchSerializer(serializers.Serializer):
    """One recipient organization and what it issued on the basis of the document above; `organization_id` null
    for implementing documents of no addressee, or below a document the user may not read."""

    organization_id = serializers.IntegerField(allow_null=True)
    organization = serializers.CharField()
    delivery_id = serializers.IntegerField(allow_null=True)
    delivery_status = serializers.CharField()
    delivery_status_display = serializers.CharField()
    documents = LinkNodeSerializer(many=True)


@extend_schema_serializer(component_name="CascadeNode")
class CascadeNodeSerializer(LinkNodeSerializer):
    branches = CascadeBranchSerializer(many=True)


# A node's branches hold nodes with branches: declared after both classes exist (drf-spectacular makes it a $ref).
CascadeBranchSerializer._declared_fields["documents"] = CascadeNodeSerializer(many=True)


@extend_schema_serializer(component_name="DocumentLinks")
class DocumentLinksSerializer(serializers.Serializer):
    bases = LinkNodeSerializer(many=True, help_text="Căn cứ: the documents this one is issued on the basis of.")
    implemented_by = LinkNodeSerializer(many=True, help_text="Văn bản triển khai: issued on this one's basis.")
    answers = LinkNodeSerializer(allow_null=True, help_text="Trả lời cho: the document this one reports on.")
    answered_by = LinkNodeSerializer(many=True, help_text="Các báo cáo trả lời.")
    replaces = LinkNodeSerializer(allow_null=True, help_text="The document this one corrects or replaces.")
    replaced_by = LinkNodeSerializer(many=True, help_text="Its corrections and replacements.")


class ReportingDutySerializer(serializers.ModelSerializer):
    recurrence_display = serializers.CharField(source="get_recurrence_display")

    class Meta:
        model = ReportingDuty
        fields = ["id", "description", "due_date", "recurrence", "recurrence_display", "created_at"]


# --- views ----------------------------------------------------------------------------------------


class DocumentCascadeApi(ApiErrorsMixin, APIView):
    """GET /documents/{id}/cascade/ — per recipient organization, the documents issued on this one's basis."""

    @extend_schema(operation_id="documents_cascade", responses={200: CascadeNodeSerializer, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        tree = selectors.cascade_tree(document=document, user=request.user, depth=CASCADE_DEPTH)
        return Response(CascadeNodeSerializer(tree).data)


class DocumentLinksApi(ApiErrorsMixin, APIView):
    """GET /documents/{id}/links/ — căn cứ, replies, corrections both ways, as the user may see them."""

    @extend_schema(operation_id="documents_links", responses={200: DocumentLinksSerializer, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        return Response(DocumentLinksSerializer(selectors.document_links(document=document, user=request.user)).data)


class ReportingDutiesApi(ApiErrorsMixin, APIView):
    """GET the reporting duties a document lays on its recipients; POST one more (its drafter, while a draft)."""

    @extend_schema_serializer(component_name="ReportingDutyInput")
    class InputSerializer(serializers.Serializer):
        description = serializers.CharField(max_length=500)
        due_date = serializers.DateField()
        recurrence = serializers.ChoiceField(choices=Recurrence.choices, default=Recurrence.ONCE)

    @extend_schema(
        operation_id="documents_reporting_duties_list",
        responses={200: ReportingDutySerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        return Response(ReportingDutySerializer(selectors.reporting_duties_of(document=document), many=True).data)

    @extend_schema(
        operation_id="documents_reporting_duties_create",
        request=InputSerializer,
        responses={201: ReportingDutySerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        duty = services.reporting_duty_add(document=document, actor=request.user, **serializer.validated_data)
        return Response(ReportingDutySerializer(duty).data, status=status.HTTP_201_CREATED)


class ReportingStatusApi(ApiErrorsMixin, APIView):
    """GET who owes the document a report, who reported (with what) and who is late."""

    @extend_schema_serializer(component_name="ReportingStatusRow")
    class OutputSerializer(serializers.Serializer):
        duty = serializers.IntegerField(source="duty_id")
        description = serializers.CharField()
        recurrence = serializers.CharField()
        organization_id = serializers.IntegerField()
        organization = serializers.CharField()
        period = serializers.IntegerField()
        due_date = serializers.DateField()
        state = serializers.ChoiceField(choices=["fulfilled", "open", "late"])
        late = serializers.BooleanField()
        fulfilled_by = serializers.SerializerMethodField(help_text="Id of the report, when the user may read it.")
        fulfilled_code = serializers.CharField()
        fulfilled_date = serializers.DateField(allow_null=True)
        fulfilled_at = serializers.DateTimeField(allow_null=True)

        def get_fulfilled_by(self, row: Any) -> int | None:
            return row.fulfilled_by_id if row.readable else None

    @extend_schema(
        operation_id="documents_reporting_status",
        responses={200: OutputSerializer(many=True), 404: ERRORS[404]},
    )
    def get(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        rows = selectors.reporting_status(document=document, user=request.user)
        return Response(self.OutputSerializer(rows, many=True).data)


@extend_schema_serializer(component_name="DraftFromArrivalInput")
class DraftFromArrivalInput(serializers.Serializer):
    doc_type = DocumentTypeCodeField(
        slug_field="code", queryset=DocumentType.objects.all(), required=False, help_text="ke_hoach / bao_cao…"
    )
    subject = serializers.CharField(required=False, max_length=limits.SUBJECT_MAX, help_text="Trích yếu.")


class DeliveryImplementApi(ApiErrorsMixin, APIView):
    """POST /deliveries/{id}/implement/ — a draft of the user's organization on the basis of the accepted arrival
    (căn cứ line written, linked both ways); its flow is started."""

    service = staticmethod(services.draft_on_basis_of)
    default_type = "ke_hoach"

    @extend_schema(request=DraftFromArrivalInput, responses={201: DocumentDetailOutputSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        delivery = _delivery_or_404(user=request.user, pk=pk)
        serializer = DraftFromArrivalInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        doc_type = (
            serializer.validated_data.get("doc_type") or DocumentType.objects.filter(code=self.default_type).first()
        )
        if doc_type is None:
            raise serializers.ValidationError({"doc_type": ["Loại văn bản không hợp lệ."]})
        document = start_flow(
            self.service,
            actor=request.user,
            delivery=delivery,
            doc_type=doc_type,
            subject=serializer.validated_data.get("subject"),
        )
        return _created(request, document)


class DeliveryReplyApi(DeliveryImplementApi):
    """POST /deliveries/{id}/reply/ — a report back to the sender, answering the accepted arrival."""

    service = staticmethod(services.draft_reply)
    default_type = "bao_cao"


class DocumentCorrectApi(ApiErrorsMixin, APIView):
    """POST /documents/{id}/correct/ — a draft correcting (đính chính) or replacing (thay thế) an issued document,
    by its drafter or a leader of the issuing organization."""

    @extend_schema_serializer(component_name="DocumentCorrectInput")
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=ReplacementKind.choices)

    @extend_schema(
        operation_id="documents_correct",
        request=InputSerializer,
        responses={201: DocumentDetailOutputSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = start_flow(
            services.draft_correction, actor=request.user, document=document, kind=serializer.validated_data["kind"]
        )
        return _created(request, correction)


urlpatterns = [
    path("documents/<id:pk>/cascade/", DocumentCascadeApi.as_view(), name="cascade"),
    path("documents/<id:pk>/links/", DocumentLinksApi.as_view(), name="links"),
    path("documents/<id:pk>/reporting-duties/", ReportingDutiesApi.as_view(), name="reporting-duties"),
    path("documents/<id:pk>/reporting-status/", ReportingStatusApi.as_view(), name="reporting-status"),
    path("documents/<id:pk>/correct/", DocumentCorrectApi.as_view(), name="correct"),
    path("deliveries/<id:pk>/implement/", DeliveryImplementApi.as_view(), name="delivery-implement"),
    path("deliveries/<id:pk>/reply/", DeliveryReplyApi.as_view(), name="delivery-reply"),
]
