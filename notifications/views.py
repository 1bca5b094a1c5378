"""The notification centre (/notifications/): a person's notifications, unread first, each leading to their task
on the document or to the document; and the forms that mark them read. Thin: reads through
notifications.selectors (which asks the one visibility rule), writes through notifications.reading."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from core.converters import MAX_ID
from core.errors import NotFound, ValidationFailed
from notifications.reading import notifications_mark_all_read, notifications_mark_read
from notifications.selectors import notification_list, notifications_for, with_links

PAGE_SIZE = 25


def _back(request: HttpRequest) -> str:
    """Where a form returns: its `next` when it is a page of this site, else the centre."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("notifications:centre")


@login_required
@require_GET
def centre(request: HttpRequest) -> HttpResponse:
    show = "unread" if request.GET.get("show") == "unread" else "all"
    listed = notification_list(user=request.user, unread_only=show == "unread")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "notifications/centre.html", {"show": show, "page": page, "entries": with_links(page.object_list)}
    )


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Where a notification leads, decided now: the reader's open task on the document, else the document (a toast's
    link; the centre and the API link straight there)."""
    notification = notifications_for(user=request.user).filter(pk=pk).first()
    if notification is None:
        error = NotFound(gettext("Không tìm thấy thông báo."))
        return render(
            request, "workflow/error.html", {"error": error, "back": reverse("notifications:centre")}, status=404
        )
    (entry,) = with_links([notification])
    return redirect(entry.url or reverse("notifications:centre"))


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    value = request.POST.get("id", "").strip()
    if not (value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID):
        error = ValidationFailed(gettext("Thông báo không hợp lệ."))
        return render(
            request, "workflow/error.html", {"error": error, "back": reverse("notifications:centre")}, status=400
        )
    notifications_mark_read(actor=request.user, notification_ids=[int(value)])
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_mark_all_read(actor=request.user)
    return redirect(_back(request))
