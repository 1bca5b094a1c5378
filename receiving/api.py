"""The receiving side as JSON: the boxes, one delivery with its history, its steps, and the incoming register.

Reading through documents.selectors (the one visibility rule: a delivery the person may not see is a 404),
every step through receiving.actions → documents.services; errors in the `{code, message, details}` shape.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiErrorsMixin, IdRelatedField, Pagination, id_field, paginated
from documents import limits
from documents.dates import vn_today
from documents.errors import NotFound, PermissionDenied
from documents.models import ArrivalCheck, Delivery, DeliveryEvent, IncomingDocument, Register, SignatureVerdict
from documents.selectors import (
    RECEIVING_BOXES,
    delivery_get_for_receiver,
    delivery_history,
    incoming_register,
    receiving_box,
    register_organizations,
)
from organizations.models import Unit, User
from receiving import actions
from workflow.deadlines import deadline_state, open_deadline_of, with_deadlines

ERRORS = {
    400: OpenApiResponse(description="validation_error: dữ liệu không hợp lệ"),
    403: OpenApiResponse(description="permission_denied: không có quyền"),
    404: OpenApiResponse(description="not_found: không có hoặc không được xem"),
    409: OpenApiResponse(description="invalid_transition / concurrent_update: sai trạng thái hoặc vừa bị xử lý"),
}


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


@extend_schema_serializer(component_name="IncomingHandling")
class IncomingSerializer(serializers.ModelSerializer):
    leader = serializers.IntegerField(source="leader_id", allow_null=True)
    assigned_unit = serializers.IntegerField(source="assigned_unit_id", allow_null=True)
    assigned_person = serializers.IntegerField(source="assigned_person_id", allow_null=True)
    supporting_units = serializers.SerializerMethodField()

    class Meta:
        model = IncomingDocument
        fields = [
            "number",
            "year",
            "register",
            "received_at",
            "registered_at",
            "leader",
            "forwarded_at",
            "assigned_unit",
            "assigned_person",
            "supporting_units",
            "directive",
            "handling_deadline",
            "assigned_at",
            "started_at",
            "finished_at",
            "result",
        ]

    def get_supporting_units(self, incoming: IncomingDocument) -> list[int]:
        return sorted(unit.pk for unit in incoming.supporting_units.all())


@extend_schema_serializer(component_name="ArrivalOutput")
class ArrivalSerializer(serializers.ModelSerializer):
    document = serializers.IntegerField(source="document_id")
    code = serializers.CharField(source="document.code")
    subject = serializers.CharField(source="document.subject")
    doc_type = serializers.CharField(source="document.doc_type.name")
    sender = serializers.CharField(source="document.organization.name")
    document_date = serializers.DateField(source="document.issue_date", allow_null=True)
    urgency = serializers.CharField(source="document.urgency")
    confidentiality = serializers.CharField(source="document.confidentiality")
    recipient = serializers.CharField(source="recipient.display_name")
    status_display = serializers.CharField(source="get_status_display")
    exchange_code = serializers.CharField()
    incoming = serializers.SerializerMethodField()
    due_at = serializers.SerializerMethodField(help_text="Hạn của bước đang chờ (tiếp nhận, phân công, xử lý).")
    deadline_state = serializers.SerializerMethodField(help_text="overdue (quá hạn), due_soon (sắp đến hạn) hoặc rỗng.")

    class Meta:
        model = Delivery
        fields = [
            "id",
            "document",
            "code",
            "subject",
            "doc_type",
            "sender",
            "document_date",
            "urgency",
            "confidentiality",
            "kind",
            "recipient",
            "status",
            "status_display",
            "exchange_code",
            "sent_at",
            "status_at",
            "note",
            "incoming",
            "due_at",
            "deadline_state",
        ]

    def get_due_at(self, delivery: Delivery) -> dt.datetime | None:
        return getattr(delivery, "due_at", None)

    def get_deadline_state(self, delivery: Delivery) -> str:
        return deadline_state(
            due_at=getattr(delivery, "due_at", None), remind_at=getattr(delivery, "remind_at", None), now=timezone.now()
        )

    @extend_schema_field(IncomingSerializer(allow_null=True))
    def get_incoming(self, delivery: Delivery) -> dict[str, Any] | None:
        incoming = getattr(delivery, "incoming", None)
        return IncomingSerializer(incoming).data if incoming is not None else None


@extend_schema_serializer(component_name="DeliveryStep")
class DeliveryStepSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None, allow_null=True)
    exchange_code = serializers.CharField()

    class Meta:
        model = DeliveryEvent
        fields = ["status", "exchange_code", "at", "actor", "note"]


@extend_schema_serializer(component_name="ArrivalSigner")
class ArrivalSignerSerializer(serializers.Serializer):
    name = serializers.CharField()
    organization = serializers.CharField()
    signing_time = serializers.DateTimeField(allow_null=True)
    issuer = serializers.CharField(help_text="Tổ chức cấp chứng thư số của người ký.")
    intact = serializers.BooleanField()
    trusted = serializers.BooleanField()
    modification_level = serializers.CharField(allow_null=True)


@extend_schema_serializer(component_name="ArrivalSignatureCheck")
class ArrivalCheckSerializer(serializers.ModelSerializer):
    """The signature check of one PDF of the arrival (signing.arrivals): valid, untrusted, modified, unsigned."""

    verdict = serializers.ChoiceField(choices=SignatureVerdict.choices)
    verdict_display = serializers.CharField(source="get_verdict_display")
    signers = ArrivalSignerSerializer(many=True)

    class Meta:
        model = ArrivalCheck
        fields = ["file_name", "sha256", "verdict", "verdict_display", "reason", "summary", "signers", "checked_at"]


@extend_schema_serializer(component_name="ArrivalDetailOutput")
class ArrivalDetailSerializer(ArrivalSerializer):
    history = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    signature_checks = serializers.SerializerMethodField()

    class Meta(ArrivalSerializer.Meta):
        fields = [*ArrivalSerializer.Meta.fields, "history", "actions", "signature_checks"]

    @extend_schema_field(ArrivalCheckSerializer(many=True))
    def get_signature_checks(self, delivery: Delivery) -> list[dict[str, Any]]:
        return ArrivalCheckSerializer(delivery.document.signature_checks.order_by("pk"), many=True).data

    @extend_schema_field(DeliveryStepSerializer(many=True))
    def get_history(self, delivery: Delivery) -> list[dict[str, Any]]:
        return DeliveryStepSerializer(delivery_history(delivery=delivery), many=True).data

    def get_actions(self, delivery: Delivery) -> list[str]:
        return sorted(actions.available(delivery=delivery, user=self.context["user"]))


def _detail(user: Any, pk: int) -> Delivery:
    delivery = delivery_get_for_receiver(user=user, pk=pk)
    if delivery is None:
        raise NotFound("Không tìm thấy văn bản đến.")
    return delivery


class ArrivalListApi(ApiErrorsMixin, APIView):
    """GET /arrivals/?box= — one box of the person's "Văn bản đến", newest first."""

    pagination_class = Pagination

    @extend_schema_serializer(component_name="ArrivalListFilter")
    class FilterSerializer(serializers.Serializer):
        box = serializers.ChoiceField(choices=RECEIVING_BOXES, required=False, default="arrivals")

    @extend_schema(parameters=[FilterSerializer], responses={200: ArrivalSerializer(many=True), 400: ERRORS[400]})
    def get(self, request: Request) -> Response:
        box = _query(self.FilterSerializer, request)["box"]
        rows = with_deadlines(receiving_box(user=request.user, box=box), box=box)
        return paginated(self, request, rows, ArrivalSerializer)


