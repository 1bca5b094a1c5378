"""A person's notifications as JSON: the list (unread first, paginated, or everything after an id), the unread
count, and marking them read. Each entry links straight to the reader's task on the document, else to the
document; notifications of a document the reader may no longer see are neither listed nor counted."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiErrorsMixin, Pagination, id_field
from notifications.models import Notification
from notifications.reading import notifications_mark_all_read, notifications_mark_read
from notifications.selectors import notification_list, unread_summary, with_links


class NotificationOutput(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()
    url = serializers.CharField(
        allow_null=True, read_only=True, help_text="Việc của người đọc trên văn bản, nếu có; nếu không, văn bản."
    )

    class Meta:
        model = Notification
        fields = ["id", "event", "message", "document", "created_at", "read", "url"]

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationListApi(ApiErrorsMixin, APIView):
    pagination_class = Pagination

    class NotificationFilterSerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False, help_text="Chỉ thông báo chưa đọc.")
        after = id_field(required=False, help_text="Chỉ thông báo có id lớn hơn (bắt kịp sau khi mất kết nối).")

    @extend_schema(
        summary="Thông báo của tôi",
        description=(
            "Chưa đọc trước, mới nhất trước; có `after`: các thông báo có id lớn hơn, cũ nhất trước. "
            "`unread` là số thông báo chưa đọc (mọi trang), `last` là id mới nhất."
        ),
        parameters=[
            NotificationFilterSerializer,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int, description="Tối đa 100; mặc định 25."),
        ],
        responses=inline_serializer(
            "NotificationPage",
            {
                "count": serializers.IntegerField(),
                "next": serializers.URLField(allow_null=True),
                "previous": serializers.URLField(allow_null=True),
                "unread": serializers.IntegerField(),
                "last": serializers.IntegerField(),
                "results": NotificationOutput(many=True),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        filters = self.NotificationFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        listed = notification_list(
            user=request.user, unread_only=filters.validated_data["unread"], after=filters.validated_data.get("after")
        )
        paginator = self.pagination_class()
        page = with_links(paginator.paginate_queryset(listed, request, view=self) or [])
        response = paginator.get_paginated_response(NotificationOutput(page, many=True).data)
        response.data.update(unread_summary(user=request.user))
        return response


class NotificationMarkReadApi(ApiErrorsMixin, APIView):
    class MarkReadInputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=id_field(), allow_empty=False, max_length=500)

    @extend_schema(
        summary="Đánh dấu đã đọc",
        description="Chỉ thông báo của chính người gọi; id của người khác bị bỏ qua.",
        request=MarkReadInputSerializer,
        responses=inline_serializer("NotificationMarkRead", {"marked_read": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        serializer = self.MarkReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = notifications_mark_read(actor=request.user, notification_ids=serializer.validated_data["ids"])
        return Response({"marked_read": updated})


class NotificationMarkAllReadApi(ApiErrorsMixin, APIView):
    @extend_schema(
        summary="Đánh dấu tất cả đã đọc",
        description="Mọi thông báo chưa đọc của người gọi.",
        request=None,
        responses=inline_serializer("NotificationMarkAllRead", {"marked_read": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        return Response({"marked_read": notifications_mark_all_read(actor=request.user)})
