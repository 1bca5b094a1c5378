"""The administrators' page of the exchange: what arrived (refused packets first of all) and what waits to leave.

Staff only (`is_staff`, the people who run the system): a packet is a system's message, not a document of an
organization, and its bytes may hold any document, so it is not shown through the document rule to anyone else.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from exchange.models import InboundPacket, InboundState, OutboundPacket, OutboundState

PAGE_SIZE = 50


@require_GET
@staff_member_required
def packets(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", InboundState.REFUSED)
    if state not in InboundState.values and state != "all":
        state = InboundState.REFUSED
    inbound = InboundPacket.objects.defer("raw").order_by("-received_at", "-pk")
    if state != "all":
        inbound = inbound.filter(state=state)
    page = Paginator(inbound, PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = OutboundPacket.objects.filter(state__in=(OutboundState.PENDING, OutboundState.FAILED)).order_by(
        "created_at", "pk"
    )[:PAGE_SIZE]
    return render(
        request,
        "exchange/packets.html",
        {"page": page, "state": state, "states": InboundState.choices, "waiting": list(waiting)},
    )


@require_GET
@staff_member_required
def raw(request: HttpRequest, pk: int) -> HttpResponse:
    """The bytes as they arrived (cut at EXCHANGE_KEEP_PACKET_BYTES), as a download: never rendered as a page."""
    packet = get_object_or_404(InboundPacket, pk=pk)
    response = HttpResponse(bytes(packet.raw), content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="goi-tin-{packet.pk}.edxml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
