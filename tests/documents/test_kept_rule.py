"""The visibility rule is built once per person and process (documents.selectors, core.compiled): what it decides
must still follow every change of memberships, grants and states, and agree with the list everywhere."""

from __future__ import annotations

import pytest

from core.compiled import PROBE, ProbeQuery
from documents.models import Document
from documents.permissions import can_view, grant_view, revoke_view
from documents.selectors import _readable_probe, _visible_to, may_read, readers_among, visible_documents
from organizations.models import Membership, Role
from tests.factories import MembershipFactory, advance_routed, make_draft, make_office, start_draft

pytestmark = pytest.mark.django_db


def test_a_kept_rule_follows_memberships_grants_and_the_document_state() -> None:
    # given a plan in review and a person of another organization, whose rule is asked (and kept) once
    office = make_office()
    outsider = make_office().drafter
    document = advance_routed(make_draft(office), office, to="in_review")
    assert not can_view(outsider, document)
    assert not visible_documents(user=outsider).filter(pk=document.pk).exists()
    # when they are made deputy of the issuing office, the same kept rule lets them read it
    membership = MembershipFactory(user=outsider, organization=office.organization, role=Role.DEPUTY)
    assert can_view(outsider, document)
    assert visible_documents(user=outsider).filter(pk=document.pk).exists()
    # and when that membership ends, not any more
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    assert not can_view(outsider, document)
    assert not visible_documents(user=outsider).filter(pk=document.pk).exists()
    # a grant opens it and its revocation closes it again
    grant_view(document=document, user=outsider, actor=office.head)
    assert can_view(outsider, document)
    revoke_view(document=document, user=outsider, actor=office.head)
    assert not can_view(outsider, document)
    # the issuing clerk reads it from the signature on: the state is read when the rule runs, not when it was kept
    assert not can_view(office.clerk, document)
    document = advance_routed(document, office, to="signed")
    assert can_view(office.clerk, document)


def test_a_deactivated_account_reads_nothing_though_its_rule_is_kept() -> None:
    office = make_office()
    document = advance_routed(make_draft(office), office, to="in_review")
    assert can_view(office.deputy, document)
    office.deputy.is_active = False
    office.deputy.save(update_fields=["is_active"])
    assert not can_view(office.deputy, document)
    assert not visible_documents(user=office.deputy).exists()
    assert readers_among(document=document, user_ids={office.deputy.pk, office.drafter.pk}) == {office.drafter.pk}


def test_the_one_document_check_agrees_with_the_list_for_everyone() -> None:
    # given two offices with documents in every kind of state, one confidential, one sent to the other office
    home, away = make_office(), make_office()
    sent_to_away = {"display_name": away.organization.name, "purpose": "execute", "organization": away.organization}
    documents = [
        make_draft(home),
        advance_routed(make_draft(home), home, to="in_review"),
        advance_routed(make_draft(home), home, to="signed"),
        advance_routed(start_draft(home, confidentiality="mat"), home, to="issued"),
        advance_routed(make_draft(home, recipients=[sent_to_away]), home, to="issued"),
        advance_routed(make_draft(away), away, to="archived"),
    ]
    people = [
        getattr(office, role) for office in (home, away) for role in ("head", "deputy", "drafter", "clerk", "auditor")
    ]
    # then, for every person and document, the compiled check says what the list says
    for person in people:
        listed = set(visible_documents(user=person).values_list("pk", flat=True))
        for document in documents:
            assert may_read(user=person, document_id=document.pk) == (document.pk in listed), (person, document)
    # and the check is not trivially one-sided
    answers = {may_read(user=p, document_id=d.pk) for p in people for d in documents}
    assert answers == {True, False}


def test_each_person_s_rule_is_built_once() -> None:
    office = make_office()
    document = advance_routed(make_draft(office), office, to="in_review")
    can_view(office.deputy, document)
    visible_documents(user=office.deputy).count()
    probes, rules = _readable_probe.cache_info(), _visible_to.cache_info()
    for _ in range(3):
        assert can_view(office.deputy, document)
        assert visible_documents(user=office.deputy).filter(pk=document.pk).exists()
    assert _readable_probe.cache_info().hits == probes.hits + 3
    assert _readable_probe.cache_info().misses == probes.misses
    assert _visible_to.cache_info().hits == rules.hits + 3
    assert _visible_to.cache_info().misses == rules.misses


def test_a_query_the_probe_cannot_be_placed_in_is_built_each_time() -> None:
    # given a query where the placeholder is two parameters, so no single slot can be changed
    office = make_office()
    document = advance_routed(make_draft(office), office, to="in_review")
    twice = Document.objects.filter(pk=PROBE, drafter_id=PROBE)
    probe = ProbeQuery(twice, lambda pk: Document.objects.filter(pk=pk))
    # then it is not compiled, and answers by building the query again
    assert not probe.compiled
    assert probe.exists(document.pk)
    assert not probe.exists(document.pk + 1000)
    # while the usual form is compiled and answers from its SQL
    once = ProbeQuery(Document.objects.filter(pk=PROBE), lambda pk: Document.objects.filter(pk=pk))
    assert once.compiled
    assert once.exists(document.pk)
    assert not once.exists(document.pk + 1000)
