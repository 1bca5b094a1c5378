"""JSON API: verify an uploaded PDF (POST multipart "file"). Open to anyone, like the page.

200 with a `verdict` code whenever the file could be read; a file that cannot be read is a 400
`{code: "unreadable_pdf", message, details}` raised by `verify_pdf` and shaped by documents.api_errors.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from signing.forms import MAX_PDF_BYTES
from signing.verification import Verdict, verify_pdf


class CertificateSerializer(serializers.Serializer):
    subject = serializers.CharField()
    issuer = serializers.CharField()
    serial = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()


class SignatureSerializer(serializers.Serializer):
    field = serializers.CharField()
    signer = serializers.CharField()
    organization = serializers.CharField()
    signing_time = serializers.DateTimeField(allow_null=True)
    # "timestamp": signing_time is an RFC 3161 timestamp's; "signer": the time the signer's computer claimed.
    signing_time_source = serializers.ChoiceField(choices=["timestamp", "signer"], allow_null=True)
    timestamp_authority = serializers.CharField(allow_blank=True)
    # valid · untrusted (intact, unknown root) · invalid (changed, broken or refused) · revoked
    status = serializers.ChoiceField(choices=["valid", "untrusted", "invalid", "revoked"])
    revoked = serializers.BooleanField()
    intact = serializers.BooleanField()
    valid = serializers.BooleanField()
    trusted = serializers.BooleanField()
    certifying = serializers.BooleanField()
    modification_level = serializers.CharField(allow_null=True)
    changed_fields = serializers.ListField(child=serializers.CharField())
    ok = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())
    chain = CertificateSerializer(many=True)


class DocumentTimestampSerializer(serializers.Serializer):
    time = serializers.DateTimeField(allow_null=True)
    authority = serializers.CharField()
    trusted = serializers.BooleanField()


class VerifyApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []  # no session, so no CSRF: the endpoint changes nothing
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField()

        def validate_file(self, upload: Any) -> Any:
            if upload.size > MAX_PDF_BYTES:
                raise serializers.ValidationError("Tệp quá lớn (tối đa 20 MB).")
            return upload

    class OutputSerializer(serializers.Serializer):
        verdict = serializers.ChoiceField(choices=[(v.value, v.value) for v in Verdict])
        verdict_message = serializers.CharField()
        ok = serializers.BooleanField()
        summary = serializers.CharField()
        problems = serializers.ListField(child=serializers.CharField())
        has_validation_data = serializers.BooleanField()  # a DSS: certificates, OCSP, CRLs (an archive copy)
        document_timestamps = DocumentTimestampSerializer(many=True)
        signatures = SignatureSerializer(many=True)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(
                description="validation_error / unreadable_pdf: tệp thiếu, quá lớn hoặc không đọc được"
            ),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = verify_pdf(serializer.validated_data["file"].read())
        return Response(self.OutputSerializer(report.as_dict()).data, status=status.HTTP_200_OK)
