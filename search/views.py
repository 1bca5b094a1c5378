"""Pages: the search (with saved searches) and the leaders' dashboard. Thin: who sees what is
documents.selectors.visible_documents (through search.selectors) and search.dashboard.dashboard_organizations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from receiving.context_processors import counts_for
from search import dashboard as dashboard_data
from search.forms import SavedSearchForm, SearchForm
from search.selectors import highlight, saved_searches_for, search_documents, snippet
from search.services import clean_query_string, saved_search_delete, saved_search_save
from workflow.paging import CappedPaginator

PAGE_SIZE = 20


def _search_page(request: HttpRequest, form: SearchForm, *, status: int = 200, **context: Any) -> HttpResponse:
    context.setdefault("save_form", SavedSearchForm())
    return render(
        request,
        "search/search.html",
        {"form": form, "saved": saved_searches_for(user=request.user), **context},
        status=status,
    )


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    if not request.GET:
        return _search_page(request, SearchForm())
    if not form.is_valid():
        return _search_page(request, form, status=400)
    query = form.to_query()
    if query.is_empty:
        return _search_page(request, form)
    page = CappedPaginator(search_documents(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "document": document,
            "subject": highlight(document.subject, query.q),
            "code": highlight(document.code, query.q) if document.code else "",
            "snippet": snippet(document.body, query.q) if query.q else "",
            "exact": getattr(document, "exact_code", False),
        }
        for document in page.object_list
    ]
    query_string = clean_query_string(request.GET.urlencode())
    return _search_page(
        request,
        form,
        page=page,
        rows=rows,
        query_string=query_string,
        save_form=SavedSearchForm(initial={"query": query_string}),
    )


@login_required
@require_POST
def saved_save(request: HttpRequest) -> HttpResponse:
    form = SavedSearchForm(request.POST)
    query = clean_query_string(request.POST.get("query", ""))
    back = f"{reverse('search:search')}?{query}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    try:
        saved = saved_search_save(actor=request.user, name=form.cleaned_data["name"], query=query)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, _("Đã lưu tìm kiếm “%(name)s”.") % {"name": saved.name})
    return redirect(back)


@login_required
@require_POST
def saved_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        saved_search_delete(actor=request.user, pk=pk)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("search:search", permanent=False)
    messages.success(request, _("Đã xóa tìm kiếm đã lưu."))
    return redirect("search:search")


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    organizations = list(dashboard_data.dashboard_organizations(user=request.user))
    if not organizations:
        return render(
            request,
            "search/dashboard.html",
            {"forbidden": True},
            status=403,
        )
    chosen = request.GET.get("organization", "")
    organization = next((o for o in organizations if str(o.pk) == chosen), organizations[0])
    # The header's "Văn bản đến" badge and the dashboard's waiting boxes are the same counts: read them once.
    counts = counts_for(request)
    data = dashboard_data.dashboard_for(user=request.user, organization=organization, counts=counts)
    return render(
        request,
        "search/dashboard.html",
        {
            "organizations": organizations,
            "organization": organization,
            "data": data,
            "chart_data": data.chart_data(),
            "waiting_rows": [(label, data.waiting.get(box, 0)) for box, label in data.waiting_labels().items()],
        },
    )
