"""The JSON API of documents and inboxes: thin views, nested Input/Output serializers.

It sits beside the flow (interfaces layer): lifecycle steps go through workflow.actions, inbox rows through
workflow.selectors, reads through documents.selectors, draft edits through documents.services.

A document the user must not see answers 404; visible but not theirs to act on, 403; wrong state, 409.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from core.api import ApiErrorsMixin, IdRelatedField, Pagination, id_field, paginated
from core.errors import NotFound, PermissionDenied, ValidationFailed
from documents import limits, permissions, selectors, services
from documents.catalog import DOCUMENT_TYPES
from documents.dates import vn_today
from documents.models import (
    Confidentiality,
    Delivery,
    DeliveryEvent,
    Document,
    DocumentType,
    Dossier,
    Purpose,
    Recipient,
    Status,
    Urgency,
)
from organizations.models import ORGAN_CODE_PATTERN, Organization, RecipientGroup, SignatureForm, Unit, User
from workflow import actions as flow_actions
from workflow import selectors as flow_selectors
from workflow.deadlines import deadline_state
from workflow.paging import COUNT_CAP, keyset_page

ACTIONS = ("submit", "approve", "return", "sign", "register", "issue", "archive", "recall", "cancel")
BULK_ACTIONS = ("approve", "return", "sign", "register", "issue")

ERRORS = {
    400: OpenApiResponse(description="validation_error: dữ liệu không hợp lệ"),
    403: OpenApiResponse(description="permission_denied: không có quyền"),
    404: OpenApiResponse(description="not_found: không có hoặc không được xem"),
    409: OpenApiResponse(description="invalid_transition / concurrent_update: sai trạng thái hoặc vừa bị xử lý"),
}


def visible_or_404(*, user: Any, pk: int) -> Document:
    document = selectors.document_get_visible(user=user, pk=pk)
    if document is None:
        raise NotFound("Không tìm thấy văn bản.")
    return document


# --- serializers shared by the views --------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class DocumentTypeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentType
        fields = ["code", "name", "abbreviation"]


class OrganizationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "abbreviation"]


class DocumentOutputSerializer(serializers.ModelSerializer):
    """One row of a list or inbox: only columns of the document and rows joined by select_related."""

    status_display = serializers.CharField(source="get_status_display")
    doc_type = DocumentTypeOutputSerializer()
    organization = OrganizationBriefSerializer()
    drafting_unit = serializers.CharField(source="drafting_unit.abbreviation", default=None, allow_null=True)
    drafter = PersonSerializer()
    reviewer = PersonSerializer(allow_null=True)
    signer = PersonSerializer(allow_null=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "code",
            "number",
            "issue_date",
            "subject",
            "status",
            "status_display",
            "doc_type",
            "organization",
            "drafting_unit",
            "drafter",
            "reviewer",
            "signer",
            "signature_form",
            "urgency",
            "confidentiality",
            "deadline",
            "is_overdue",
            "returned_comment",
            "created_at",
            "updated_at",
        ]

    def get_is_overdue(self, obj: Document) -> bool:
        return bool(obj.deadline and obj.deadline < vn_today() and obj.status in selectors.OPEN_STATES)


class RecipientOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recipient
        fields = [
            "position",
            "display_name",
            "purpose",
            "purpose_text",
            "printed_line",
            "organization",
            "unit",
            "person",
            "group",
            "email",
            "organ_code",
        ]


class DocumentDetailOutputSerializer(DocumentOutputSerializer):
    recipients = RecipientOutputSerializer(many=True)
    version = serializers.IntegerField(source="current_version.number", default=None, allow_null=True)
    content_hash = serializers.CharField(source="current_version.content_hash", default=None, allow_null=True)
    signed_content_hash = serializers.CharField(source="signed_version.content_hash", default=None, allow_null=True)
    dossier = serializers.CharField(source="dossier.code", default=None, allow_null=True)

    class Meta(DocumentOutputSerializer.Meta):
        fields = [
            *DocumentOutputSerializer.Meta.fields,
            "type_title",
            "source_code",
            "source_date_line",
            "legal_bases",
            "body",
            "place_name",
            "filing_line",
            "register",
            "signer_title_lines",
            "signed_at",
            "registered_at",
            "issued_at",
            "version",
            "content_hash",
            "signed_content_hash",
            "dossier",
            "recipients",
        ]


class RecipientInputSerializer(serializers.Serializer):
    """One "Nơi nhận" line: at most one of organization, unit, person, group (ids from
    GET /organizations/{id}/recipient-choices/), or none for an outside body, with an e-mail where it is reached
    so and an organ code (OrganId) where the exchange reaches it.
    `display_name` is the printed text; empty, it is the directory's name. The service checks the rest."""

    display_name = serializers.CharField(
        max_length=limits.RECIPIENT_MAX, required=False, allow_blank=True, default="", help_text="Tên in ra."
    )
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False, allow_blank=True, default="")
    purpose_text = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text="Mục đích như đã ghi, ví dụ để b/c."
    )
    organization = IdRelatedField(queryset=Organization.objects.all(), required=False, allow_null=True)
    unit = IdRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    person = IdRelatedField(queryset=User.objects.all(), required=False, allow_null=True)
    group = IdRelatedField(queryset=RecipientGroup.objects.all(), required=False, allow_null=True)
    email = serializers.EmailField(required=False, allow_blank=True, default="", max_length=254)
    organ_code = serializers.RegexField(
        ORGAN_CODE_PATTERN,
        required=False,
        allow_blank=True,
        default="",
        max_length=13,
        help_text="Mã định danh điện tử (OrganId) của nơi ngoài hệ thống nhận qua trục liên thông: 000.00.12.H41.",
        error_messages={"invalid": "Mã định danh có dạng 000.00.12.H41."},
    )


