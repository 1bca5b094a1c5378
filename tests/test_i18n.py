"""English through Django i18n: labels and pages follow the language; the legal document stays Vietnamese."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from documents.models import Purpose, Recipient, Status, Urgency
from tests.factories import Office, advance, advance_routed, make_draft, make_office, start_draft

pytestmark = pytest.mark.django_db


def page(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_choice_labels_follow_the_active_language() -> None:
    # when English is active, then the labels are English
    with translation.override("en"):
        assert str(Status.DRAFT.label) == "Draft"
        assert str(Status.AWAITING_SIGNATURE.label) == "Awaiting signature"
        assert str(Status.ISSUED.label) == "Issued"
        assert str(Urgency.HOA_TOC.label) == "Flash"

    # when Vietnamese is active, then they stay Vietnamese
    with translation.override("vi"):
        assert str(Status.DRAFT.label) == "Dự thảo"
        assert str(Status.AWAITING_SIGNATURE.label) == "Chờ ký"
        assert str(Urgency.HOA_TOC.label) == "Hỏa tốc"


def test_recipient_purposes_are_english_in_the_ui_but_vietnamese_on_the_document() -> None:
    # given English, the labels in forms and lists are English…
    with translation.override("en"):
        assert str(Purpose.REPORT.label) == "for report"
        assert str(Purpose.INFORM.label) == "for information"
        # …while the line printed in "Nơi nhận" is rendered in Vietnamese (signing.rendering)
        line = Recipient(display_name="Sở GD&ĐT tỉnh Long An", purpose=Purpose.REPORT, position=1)
        with translation.override("vi"):
            assert line.printed_line == "Sở GD&ĐT tỉnh Long An (b/c)"


def test_inbox_speaks_english_when_the_browser_asks_for_it(client: Client, office: Office) -> None:
    # given a logged-in user
    client.force_login(office.drafter)

    # when the browser asks for English
    html = page(client, reverse("workflow:inbox"), accept_language="en")

    # then navigation and headings are English
    assert "<h1>Inbox</h1>" in html
    assert "Log out" in html
    assert "Document type" in html
    assert "Hộp việc" not in html


def test_inbox_is_vietnamese_by_default(client: Client, office: Office) -> None:
    # given a logged-in user whose browser states no language
    client.force_login(office.drafter)

    # when the inbox is opened
    html = page(client, reverse("workflow:inbox"))

    # then it is Vietnamese
    assert "<h1>Hộp việc</h1>" in html
    assert "Đăng xuất" in html
    assert "Loại văn bản" in html
    assert "Log out" not in html


def test_set_language_switches_to_english_with_a_cookie(client: Client, office: Office) -> None:
    # given a logged-in user on the Vietnamese inbox
    client.force_login(office.drafter)
    assert "Đăng xuất" in page(client, reverse("workflow:inbox"))

    # when they choose English
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("workflow:inbox")})

    # then the choice is kept in the language cookie and the next page is English
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = page(client, reverse("workflow:inbox"))
    assert "<h1>Inbox</h1>" in html
    assert "Log out" in html


def test_legal_document_stays_vietnamese_under_english(client: Client, office: Office) -> None:
    # given a draft and its drafter browsing in English
    document = make_draft(office)
    client.force_login(office.drafter)

    # when the document is opened in its legal layout
    html = page(client, reverse("signing:document", args=[document.pk]), accept_language="en")

    # then the document itself is Vietnamese, recipients' purposes included; only the toolbar is English
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert "Nơi nhận:" in html
    assert "Sở GD&amp;ĐT tỉnh Long An (b/c);" in html
    assert "Các trường trực thuộc (để thực hiện);" in html
    assert "Download PDF" in html


def test_the_page_offers_the_other_language(client: Client, office: Office) -> None:
    client.force_login(office.drafter)
    html = client.get("/inbox/").content.decode()
    assert 'name="language" value="en"' in html
    assert 'value="vi"' not in html.split('class="language"')[1].split("</form>")[0]


def test_inbox_tabs_and_one_click_buttons_translate(client: Client, office: Office) -> None:
    client.force_login(office.drafter)
    html = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "To do" in html
    assert "Waiting to be claimed" in html


def test_arrivals_and_the_senders_table_speak_english(client: Client, office: Office) -> None:
    # given a plan the office issued to a school under it
    school = make_office(name="Trường Tiểu học A", abbreviation="THA")
    school.organization.parent = office.organization
    school.organization.save()
    line = {"display_name": school.organization.name, "purpose": "execute", "organization": school.organization}
    document = advance(make_draft(office, recipients=[line]), office, to="issued")

    # when the school's clerk opens the arrivals in English (language cookie)
    client.force_login(school.clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = page(client, reverse("receiving:arrivals"))

    # then the box, its tabs, its columns and the status are English
    assert "<h1>Incoming documents</h1>" in html
    assert "Awaiting acceptance" in html
    assert "Sender" in html
    assert "Arrived, awaiting acceptance (01)" in html
    assert "Văn bản đến" not in html
    assert "Chờ tiếp nhận" not in html
    assert "Nơi gửi" not in html

    # when the office's clerk opens the document page with an English browser
    client.force_login(office.clerk)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    html = page(client, reverse("workflow:document", args=[document.pk]), accept_language="en")

    # then the sender's table is English too
    assert "Delivery status" in html
    assert "Recipient line" in html
    assert "not yet accepted" in html
    assert "Tình hình gửi văn bản" not in html
    assert "chưa tiếp nhận" not in html
    assert "Dòng nơi nhận" not in html


# --- the desk (issue 11 item 11): lang, flashes, in-place messages and domain errors in English ---------------


def english_client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_html_lang_follows_the_active_language(client: Client, office: Office) -> None:
    client.force_login(office.drafter)
    assert '<html lang="vi"' in page(client, reverse("workflow:inbox"))
    assert '<html lang="en"' in page(english_client(office.drafter), reverse("workflow:inbox"))


def test_an_english_session_sees_english_flashes_and_in_place_messages(office: Office) -> None:
    # given a plan in review and the deputy working in English
    document = advance_routed(start_draft(office), office, to="in_review")
    client = english_client(office.deputy)

    # when she approves it without JS: the flash on the next page is English
    answer = client.post(reverse("workflow:act", args=[document.pk]), {"action": "approve", "next": "/inbox/"})
    html = page(client, answer["Location"])
    assert "Approved." in html
    assert "Đã duyệt." not in html

    # when another plan is returned in place without a reason: the error beside the row is English
    other = advance_routed(start_draft(office, subject="Kế hoạch thứ hai"), office, to="in_review")
    refused = client.post(
        reverse("workflow:act", args=[other.pk]), {"action": "return"}, headers={"X-Requested-With": "fetch"}
    )
    assert refused.status_code == 400
    assert "Returning a document needs a comment." in refused.content.decode()


def test_domain_errors_on_the_error_page_are_english(office: Office) -> None:
    # given a signed plan: approving it again has no step waiting (a message built from the state's label)
    document = advance_routed(start_draft(office), office, to="signed")
    answer = english_client(office.deputy).post(reverse("workflow:act", args=[document.pk]), {"action": "approve"})
    html = answer.content.decode()
    assert answer.status_code == 409
    assert '<html lang="en"' in html
    assert "no step is waiting for this action" in html
    assert "không có bước nào" not in html


def test_the_clerks_one_step_and_the_bulk_confirmation_speak_english(office: Office) -> None:
    document = advance_routed(start_draft(office), office, to="signed")
    client = english_client(office.clerk)
    html = page(client, reverse("workflow:inbox") + "?tab=queue")
    assert "Number and issue" in html
    confirm = client.post(reverse("workflow:bulk"), {"action": "register_issue", "document": [document.pk]})
    html = confirm.content.decode()
    assert "You are about to do this to the following 1 document:" in html
    assert "Confirm" in html
