"""GET/PUT /api/me/notification-preferences/: how the caller gets each kind of notification by e-mail."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ApiErrorsMixin
from notifications.models import EmailChoice
from notifications.preferences import KINDS, preferences_of, set_preferences


def _answer(user: Any) -> dict[str, Any]:
    chosen = preferences_of(user=user)
    return {
        "email": user.email,
        "kinds": [
            {"code": kind.code, "label": str(kind.label), "choice": chosen[kind.code], "default": kind.default}
            for kind in KINDS
        ],
    }


@extend_schema_serializer(component_name="EmailPreferenceKind")
class KindSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="tasks, arrivals, urgent, due_soon, overdue, results")
    label = serializers.CharField()
    choice = serializers.ChoiceField(choices=EmailChoice.choices)
    default = serializers.ChoiceField(choices=EmailChoice.choices)


class NotificationPreferencesApi(ApiErrorsMixin, APIView):
    @extend_schema_serializer(component_name="EmailPreferences")
    class OutputSerializer(serializers.Serializer):
        email = serializers.CharField(help_text="Địa chỉ nhận thư; rỗng thì không thư nào được gửi.")
        kinds = serializers.ListField(child=KindSerializer())

    @extend_schema_serializer(component_name="EmailPreferencesInput")
    class InputSerializer(serializers.Serializer):
        preferences = serializers.DictField(
            child=serializers.ChoiceField(choices=EmailChoice.choices),
            help_text='Loại thông báo → cách nhận, ví dụ {"tasks": "digest"}; loại không nêu giữ nguyên.',
        )

    @extend_schema(
        operation_id="notification_preferences_get",
        summary="Cách nhận thư thông báo của tôi",
        responses={200: OutputSerializer},
    )
    def get(self, request: Request) -> Response:
        return Response(_answer(request.user))

    @extend_schema(
        operation_id="notification_preferences_put",
        summary="Đặt cách nhận thư thông báo",
        request=InputSerializer,
        responses={200: OutputSerializer, 400: OpenApiResponse(description="validation_error: dữ liệu không hợp lệ")},
    )
    def put(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        set_preferences(actor=request.user, choices=dict(serializer.validated_data["preferences"]))
        return Response(_answer(request.user))
