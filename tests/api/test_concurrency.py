"""One click, two tabs: two approvals of one document at the same moment through the API."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from audit.models import AuditEvent
from documents.models import Document, Status
from tests.factories import advance_routed, make_office, start_draft


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_approvals_one_200_one_409_one_event() -> None:
    assert connection.vendor == "postgresql"
    # given a document waiting for the deputy's review
    office = make_office()
    document = advance_routed(start_draft(office), office, to="in_review")
    url = reverse("documents-api:approve", args=[document.pk])
    start = threading.Barrier(2)
    answers: list[int] = []

    def approve() -> None:
        client = APIClient()
        client.force_authenticate(user=office.deputy)
        try:
            start.wait()
            answers.append(client.post(url, {"comment": "Đồng ý."}, format="json").status_code)
        finally:
            connection.close()

    # when the deputy approves it twice at the same moment
    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then one wins, the other is told it was already done, and it is recorded once
    assert sorted(answers) == [200, 409]
    assert Document.objects.get(pk=document.pk).status == Status.AWAITING_SIGNATURE
    assert AuditEvent.objects.filter(object_id=str(document.pk), action="document.approve").count() == 1
