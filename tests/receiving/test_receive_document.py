"""`manage.py receive_document FILE --organization ID`: the five seeds, a Word plan made here and PDFs, each
registered with the next incoming number and every particular it prints kept as printed."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from documents.models import ArrivalCheck, DeliveryStatus, Document, Origin, SignatureVerdict
from organizations.models import Organ, Organization
from organizations.naming import normalize
from tests.documents.word import plan_docx
from tests.factories import make_office
from tests.signing.foreign import foreign_signer, letter_pdf, sign_foreign
from tests.signing.helpers import artifact, issued_document

pytestmark = pytest.mark.django_db

SEEDS = Path(settings.BASE_DIR).parent / "shared" / "seeds"


@pytest.fixture
def office():
    """A school receiving (the Word plan's issuer, a Phòng of Cần Giuộc, is not hosted: no namesake here)."""
    return make_office(name="Trường THCS Long Hậu", place_name="Cần Giuộc", abbreviation="THCSLH")


def _receive(path: Path, office, *args: str) -> str:
    out = StringIO()
    call_command("receive_document", str(path), "--organization", str(office.organization.pk), *args, stdout=out)
    return out.getvalue()


def _received(office) -> Document:
    return Document.objects.get(origin=Origin.RECEIVED, deliveries__organization=office.organization)


def _printed(text: str) -> list[str]:
    return [" ".join(line.replace("**", "").split()) for line in text.splitlines()]


# Facts of each seed (bodies, places, dates, people, counts): the sender is given because no seed prints its header.
SEED_FACTS = {
    "000": ("Phòng GD&ĐT huyện Cần Giuộc", "Cần Giuộc", dt.date(2019, 3, 6), "ke_hoach", "Võ Trường Tam", 2, 4),
    "001": ("Phòng GD&ĐT huyện Thủ Thừa", "", None, "chuong_trinh", "Võ Văn Mười", 1, 12),
    "002": ("Trường THCS Nguyễn Du", "", None, "ke_hoach", "Nguyễn Văn Đồng Tiến", 1, 5),
    "003": ("Sở GD&ĐT Bến Tre", "Bến Tre", dt.date(2023, 2, 7), "ke_hoach", "La Thị Thúy", 1, 5),
    "004": ("Phòng GD&ĐT Phong Thổ", "Phong Thổ", None, "ke_hoach", "Nguyễn Vương Hùng", 2, 3),
}


@pytest.mark.parametrize("seed", sorted(SEED_FACTS))
def test_each_seed_is_registered_keeping_what_it_says(seed, office, tmp_path):
    if not SEEDS.is_dir():
        pytest.skip("the seed plans (../shared/seeds) are not here")
    source = next(SEEDS.glob(f"{seed}_*.txt"))
    text = source.read_text(encoding="utf-8")
    sender, place, date, doc_type, signer, title_count, recipient_count = SEED_FACTS[seed]

    # given a seed, whose header (issuing body, number) the export lost
    # when it is received without saying so, then it is refused, naming what is missing, and nothing is written
    with pytest.raises(CommandError, match="Cơ quan ban hành") as refused:
        _receive(source, office)
    assert "--allow-incomplete" in str(refused.value)
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()

    # when the clerk gives the sender and lets the rest be incomplete
    output = _receive(source, office, "--sender", sender, "--allow-incomplete")

    # then it is in the register with the next incoming number, the sender an outside body
    document = _received(office)
    delivery = document.deliveries.get()
    assert delivery.status == DeliveryStatus.ACCEPTED
    assert delivery.incoming.number == 1
    assert "Đã vào sổ văn bản đến số 1/" in output
    assert (document.organization.name, document.organization.outside) == (sender, True)
    # and everything the seed prints is kept as printed: place, date, type, trích yếu, signer, every title line
    # (KT. / PHÓ … included) and every "Nơi nhận" line, "Lưu" too
    printed = _printed(text)
    assert (document.place_name, document.issue_date, document.doc_type.code) == (place, date, doc_type)
    assert document.subject.split()[0] in text
    assert " ".join(document.subject.split()[:6]) in " ".join(text.split())
    assert (document.signer_name, len(document.signer_title_lines)) == (signer, title_count)
    for title in document.signer_title_lines:
        assert title.replace(". ", ".") in [line.replace(". ", ".") for line in printed]
    lines = [r.display_name for r in document.recipients.order_by("position")][:-1]  # the last is the receiver's
    assert len(lines) == recipient_count
    assert all(line in printed for line in lines)
    assert re.match(r"^- Lưu:? VT", lines[-1])
    # and what the seed did not say is said
    assert "Số, ký hiệu: (không đọc được)" in output or document.code


def test_seed_004_a_draft_keeps_its_code_without_a_number(office):
    if not SEEDS.is_dir():
        pytest.skip("the seed plans (../shared/seeds) are not here")
    # given the Phong Thổ draft ("Số: /KH-PGDĐT", "ngày tháng năm 2020")
    source = next(SEEDS.glob("004_*.txt"))
    # when it is received, incomplete
    output = _receive(source, office, "--sender", "Phòng GD&ĐT Phong Thổ", "--allow-incomplete")
    # then the code is kept as printed, without a number, and the blank date is pointed out
    document = _received(office)
    assert (document.code, document.number, document.issue_date) == ("/KH-PGDĐT", None, None)
    assert "chưa ghi ngày, tháng" in output


def test_a_word_plan_made_here_keeps_every_particular(office, tmp_path):
    # given a Word plan: two-column header, numbered headings, "TM. / KT. / PHÓ" under a three-line signature
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(plan_docx())
    # when it is received as it is
    output = _receive(path, office)
    # then every particular is kept and it got the next incoming number
    document = _received(office)
    assert (document.organization.name, document.organization.parent_line_name) == (
        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
        "UBND HUYỆN CẦN GIUỘC",
    )
    assert (document.code, document.number, document.issue_date, document.place_name) == (
        "45/KH-PGDĐT",
        45,
        dt.date(2026, 3, 6),
        "Cần Giuộc",
    )
    assert (document.doc_type.code, document.subject) == (
        "ke_hoach",
        "Tổ chức hội thi giáo viên dạy giỏi cấp huyện năm học 2025 - 2026",
    )
    assert document.signer_title_lines == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    assert document.signer_name == "Võ Trường Tam"
    assert [r.display_name for r in document.recipients.order_by("position")][:3] == [
        "- Sở GD&ĐT tỉnh Long An (b/c);",
        "- Các trường THCS (để thực hiện);",
        "- Lưu: VT, TH.",
    ]
    assert "II. NỘI DUNG" in document.body
    assert "1) Hồ sơ dự thi" in document.body
    assert document.deliveries.get().incoming.number == 1
    assert "Đã vào sổ văn bản đến số 1/" in output
    # and a second document of the same sender is filed under the same outside body, with number 2
    second = tmp_path / "ke-hoach-2.docx"
    second.write_bytes(plan_docx(code="Số: 46/KH-PGDĐT"))
    assert "Đã vào sổ văn bản đến số 2/" in _receive(second, office)
    assert Organization.objects.filter(outside=True).count() == 1


def test_the_sender_gets_its_code_from_the_organ_directory(office, tmp_path):
    # given the directory knows the Phòng of Cần Giuộc under its district
    parent = Organ.objects.create(code="000.00.00.H41", name="Ủy ban nhân dân huyện Cần Giuộc", name_key="")
    Organ.objects.filter(pk=parent.pk).update(name_key="uy ban nhan dan huyen can giuoc")
    Organ.objects.create(
        code="000.00.12.H41",
        name="Phòng Giáo dục và Đào tạo huyện Cần Giuộc",
        name_key="phong giao duc va dao tao huyen can giuoc",
        parent=parent,
        parent_code=parent.code,
    )
    path = tmp_path / "ke-hoach.docx"
    path.write_bytes(plan_docx())
    # when the Word plan of "UBND HUYỆN CẦN GIUỘC / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" is received
    output = _receive(path, office)
    # then its sender carries the directory's code
    assert "Mã định danh (theo danh mục): 000.00.12.H41" in output
    assert _received(office).organization.organ_code == "000.00.12.H41"


def test_a_pdf_issued_elsewhere_keeps_its_particulars_and_its_signature_check(office_keys, tmp_path):
    # given the PDF an office issued here (number and date are form fields), received by another by other means
    school = make_office(
        name="Phòng Giáo dục và Đào tạo", place_name="Cần Đước", parent_line_name="UBND HUYỆN CẦN ĐƯỚC"
    )
    source = issued_document(office_keys)
    path = tmp_path / "ke-hoach.pdf"
    path.write_bytes(artifact(source))
    # when the school's clerk receives it
    output = _receive(path, school)
    # then number, code, date, type, subject, signer and lines are the issued document's
    document = _received(school)
    assert (document.code, document.number, document.issue_date) == (source.code, source.number, source.issue_date)
    assert (document.subject, document.signer_name) == (source.subject, office_keys.deputy.full_name)
    assert document.signer_title_lines == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    # the sender is the issuing body, as its header prints it (PostgreSQL finds the hosted one by its name and
    # parent line, case aside; SQLite's iexact knows no Vietnamese capitals and files it as an outside namesake)
    assert normalize(document.organization.name) == normalize(source.organization.name)
    assert document.organization.parent_line_name == source.organization.parent_line_name
    # and its signatures were checked on receipt: valid
    assert "Chữ ký số: Chữ ký số hợp lệ" in output
    assert ArrivalCheck.objects.get(document=document).verdict == SignatureVerdict.VALID


def test_a_pdf_signed_by_a_stranger_is_registered_and_marked_untrusted(office, other_ca, keystore, tmp_path):
    # given another office's PDF, signed with a key of a CA this system does not trust
    signer = foreign_signer(other_ca, tmp_path, common_name="Nguyễn Văn Giám", organization="Sở GD&ĐT Long An")
    path = tmp_path / "ke-hoach-so.pdf"
    path.write_bytes(sign_foreign(letter_pdf(), signer))
    # when it is received
    _receive(path, office)
    # then its particulars are read from the text layer and its check says untrusted
    document = _received(office)
    assert (document.organization.name, document.code, document.signer_name) == (
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "120/KH-SGDĐT",
        "Nguyễn Văn Giám",
    )
    assert document.signer_title_lines == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert ArrivalCheck.objects.get(document=document).verdict == SignatureVerdict.UNTRUSTED


def test_the_command_refuses_what_it_cannot_take(office, tmp_path):
    # given a file that is not a document, an unknown organization and an office with two clerks
    bad = tmp_path / "anh.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 not a document")
    word = tmp_path / "ke-hoach.docx"
    word.write_bytes(plan_docx())
    # when each is received, then each is refused with its reason and nothing is written
    with pytest.raises(CommandError, match="UTF-8"):
        _receive(bad, office)
    with pytest.raises(CommandError, match="Không có cơ quan"):
        call_command("receive_document", str(word), "--organization", "999999")
    with pytest.raises(CommandError, match="không phải văn thư"):
        _receive(word, office, "--clerk", office.head.username)
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()
    assert _receive(word, office, "--dry-run").count("(không đọc được)") == 0
    assert not Document.objects.filter(origin=Origin.RECEIVED).exists()
