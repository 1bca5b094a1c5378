"""The page "Vào sổ văn bản đến từ tệp / văn bản giấy": upload, read, complete what could not be read, register
with the next incoming number; bad files are a 400 with the reason, and nothing is half-written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from documents.models import ArrivalCheck, DeliveryStatus, Document, Origin, SignatureVerdict
from organizations.models import Organization
from tests.documents.word import plan_docx, zip_with
from tests.factories import make_office
from tests.signing.foreign import change_after_signing, foreign_signer, letter_pdf, sign_foreign

pytestmark = pytest.mark.django_db

SMALL_PLAN = (
    "KẾ HOẠCH\n\nTổ chức ngày hội đọc sách năm 2026\n\nI. MỤC ĐÍCH\n\n- Khuyến khích học sinh đọc sách.\n\n"
    "Nơi nhận:\n- Các trường (để thực hiện);\n- Lưu: VT.\n\nKT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG\n\nTrần Văn Phó\n"
)


@pytest.fixture
def office(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # a school: the Word plan's issuer, a Phòng of Cần Giuộc, is not hosted here
    return make_office(name="Trường THCS Long Hậu", place_name="Cần Giuộc", abbreviation="THCSLH")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, office, name: str, data: bytes):
    file = SimpleUploadedFile(name, data)
    return client.post(reverse("receiving:receive"), {"receiver": office.organization.pk, "file": file})


def _completed(response) -> dict[str, str]:
    """The form as the page filled it in, ready to post back."""
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["receiver"] = form["receiver"].value()
    data["unread"] = sorted(form.unread)
    return {k: v for k, v in data.items() if v is not None}


def test_a_word_file_is_read_prefilled_and_registered(office, settings):
    # given the clerk on the arrivals page
    clerk = client_for(office.clerk)
    assert "Vào sổ văn bản đến từ tệp / văn bản giấy" in clerk.get(reverse("receiving:arrivals")).content.decode()

    # when they upload a Word plan
    response = _upload(clerk, office, "ke-hoach.docx", plan_docx())
    # then the form is filled in with what it says, and nothing is registered yet
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="45/KH-PGDĐT"' in page
    assert "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in page
    assert "Đã đọc đủ các thông tin" in page
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()

    # when they register it as read
    done = clerk.post(reverse("receiving:receive-register"), _completed(response), follow=True)
    # then it is in the register with number 1, and the kept upload is gone
    document = Document.objects.get(origin=Origin.RECEIVED)
    delivery = document.deliveries.get()
    assert (delivery.status, delivery.incoming.number) == (DeliveryStatus.ACCEPTED, 1)
    assert "Đã vào sổ văn bản đến số 1/" in done.content.decode()
    assert done.redirect_chain[-1][0] == reverse("receiving:arrival", args=[delivery.pk])
    assert document.signer_title_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert "1) Hồ sơ dự thi" in document.body
    assert not list((settings.MEDIA_ROOT / "arrival-uploads").glob("*.upload"))


def test_what_could_not_be_read_is_marked_and_must_be_completed(office):
    # given a plain-text plan without issuer, number or date
    clerk = client_for(office.clerk)
    response = _upload(clerk, office, "ke-hoach.txt", SMALL_PLAN.encode())
    # then the page names what it could not read and marks those fields
    page = response.content.decode()
    assert "Không đọc được từ tệp — hãy nhập theo văn bản: Cơ quan ban hành, Cơ quan chủ quản, Số, ký hiệu" in page
    assert 'id="unread-sender"' in page
    assert 'class="unread"' in page

    # when the clerk registers without completing it
    data = _completed(response)
    refused = clerk.post(reverse("receiving:receive-register"), data)
    # then it is refused with the fields named (400), and nothing is written, not even the sender
    assert refused.status_code == 400
    assert refused.context["form"].errors.keys() >= {"sender", "code", "issue_date"}
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()
    assert not Organization.objects.filter(outside=True).exists()

    # when they complete it from the paper
    data |= {"sender": "Phòng Giáo dục và Đào tạo", "sender_parent": "UBND HUYỆN CẦN ĐƯỚC"}
    data |= {"code": "12/KH-PGDĐT", "issue_date": "05/01/2026"}
    response = clerk.post(reverse("receiving:receive-register"), data)
    # then it is registered with what it said and what the clerk added
    assert response.status_code == 302
    document = Document.objects.get(origin=Origin.RECEIVED)
    assert (document.code, document.number, str(document.issue_date)) == ("12/KH-PGDĐT", 12, "2026-01-05")
    assert document.organization.parent_line_name == "UBND HUYỆN CẦN ĐƯỚC"
    assert document.signer_title_lines == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]


def test_paper_without_a_file_is_typed_in(office):
    # given the clerk with a letter on paper only
    clerk = client_for(office.clerk)
    form = clerk.get(reverse("receiving:receive"), {"manual": "1"})
    assert form.status_code == 200
    # when they type its particulars and register
    response = clerk.post(
        reverse("receiving:receive-register"),
        {
            "receiver": office.organization.pk,
            "sender": "Sở Giáo dục và Đào tạo",
            "sender_parent": "UBND TỈNH LONG AN",
            "code": "120/SGDĐT-GDTrH",
            "issue_date": "2026-01-05",
            "doc_type": "cong_van",
            "subject": "Tổ chức hội thi giáo viên dạy giỏi",
            "signer_name": "Nguyễn Văn Giám",
            "signer_title_lines": "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
            "recipient_lines": "- Như trên;\n- Lưu: VT, GDTrH.",
            "urgency": "khan",
            "confidentiality": "normal",
        },
    )
    # then it is registered, with no PDF and so no signature check
    assert response.status_code == 302
    document = Document.objects.get(origin=Origin.RECEIVED)
    assert (document.doc_type.code, document.urgency, document.artifacts.count()) == ("cong_van", "khan", 0)
    page = clerk.get(response["Location"]).content.decode()
    assert "không kèm tệp PDF" in page


def test_a_pdf_changed_after_signing_is_flagged_before_and_after_registering(office, test_ca, keystore, tmp_path):
    # given another office's signed PDF with content drawn over it after signing
    signer = foreign_signer(test_ca, tmp_path, common_name="Nguyễn Văn Giám", organization="Sở GD&ĐT Long An")
    tampered = change_after_signing(sign_foreign(letter_pdf(), signer))
    clerk = client_for(office.clerk)
    # when the clerk uploads it, then the check is shown on the form already
    response = _upload(clerk, office, "ke-hoach-so.pdf", tampered)
    assert "Không hợp lệ: bị thay đổi sau khi ký" in response.content.decode()
    # and once registered, the check is stored with the file's name and shown on the arrival
    registered = clerk.post(reverse("receiving:receive-register"), _completed(response), follow=True)
    check = ArrivalCheck.objects.get()
    assert (check.verdict, check.file_name) == (SignatureVerdict.MODIFIED, "ke-hoach-so.pdf")
    assert 'class="signature-check modified"' in registered.content.decode()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cu.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "Tệp Word cũ (.doc) chưa đọc được"),
        ("hong.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 40, "Không đọc được tệp PDF"),
        ("anh.png", b"\x89PNG\r\n\x1a\n\x00\x00", "Tệp văn bản phải mã hóa UTF-8 (hoặc là PDF, DOCX)."),
        ("hong.docx", b"PK\x03\x04 broken", "Tệp không phải DOCX hợp lệ (tệp nén hỏng)."),
        ("bom.docx", zip_with("word/document.xml", b"<" + b"a" * 60_000_000 + b">"), "giải nén ra quá lớn"),
    ],
    ids=["doc", "pdf", "png", "docx", "docx-bomb"],
)
def test_bad_files_are_a_400_with_the_reason(office, name, data, message):
    # given the clerk uploading a file the reader cannot take
    response = _upload(client_for(office.clerk), office, name, data)
    # then the page answers 400 with the reason, and nothing is kept or written
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(office, monkeypatch):
    # given a limit of 1 kB for the test
    monkeypatch.setattr("receiving.forms.MAX_FILE_BYTES", 1024)
    response = _upload(client_for(office.clerk), office, "lon.txt", SMALL_PLAN.encode() * 10)
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()


def test_only_a_clerk_registers_and_only_their_own_upload(office):
    # given a drafter of the office, and another office's clerk
    other = make_office(name="Phòng Giáo dục và Đào tạo", place_name="Cần Đước", abbreviation="PGDĐT")
    # when the drafter opens the page, then it is refused
    assert client_for(office.drafter).get(reverse("receiving:receive")).status_code == 403
    # when the other clerk replays this clerk's upload token for their own organization
    response = _upload(client_for(office.clerk), office, "ke-hoach.docx", plan_docx())
    data = _completed(response) | {"receiver": other.organization.pk}
    replay = client_for(other.clerk).post(reverse("receiving:receive-register"), data)
    # then the upload is not theirs: refused, nothing written
    assert replay.status_code == 400
    assert "Tệp đã tải lên không còn" in replay.content.decode()
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()
