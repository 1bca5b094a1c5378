"""What the desk's pages share for acting without a reload (docs/desk.md).

A form marked `data-inplace` is sent by workflow/static/workflow/desk.js with the header
`X-Requested-With: fetch`; the same view that answers a plain POST with a redirect (and a flash) then answers
with a short fragment: the message to show beside the row, with the action's HTTP status (2xx done, 4xx refused).
The page's parts are fetched again by the script, so the rules of what a row shows stay in one template.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext

from documents.errors import DomainError


def wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def error_message(error: DomainError) -> str:
    """The error's text in the active language. Domain errors are raised with Vietnamese messages (the
    services' language, also stored in the API's answers and the logs); their English is a msgid in the
    catalogue, looked up here at display. A message built from values carries its msgid and values in
    `details` ("msgid", "params"), so the English keeps them too."""
    msgid = error.details.get("msgid") if isinstance(error.details, dict) else None
    if msgid:
        try:
            return gettext(msgid) % dict(error.details.get("params") or {})
        except (KeyError, TypeError, ValueError):
            return error.message
    return gettext(error.message)


def fragment(request: HttpRequest, message: str, *, ok: bool, status: int = 200) -> HttpResponse:
    html = render_to_string("workflow/_inplace_message.html", {"message": message, "ok": ok}, request=request)
    return HttpResponse(html, status=status)
