"""{% document_versions document %}: the versions and attachments panels of the document page, with their data
(workflow.views_versions.versions_context), so the page's view need not know of them."""

from __future__ import annotations

from typing import Any

from django import template

from workflow.views_versions import versions_context

register = template.Library()


@register.inclusion_tag("workflow/_versions_panels.html", takes_context=True)
def document_versions(context: template.Context, document: Any) -> dict[str, Any]:
    return _panel(context, document)


def _panel(context: template.Context, document: Any) -> dict[str, Any]:
    request = context["request"]
    return {
        "document": document,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": request.user,
        **versions_context(request.user, document),
    }


@register.inclusion_tag("workflow/_attachments.html", takes_context=True)
def document_attachments(context: template.Context, document: Any) -> dict[str, Any]:
    """The attachments panel alone (the drafting form's page)."""
    return _panel(context, document)