@extend_schema_field({"type": "string", "enum": [code for code, _, _ in DOCUMENT_TYPES]})
class DocumentTypeCodeField(serializers.SlugRelatedField):
    """A type by its code; the schema lists the catalogue's codes (the types a migration loads)."""


class DraftFieldsSerializer(serializers.Serializer):
    """What a drafter writes; every field but `organization` can be changed while it is a draft."""

    doc_type = DocumentTypeCodeField(slug_field="code", queryset=DocumentType.objects.all())
    type_title = serializers.CharField(
        max_length=limits.TYPE_TITLE_MAX,
        required=False,
        allow_blank=True,
        help_text="Tên loại in trên văn bản khi dài hơn tên loại, ví dụ CHƯƠNG TRÌNH HÀNH ĐỘNG.",
    )
    subject = serializers.CharField(max_length=limits.SUBJECT_MAX)
    body = serializers.CharField(required=False, allow_blank=True, max_length=limits.BODY_MAX)
    legal_bases = serializers.ListField(
        child=serializers.CharField(max_length=limits.LEGAL_BASIS_MAX),
        required=False,
        max_length=limits.LEGAL_BASES_MAX,
    )
    drafting_unit = IdRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    signer = IdRelatedField(queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    reviewer = IdRelatedField(queryset=User.objects.filter(is_active=True), required=False, allow_null=True)
    signature_form = serializers.ChoiceField(choices=SignatureForm.choices, required=False)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    deadline = serializers.DateField(required=False, allow_null=True)
    place_name = serializers.CharField(max_length=limits.PLACE_NAME_MAX, required=False, allow_blank=True)
    filing_line = serializers.CharField(max_length=limits.FILING_LINE_MAX, required=False, allow_blank=True)
    recipients = RecipientInputSerializer(many=True, required=False, max_length=limits.RECIPIENTS_MAX)


class FilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    type = serializers.CharField(required=False, max_length=40, help_text="Mã loại văn bản, ví dụ ke_hoach.")
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    confidentiality = serializers.ChoiceField(choices=Confidentiality.choices, required=False)
    organization = id_field(required=False)
    q = serializers.CharField(required=False, max_length=200, help_text="Tìm trong trích yếu.")
    deadline_from = serializers.DateField(required=False)
    deadline_to = serializers.DateField(required=False)
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
    ordering = serializers.ChoiceField(choices=list(selectors.ORDERINGS), required=False)


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- documents ------------------------------------------------------------------------------------


class DocumentListApi(ApiErrorsMixin, APIView):
    pagination_class = Pagination

    @extend_schema_serializer(component_name="DocumentListFilter")
    class FilterSerializer(FilterSerializer):
        pass

    @extend_schema_serializer(component_name="DocumentCreateInput")
    class InputSerializer(DraftFieldsSerializer):
        organization = IdRelatedField(queryset=Organization.objects.all())

    OutputSerializer = DocumentOutputSerializer

    @extend_schema(
        operation_id="documents_list",
        parameters=[FilterSerializer],
        responses={200: DocumentOutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        filters = _query(self.FilterSerializer, request)
        filters["doc_type"] = filters.pop("type", None)
        documents = selectors.document_list(user=request.user, filters=filters)
        return paginated(self, request, documents, self.OutputSerializer)

    @extend_schema(
        operation_id="documents_create",
        request=InputSerializer,
        responses={201: DocumentDetailOutputSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields["recipients"] = [dict(line) for line in fields.get("recipients", [])]
        document = flow_actions.create_document(actor=request.user, **fields)
        document = visible_or_404(user=request.user, pk=document.pk)
        return Response(DocumentDetailOutputSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailApi(ApiErrorsMixin, APIView):
    @extend_schema_serializer(component_name="DocumentUpdateInput")
    class InputSerializer(DraftFieldsSerializer):
        pass

    OutputSerializer = DocumentDetailOutputSerializer

    @extend_schema(operation_id="documents_retrieve", responses={200: OutputSerializer, 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self.OutputSerializer(visible_or_404(user=request.user, pk=pk)).data)

    @extend_schema(
        operation_id="documents_update_draft",
        request=InputSerializer,
        responses={200: OutputSerializer, **ERRORS},
    )
    def patch(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        permissions.check_edit(request.user, document)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        recipients = changes.pop("recipients", None)
        if recipients is not None:
            recipients = [dict(line) for line in recipients]
        flow_actions.edit_draft(document=document, actor=request.user, recipients=recipients, **changes)
        return Response(self.OutputSerializer(visible_or_404(user=request.user, pk=pk)).data)


class DocumentActionApi(ApiErrorsMixin, APIView):
    """POST /documents/{id}/{action}/ — one lifecycle step; `action_name` is bound in the URL conf."""

    action_name = ""

    @extend_schema_serializer(component_name="DocumentActionInput")
    class InputSerializer(serializers.Serializer):
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.COMMENT_MAX)
        reviewer = IdRelatedField(
            queryset=User.objects.filter(is_active=True), required=False, allow_null=True, help_text="Khi trình."
        )
        dossier = IdRelatedField(
            queryset=Dossier.objects.all(), required=False, allow_null=True, help_text="Khi lưu hồ sơ."
        )
        reason = serializers.CharField(
            required=False, allow_blank=True, max_length=limits.COMMENT_MAX, help_text="Khi thu hồi hoặc hủy."
        )

    OutputSerializer = DocumentDetailOutputSerializer

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        params = {name: value for name, value in serializer.validated_data.items() if value is not None}
        document = flow_actions.perform(
            document=document, actor=request.user, action=self.action_name, comment=params.pop("comment"), **params
        )
        shown = selectors.document_get_visible(user=request.user, pk=document.pk) or document
        return Response(self.OutputSerializer(shown).data)


class DocumentBulkActionApi(ApiErrorsMixin, APIView):
    """POST /documents/bulk/{action}/ — the same step on several documents; each succeeds or fails alone."""

    action_name = ""

    @extend_schema_serializer(component_name="DocumentBulkActionInput")
    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=id_field(), allow_empty=False, max_length=200)
        comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=limits.COMMENT_MAX)

    @extend_schema_serializer(component_name="DocumentBulkActionOutput")
    class OutputSerializer(serializers.Serializer):
        done = serializers.ListField(child=serializers.IntegerField())
        failed = serializers.ListField(
            child=inline_serializer(
                "BulkFailure",
                {"id": serializers.IntegerField(), "code": serializers.CharField(), "message": serializers.CharField()},
            )
        )

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer, 400: ERRORS[400]})
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(serializer.validated_data["ids"]))
        visible = {d.pk: d for d in selectors.visible_documents(user=request.user).filter(pk__in=ids)}
        # each document in its own transaction: one refusal stops only itself
        results = flow_actions.bulk_perform(
            documents=[visible[pk] for pk in ids if pk in visible],
            actor=request.user,
            action=self.action_name,
            comment=serializer.validated_data["comment"],
        )
        done = [result.document_id for result in results if result.ok]
        failed = [{"id": r.document_id, "code": r.code, "message": r.message} for r in results if not r.ok]
        missing = [
            {"id": pk, "code": NotFound.code, "message": "Không tìm thấy văn bản."} for pk in ids if pk not in visible
        ]
        return Response({"done": done, "failed": failed + missing})


class DocumentHistoryApi(ApiErrorsMixin, APIView):
    """Who did what, when, on which version; auditors of the issuing organization also get every detail."""

    @extend_schema_serializer(component_name="DocumentHistoryOutput")
    class OutputSerializer(serializers.Serializer):
        sequence = serializers.IntegerField()
        at = serializers.DateTimeField(source="created_at")
        actor = serializers.IntegerField(source="actor_id", allow_null=True)
        actor_name = serializers.CharField()
        action = serializers.CharField()
        from_state = serializers.CharField()
        to_state = serializers.CharField()
        version = serializers.SerializerMethodField()
        comment = serializers.SerializerMethodField()
        details = serializers.SerializerMethodField(help_text="Chỉ thanh tra của cơ quan ban hành.")
        hash = serializers.SerializerMethodField(help_text="Chỉ thanh tra của cơ quan ban hành.")
        previous_hash = serializers.SerializerMethodField(help_text="Chỉ thanh tra của cơ quan ban hành.")
        client_address = serializers.SerializerMethodField(help_text="Chỉ thanh tra của cơ quan ban hành.")

        def get_version(self, obj: Any) -> int | None:
            return obj.details.get("version")

        def get_comment(self, obj: Any) -> str:
            return obj.details.get("comment") or obj.details.get("reason") or ""

        def _full(self, value: Any) -> Any:
            return value if self.context.get("full") else None

        def get_details(self, obj: Any) -> dict | None:
            return self._full(obj.details)

        def get_hash(self, obj: Any) -> str | None:
            return self._full(obj.hash)

        def get_previous_hash(self, obj: Any) -> str | None:
            return self._full(obj.previous_hash)

        def get_client_address(self, obj: Any) -> str | None:
            return self._full(obj.client_address)

    @extend_schema(responses={200: OutputSerializer(many=True), 404: ERRORS[404]})
    def get(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        events = selectors.document_history(document=document)
        full = permissions.sees_full_history(request.user, document)
        return Response(self.OutputSerializer(events, many=True, context={"full": full}).data)


class DocumentGrantApi(ApiErrorsMixin, APIView):
    """POST grants the reading of one document to a person; DELETE takes it back (head or clerk)."""

    @extend_schema_serializer(component_name="DocumentGrantInput")
    class InputSerializer(serializers.Serializer):
        user = IdRelatedField(queryset=User.objects.all())

    @extend_schema(request=InputSerializer, responses={204: None, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        permissions.grant_view(document=document, user=serializer.validated_data["user"], actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=InputSerializer, responses={204: None, **ERRORS})
    def delete(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        permissions.revoke_view(document=document, user=serializer.validated_data["user"], actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentTypeListApi(ApiErrorsMixin, APIView):
    OutputSerializer = DocumentTypeOutputSerializer

    @extend_schema(responses={200: OutputSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(DocumentType.objects.order_by("name"), many=True).data)


# --- the sender's view: deliveries and reminders -----------------------------------------------------


def sender_view_or_403(*, user: Any, pk: int) -> Document:
    document = visible_or_404(user=user, pk=pk)
    if not permissions.sees_deliveries(user, document):
        raise PermissionDenied("Chỉ cán bộ của cơ quan ban hành mới xem được tình hình gửi văn bản.")
    return document


class DeliveryEventOutputSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    actor = serializers.CharField(source="actor.display_name", default=None, allow_null=True)

    class Meta:
        model = DeliveryEvent
        fields = ["status", "status_display", "at", "actor", "note"]


class DeliveryOutputSerializer(serializers.ModelSerializer):
    """One addressee: its line, status with its exchange code, times, the refusal reason, the incoming number."""

    line = serializers.IntegerField(source="recipient.position")
    printed_line = serializers.CharField(source="recipient.printed_line")
    addressee = serializers.CharField(source="addressee_name")
    status_display = serializers.CharField(source="get_status_display")
    exchange_code = serializers.CharField()
    incoming_number = serializers.IntegerField(allow_null=True)
    email = serializers.CharField(source="recipient.email")
    organ_code = serializers.CharField(source="recipient.organ_code")
    history = DeliveryEventOutputSerializer(source="events", many=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "line",
            "printed_line",
            "kind",
            "addressee",
            "organization",
            "unit",
            "person",
            "email",
            "organ_code",
            "status",
            "status_display",
            "exchange_code",
            "sent_at",
            "status_at",
            "acknowledged_at",
            "reminded_at",
            "note",
            "incoming_number",
            "history",
        ]


class DocumentDeliveriesApi(ApiErrorsMixin, APIView):
    """GET /documents/{id}/deliveries/ — the sender's view: every addressee with its status, times and history
    (people of the issuing organization who may read the document)."""

    pagination_class = Pagination
    OutputSerializer = DeliveryOutputSerializer

    @extend_schema(operation_id="documents_deliveries", responses={200: OutputSerializer(many=True), **ERRORS})
    def get(self, request: Request, pk: int) -> Response:
        document = sender_view_or_403(user=request.user, pk=pk)
        deliveries = selectors.deliveries_of(document=document).prefetch_related(
            Prefetch("events", queryset=DeliveryEvent.objects.select_related("actor").order_by("at", "pk"))
        )
        return paginated(self, request, deliveries, self.OutputSerializer)


class DocumentRemindApi(ApiErrorsMixin, APIView):
    """POST /documents/{id}/remind/ — remind every addressee that has not accepted yet (01); once an hour."""

    @extend_schema_serializer(component_name="DocumentRemindOutput")
    class OutputSerializer(serializers.Serializer):
        reminded = serializers.ListField(child=serializers.IntegerField(), help_text="Các lượt gửi đã được nhắc.")
        count = serializers.IntegerField()

    @extend_schema(operation_id="documents_remind", request=None, responses={200: OutputSerializer, **ERRORS})
    def post(self, request: Request, pk: int) -> Response:
        document = visible_or_404(user=request.user, pk=pk)
        reminded = services.deliveries_remind(document=document, actor=request.user)
        return Response({"reminded": reminded, "count": len(reminded)})


# --- inbox ----------------------------------------------------------------------------------------


class InboxDocumentSerializer(serializers.Serializer):
    """The document of an inbox row: only what the inbox selector joins (no query per row)."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    subject = serializers.CharField()
    status = serializers.CharField()
    status_display = serializers.CharField(source="get_status_display")
    doc_type = DocumentTypeOutputSerializer()
    organization = OrganizationBriefSerializer()
    drafting_unit = serializers.CharField(source="drafting_unit.abbreviation", default=None, allow_null=True)
    drafter = PersonSerializer()
    urgency = serializers.CharField()
    confidentiality = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    returned_comment = serializers.CharField()


class InboxPagination:
    """The inbox's keyset paging (workflow.paging), for the API: `cursor` from the `next` / `previous` links,
    `page_size` up to 100; `page=N` still works (offset, the old links). Not the shared core.api.Pagination:
    the other lists keep their page numbers."""

    page_size = 25
    max_page_size = 100

    def size(self, request: Request) -> int:
        value = request.query_params.get("page_size", "")
        if value.isascii() and value.isdigit() and int(value[:6]) > 0:
            return min(int(value[:6]), self.max_page_size)
        return self.page_size

    def offset(self, request: Request, size: int) -> int | None:
        value = request.query_params.get("page", "")
        if not value:
            return None
        if not (value.isascii() and value.isdigit() and 0 < int(value) <= 100_000):
            raise ValidationFailed("Số trang không hợp lệ.", details={"field": "page"})
        return (int(value) - 1) * size

    def link(self, request: Request, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = request.build_absolute_uri()
        return replace_query_param(remove_query_param(url, "page"), "cursor", cursor)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Con trỏ trang, lấy từ liên kết next / previous.",
                "schema": {"type": "string"},
            },
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "Số trang (cách cũ, vẫn dùng được); nên theo liên kết next / previous.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": "Số dòng một trang (tối đa 100).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["count", "count_is_exact", "next", "previous", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "description": f"Số việc, đếm đến {COUNT_CAP}; quá mức đó là {COUNT_CAP} và count_is_exact false.",
                },
                "count_is_exact": {"type": "boolean", "description": f"false: hơn {COUNT_CAP} việc."},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


class InboxApi(ApiErrorsMixin, APIView):
    """GET /inbox/?kind=assigned|queue|submitted|done — one row per task of the flow, with its document.

    Paged by cursor (workflow.paging): follow `next` / `previous`; `count` is exact up to 1,000."""

    pagination_class = InboxPagination

    @extend_schema_serializer(component_name="InboxFilter")
    class FilterSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=list(flow_selectors.KINDS), required=False, default="assigned")
        urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
        type = serializers.CharField(required=False, max_length=40, help_text="Mã loại văn bản.")
        organization = id_field(required=False)
        overdue = serializers.BooleanField(required=False, allow_null=True, default=None)
        ordering = serializers.ChoiceField(
            choices=list(flow_selectors.ORDERINGS),
            required=False,
            help_text="Mặc định: deadline cho assigned và queue, -created cho submitted và done.",
        )

    @extend_schema_serializer(component_name="InboxRow")
    class OutputSerializer(serializers.Serializer):
        task = serializers.IntegerField(source="pk")
        step = serializers.CharField()
        step_title = serializers.SerializerMethodField()
        task_status = serializers.CharField(source="status")
        owner = PersonSerializer(allow_null=True)
        created = serializers.DateTimeField()
        finished = serializers.DateTimeField(allow_null=True)
        is_overdue = serializers.BooleanField()
        due_at = serializers.DateTimeField(allow_null=True, help_text="Hạn của bước (workflow.deadlines).")
        deadline_state = serializers.SerializerMethodField(
            help_text="overdue (quá hạn), due_soon (sắp đến hạn) hoặc rỗng."
        )
        document = InboxDocumentSerializer()

        def get_step_title(self, obj: Any) -> str:
            return str(obj.flow_task.task_title) if obj.flow_task else ""

        def get_deadline_state(self, obj: Any) -> str:
            return deadline_state(due_at=obj.due_at, remind_at=obj.remind_at, now=self.context["now"])

    @extend_schema(
        operation_id="inbox_list",
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True), 400: ERRORS[400]},
    )
    def get(self, request: Request) -> Response:
        filters = _query(self.FilterSerializer, request)
        filters["doc_type"] = filters.pop("type", None)
        ordering = filters.pop("ordering", None) or flow_selectors.DEFAULT_ORDERING[filters["kind"]]
        rows, counted = flow_selectors.inbox_rows(user=request.user, ordering=ordering, **filters)
        paginator = self.pagination_class()
        size = paginator.size(request)
        page = keyset_page(
            rows,
            ordering=ordering,
            key=flow_selectors.KEYS[ordering],
            size=size,
            cursor=request.query_params.get("cursor") or None,
            offset=paginator.offset(request, size),
            counted=counted,
        )
        results = self.OutputSerializer(page.object_list, many=True, context={"now": timezone.now()}).data
        return Response(
            {
                "count": page.count,
                "count_is_exact": page.count_is_exact,
                "next": paginator.link(request, page.next_cursor),
                "previous": paginator.link(request, page.previous_cursor),
                "results": results,
            }
        )
