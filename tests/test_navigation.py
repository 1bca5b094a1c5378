"""The header offers each person the parts of the desk they may open, and every link it offers opens."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.factories import make_office

pytestmark = pytest.mark.django_db

HEADER = re.compile(r'<nav[^>]*id="site-nav".*?</nav>|<header class="top">.*?</header>', re.S)


def header_links(client: Client) -> dict[str, str]:
    page = client.get("/inbox/").content.decode()
    header = HEADER.search(page)
    assert header is not None
    links = re.findall(r'<a [^>]*href="(/[^"#?]*)[^"]*"[^>]*>\s*([^<]+)', header.group(0))
    return {text.strip(): href for href, text in links}


@pytest.mark.parametrize("role", ["head", "deputy", "drafter", "clerk", "auditor"])
def test_every_link_in_the_header_opens_for_whoever_is_offered_it(role: str) -> None:
    office = make_office()
    client = Client()
    client.force_login(getattr(office, role))
    links = header_links(client)
    assert links, "the header offers nothing"
    for text, href in links.items():
        assert client.get(href, follow=True).status_code == 200, f"{role}: {text} → {href}"


def test_the_auditor_gets_the_desk_and_no_drafting_and_the_drafter_the_reverse() -> None:
    office = make_office()
    auditor, drafter = Client(), Client()
    auditor.force_login(office.auditor)
    drafter.force_login(office.drafter)
    seen_by_auditor, seen_by_drafter = header_links(auditor), header_links(drafter)
    assert "Bàn thanh tra" in seen_by_auditor
    assert "Soạn mới" not in seen_by_auditor
    assert "Nhập kế hoạch" not in seen_by_auditor
    assert "Soạn mới" in seen_by_drafter
    assert "Bàn thanh tra" not in seen_by_drafter
    assert "Tổng hợp cho lãnh đạo" not in seen_by_drafter
