"""Dossiers: the services (who may, duplicates, closed), a document in several dossiers without copies, the archive
step, the pages keeping what was typed, and the export (table of contents + each document's PDF)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from documents import services
from documents.errors import PermissionDenied, ValidationFailed
from documents.models import DossierEntry, RetentionPeriod, Status
from tests.factories import advance_routed, make_office, start_draft
from tests.records.helpers import client_for, issued, pdf_pages, pdf_words

pytestmark = pytest.mark.django_db


def open_dossier(office, code: str = "01.TH", **fields):
    values = {"title": "Hồ sơ kế hoạch công tác năm 2026", "year": 2026, "retention_years": 10}
    values.update(fields)
    return services.dossier_open(actor=office.clerk, organization=office.organization, code=code, **values)


def test_the_retention_table_is_seeded_data() -> None:
    line = RetentionPeriod.objects.get(code="1.2")
    assert line.years is None
    assert line.label == "Vĩnh viễn"
    assert RetentionPeriod.objects.filter(years=10).exists()


def test_clerk_and_head_open_others_are_refused_in_vietnamese() -> None:
    office = make_office()
    line = RetentionPeriod.objects.get(code="1.4")
    dossier = open_dossier(office, retention_period=line)
    assert dossier.retention_years == 5
    assert AuditEvent.objects.filter(action="dossier.open").count() == 1
    services.dossier_open(actor=office.head, organization=office.organization, code="02.TH", title="Hồ sơ", year=2026)
    for person in (office.deputy, office.drafter, office.auditor):
        with pytest.raises(PermissionDenied, match="Chỉ văn thư hoặc người đứng đầu"):
            services.dossier_open(actor=person, organization=office.organization, code="03", title="X", year=2026)
    with pytest.raises(ValidationFailed, match="đã có trong danh mục"):
        open_dossier(office)


def test_edit_and_close_then_no_more_documents() -> None:
    office = make_office()
    dossier = open_dossier(office)
    services.dossier_update(actor=office.clerk, dossier=dossier, code="01.TH", title="Hồ sơ kế hoạch (sửa)")
    dossier.refresh_from_db()
    assert dossier.title == "Hồ sơ kế hoạch (sửa)"
    assert dossier.retention_label == "Vĩnh viễn"  # no line, no years: permanent
    with pytest.raises(PermissionDenied):
        services.dossier_close(actor=office.deputy, dossier=dossier)
    services.dossier_close(actor=office.clerk, dossier=dossier)
    document = issued(office, "Kế hoạch truyền thông")
    with pytest.raises(ValidationFailed, match="đã kết thúc"):
        services.dossier_add_document(actor=office.clerk, dossier=dossier, document=document)
    with pytest.raises(ValidationFailed, match="đã kết thúc"):
        services.document_archive(document=document, actor=office.clerk, dossier=dossier)
    assert AuditEvent.objects.filter(action__in=("dossier.update", "dossier.close")).count() == 2


def test_a_document_sits_in_several_dossiers_without_copies() -> None:
    office = make_office()
    first, second = open_dossier(office, "01.TH"), open_dossier(office, "02.TH")
    document = issued(office, "Kế hoạch truyền thông")
    other = issued(office, "Kế hoạch kiểm tra")
    archived = services.document_archive(document=document, actor=office.clerk, dossier=first)
    assert archived.status == Status.ARCHIVED
    assert archived.dossier == first
    services.dossier_add_document(actor=office.clerk, dossier=second, document=other)
    services.dossier_add_document(actor=office.clerk, dossier=second, document=document)
    assert set(document.dossiers.all()) == {first, second}
    assert list(DossierEntry.objects.filter(dossier=second).values_list("position", flat=True)) == [1, 2]
    with pytest.raises(ValidationFailed, match="đã có trong hồ sơ"):
        services.dossier_add_document(actor=office.clerk, dossier=second, document=document)
    # taking the first out closes the gap; the archive's own dossier keeps its document
    services.dossier_remove_document(actor=office.clerk, dossier=second, document=other)
    assert list(DossierEntry.objects.filter(dossier=second).values_list("document_id", "position")) == [
        (document.pk, 1)
    ]
    with pytest.raises(ValidationFailed):
        services.dossier_remove_document(actor=office.clerk, dossier=first, document=document)
    with pytest.raises(PermissionDenied):
        services.dossier_add_document(actor=office.drafter, dossier=second, document=other)


def test_the_archive_step_offers_the_years_open_dossiers_or_a_link_to_make_one() -> None:
    office = make_office()
    document = advance_routed(start_draft(office), office, to="issued")
    clerk = client_for(office.clerk)
    page = clerk.get(reverse("workflow:document", args=[document.pk])).content.decode()
    assert reverse("records:dossier-new") in page
    # she makes one and comes back
    back = reverse("workflow:document", args=[document.pk])
    response = clerk.post(
        reverse("records:dossier-new"),
        {
            "organization": office.organization.pk,
            "year": 2026,
            "code": "05.TH",
            "title": "Hồ sơ truyền thông",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert "05.TH" in clerk.get(back).content.decode()


def test_the_form_keeps_what_was_typed_and_refuses_a_duplicate_code() -> None:
    office = make_office()
    open_dossier(office, "01.TH")
    clerk = client_for(office.clerk)
    typed = {
        "organization": office.organization.pk,
        "year": 2026,
        "code": "01.TH",
        "title": "Hồ sơ thi đua khen thưởng",
    }
    response = clerk.post(reverse("records:dossier-new"), typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert "đã có trong danh mục" in html
    assert 'value="Hồ sơ thi đua khen thưởng"' in html
    empty = clerk.post(reverse("records:dossier-new"), {**typed, "code": "", "title": "Giữ lại"})
    assert empty.status_code == 400
    assert "Hồ sơ cần có số và ký hiệu." in empty.content.decode()
    assert 'value="Giữ lại"' in empty.content.decode()
    # a deputy may read the list but not open one
    deputy = client_for(office.deputy)
    assert deputy.get(reverse("records:dossiers")).status_code == 200
    assert deputy.get(reverse("records:dossier-new")).status_code == 403
    assert client_for(office.drafter).get(reverse("records:dossiers")).status_code == 404


def test_the_dossier_page_adds_and_removes_and_strangers_get_a_404() -> None:
    office = make_office()
    dossier = open_dossier(office)
    document = issued(office, "Kế hoạch truyền thông")
    clerk = client_for(office.clerk)
    page = clerk.get(reverse("records:dossier", args=[dossier.pk])).content.decode()
    assert "Kế hoạch truyền thông" in page  # offered
    clerk.post(reverse("records:dossier-act", args=[dossier.pk, "add"]), {"document": document.pk})
    assert document.dossiers.get() == dossier
    refused = clerk.post(
        reverse("records:dossier-act", args=[dossier.pk, "add"]), {"document": document.pk}, follow=True
    )
    assert "đã có trong hồ sơ" in refused.content.decode()
    clerk.post(reverse("records:dossier-act", args=[dossier.pk, "remove"]), {"document": document.pk})
    assert not document.dossiers.exists()
    stranger = client_for(make_office().clerk)
    assert stranger.get(reverse("records:dossier", args=[dossier.pk])).status_code == 404
    assert stranger.post(reverse("records:dossier-act", args=[dossier.pk, "close"])).status_code == 404


def test_export_is_the_table_of_contents_then_each_document() -> None:
    office = make_office()
    dossier = open_dossier(office)
    first = issued(office, "Kế hoạch truyền thông giáo dục năm 2026")
    second = issued(office, "Kế hoạch kiểm tra nội bộ trường học")
    services.document_archive(document=first, actor=office.clerk, dossier=dossier)
    services.dossier_add_document(actor=office.clerk, dossier=dossier, document=second)
    response = client_for(office.clerk).get(reverse("records:dossier-export", args=[dossier.pk]))
    assert response.status_code == 200
    from signing.rendering import render_pdf

    # no signing key in the tests: each document is rendered as issued (number and date filled in)
    pages = [render_pdf(d, filled=True).page_count for d in (first, second)]
    assert pdf_pages(response.content) == 1 + sum(pages)
    text = pdf_words(response.content)
    assert "MỤC LỤC VĂN BẢN" in text
    assert text.index(first.code) < text.index(second.code)
    assert "Tờ số" in text
    assert "truyền thông" in text.lower()
