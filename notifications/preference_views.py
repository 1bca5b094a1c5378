"""The person's settings page for notifications (/settings/notifications/): e-mail per kind of notification."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import ValidationFailed
from notifications.models import EmailChoice
from notifications.preferences import KINDS, preferences_of, set_preferences


def _page(request: HttpRequest, *, chosen: dict[str, str], error: str = "", status: int = 200) -> HttpResponse:
    context = {
        "kinds": [(kind, chosen.get(kind.code, kind.default)) for kind in KINDS],
        "choices": EmailChoice.choices,
        "error": error,
    }
    return render(request, "notifications/preferences.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, chosen=preferences_of(user=request.user))
    posted = {kind.code: request.POST.get(kind.code) for kind in KINDS if request.POST.get(kind.code) is not None}
    try:
        set_preferences(actor=request.user, choices=posted)
    except ValidationFailed as error:
        return _page(request, chosen=preferences_of(user=request.user) | posted, error=error.message, status=400)
    messages.success(request, _("Đã lưu cách nhận thư thông báo."))
    return redirect("notification-preferences")