class ArrivalDetailApi(ApiErrorsMixin, APIView):
    @extend_schema(responses={200: ArrivalDetailSerializer, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        delivery = _detail(request.user, pk)
        delivery.due_at, delivery.remind_at = open_deadline_of(delivery)
        return Response(ArrivalDetailSerializer(delivery, context={"user": request.user}).data)


# --- the steps: one input each --------------------------------------------------------------------------


@extend_schema_serializer(component_name="ArrivalReasonInput")
class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=limits.COMMENT_MAX, help_text="Lý do, bên gửi sẽ nhận được.")


@extend_schema_serializer(component_name="ArrivalForwardInput")
class ForwardInput(serializers.Serializer):
    leader = IdRelatedField(queryset=User.objects.all(), help_text="Người đứng đầu hoặc cấp phó của cơ quan nhận.")


@extend_schema_serializer(component_name="ArrivalAssignInput")
class AssignInput(serializers.Serializer):
    unit = IdRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    person = IdRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    supporting_units = serializers.ListField(
        child=IdRelatedField(queryset=Unit.objects.all()), required=False, default=list, max_length=100
    )
    directive = serializers.CharField(
        max_length=limits.COMMENT_MAX, required=False, allow_blank=True, default="", help_text="Bút phê."
    )
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_serializer(component_name="ArrivalFinishInput")
class FinishInput(serializers.Serializer):
    result = serializers.CharField(max_length=limits.COMMENT_MAX, help_text="Tóm tắt kết quả xử lý.")


INPUTS: dict[str, type[serializers.Serializer] | None] = {
    "accept": None,
    "refuse": ReasonInput,
    "acknowledge": None,
    "forward": ForwardInput,
    "assign": AssignInput,
    "start": None,
    "finish": FinishInput,
    "recall-agree": None,
    "recall-refuse": ReasonInput,
}


def _action_view(action: str) -> type[APIView]:
    """POST /arrivals/{id}/<action>/ with that step's input; answers the delivery as it now stands."""
    input_serializer = INPUTS[action]

    class ArrivalActionApi(ApiErrorsMixin, APIView):
        @extend_schema(
            operation_id=f"arrivals_{action.replace('-', '_')}",
            request=input_serializer,
            responses={200: ArrivalDetailSerializer, **ERRORS},
        )
        def post(self, request: Request, pk: int) -> Response:
            delivery = _detail(request.user, pk)
            params: dict[str, Any] = {}
            if input_serializer is not None:
                serializer = input_serializer(data=request.data)
                serializer.is_valid(raise_exception=True)
                params = dict(serializer.validated_data)
            actions.perform(delivery=delivery, actor=request.user, action=action, **params)
            shown = delivery_get_for_receiver(user=request.user, pk=pk)
            if shown is None:  # given back (15): the person no longer sees it; say what happened, nothing more
                shown = Delivery.objects.select_related("document", "recipient").get(pk=pk)
            return Response(ArrivalDetailSerializer(shown, context={"user": request.user}).data)

    ArrivalActionApi.__name__ = ArrivalActionApi.__qualname__ = f"Arrival{action.title().replace('-', '')}Api"
    return ArrivalActionApi


ACTION_VIEWS = {action: _action_view(action) for action in actions.ACTIONS}


class IncomingRegisterApi(ApiErrorsMixin, APIView):
    """GET /incoming/?year=&register=&organization= — sổ văn bản đến, by incoming number."""

    pagination_class = Pagination

    @extend_schema_serializer(component_name="IncomingRegisterFilter")
    class FilterSerializer(serializers.Serializer):
        organization = id_field(required=False)
        year = serializers.IntegerField(required=False, min_value=1900, max_value=9999)
        register = serializers.ChoiceField(
            choices=(Register.INCOMING, Register.INCOMING_SECRET), required=False, default=Register.INCOMING
        )

    @extend_schema_serializer(component_name="IncomingRegisterRow")
    class OutputSerializer(IncomingSerializer):
        delivery = serializers.IntegerField(source="delivery_id")
        document = serializers.IntegerField(source="delivery.document_id")
        sender_name = serializers.CharField()
        sender_code = serializers.CharField()
        sender_date = serializers.DateField(allow_null=True)
        doc_type = serializers.CharField(source="delivery.document.doc_type.name")
        subject = serializers.CharField(source="delivery.document.subject")
        status = serializers.CharField(source="delivery.status")

        class Meta(IncomingSerializer.Meta):
            fields = [
                "delivery",
                "document",
                *IncomingSerializer.Meta.fields[:4],
                "sender_name",
                "sender_code",
                "sender_date",
                "doc_type",
                "subject",
                "status",
                *IncomingSerializer.Meta.fields[4:],
            ]

    @extend_schema(parameters=[FilterSerializer], responses={200: OutputSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        filters = _query(self.FilterSerializer, request)
        register = filters["register"]
        organizations = register_organizations(user=request.user, register=register)
        if "organization" in filters:
            organization = organizations.filter(pk=filters["organization"]).first()
        else:
            organization = organizations.first()
        if organization is None:
            raise PermissionDenied("Bạn không được xem sổ văn bản đến này.")
        rows = incoming_register(
            user=request.user,
            organization_id=organization.pk,
            year=filters.get("year") or vn_today().year,
            register=register,
        )
        return paginated(self, request, rows, self.OutputSerializer)
