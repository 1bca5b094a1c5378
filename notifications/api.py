"""A person's notifications as JSON: the latest, the unread count, and marking them read."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import id_field
from notifications.models import Notification
from notifications.selectors import notifications_for
from notifications.services import mark_read


class NotificationListApi(APIView):
    class NotificationSerializer(serializers.ModelSerializer):
        read = serializers.SerializerMethodField()

        class Meta:
            model = Notification
            fields = ["id", "event", "message", "document", "created_at", "read"]

        def get_read(self, obj: Notification) -> bool:
            return obj.read_at is not None

    @extend_schema(
        summary="Thông báo của tôi",
        responses=inline_serializer(
            "NotificationList",
            {"unread": serializers.IntegerField(), "results": NotificationSerializer(many=True)},
        ),
    )
    def get(self, request: Request) -> Response:
        mine = notifications_for(user=request.user)
        latest = mine.order_by("-created_at", "-id")[:50]
        return Response(
            {
                "unread": mine.filter(read_at__isnull=True).count(),
                "results": self.NotificationSerializer(latest, many=True).data,
            }
        )


class NotificationMarkReadApi(APIView):
    class MarkReadInputSerializer(serializers.Serializer):
        ids = serializers.ListField(child=id_field(), allow_empty=False, max_length=500)

    @extend_schema(
        summary="Đánh dấu đã đọc",
        request=MarkReadInputSerializer,
        responses=inline_serializer("NotificationMarkRead", {"marked_read": serializers.IntegerField()}),
    )
    def post(self, request: Request) -> Response:
        serializer = self.MarkReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = mark_read(actor=request.user, notification_ids=serializer.validated_data["ids"])
        return Response({"marked_read": updated})
