"""The text as written: emphasis marks read once, the type name as printed, purposes as written (issue 12)."""

from __future__ import annotations

import pytest

from documents import services
from documents.emphasis import Run, plain, runs
from documents.errors import ValidationFailed
from documents.models import DocumentType
from tests.factories import Office, make_draft


def test_emphasis_marks_become_runs_and_leave_the_words_alone() -> None:
    # given text with bold, italic, nested and stray marks, and a footnote mark
    text = "a **đậm *nghiêng* trong** b *“Tên phong trào”*; ghi chú (*) và **thừa"

    # when it is read
    found = runs(text)

    # then each run has its weight and slant, the footnote keeps its "*", the stray "**" goes
    assert found == [
        Run("a "),
        Run("đậm ", bold=True),
        Run("nghiêng", bold=True, italic=True),
        Run(" trong", bold=True),
        Run(" b "),
        Run("“Tên phong trào”", italic=True),
        Run("; ghi chú (*) và thừa"),
    ]
    assert plain("2*3*4 = 24, x*y") == "2*3*4 = 24, x*y"


def test_type_title_must_name_the_type(office: Office) -> None:
    # given a draft of a plan (Kế hoạch)
    document = make_draft(office)

    # when the drafter gives a printed type name that is not a Kế hoạch's, then it is refused in Vietnamese
    with pytest.raises(ValidationFailed, match="phải bắt đầu bằng “KẾ HOẠCH”"):
        services.document_update_draft(document=document, actor=office.drafter, type_title="CHƯƠNG TRÌNH HÀNH ĐỘNG")

    # and a longer name of its own type is kept, upper case; the name alone is not stored
    edited = services.document_update_draft(document=document, actor=office.drafter, type_title="Kế hoạch liên tịch")
    assert edited.type_title == "KẾ HOẠCH LIÊN TỊCH"
    assert services.document_update_draft(document=edited, actor=office.drafter, type_title="KẾ HOẠCH").type_title == ""


def test_a_new_type_drops_a_printed_name_that_no_longer_names_it(office: Office) -> None:
    # given a draft printed "KẾ HOẠCH LIÊN TỊCH"
    document = services.document_update_draft(
        document=make_draft(office), actor=office.drafter, type_title="KẾ HOẠCH LIÊN TỊCH"
    )

    # when its type becomes a Chương trình
    programme = DocumentType.objects.get_or_create(
        code="chuong_trinh", defaults={"name": "Chương trình", "abbreviation": "CTr"}
    )[0]
    edited = services.document_update_draft(document=document, actor=office.drafter, doc_type=programme)

    # then the old printed name goes with the old type
    assert edited.type_title == ""


def test_a_purpose_as_written_must_say_the_purpose_chosen(office: Office) -> None:
    # given a draft
    document = make_draft(office)

    # when a line says "để biết" for a purpose chosen "báo cáo", then it is refused naming the line
    with pytest.raises(ValidationFailed, match="Dòng 1: mục đích ghi “để biết” không khớp"):
        services.document_update_draft(
            document=document,
            actor=office.drafter,
            recipients=[{"display_name": "Sở GD&ĐT", "purpose": "report", "purpose_text": "để biết"}],
        )

    # and "(để b/c)" for "báo cáo" is kept and printed as written; "b/c", the label itself, is not stored
    edited = services.document_update_draft(
        document=document,
        actor=office.drafter,
        recipients=[
            {"display_name": "Sở GD&ĐT", "purpose": "report", "purpose_text": "(để b/c)"},
            {"display_name": "UBND huyện", "purpose": "report", "purpose_text": "b/c"},
        ],
    )
    lines = list(edited.recipients.order_by("position"))
    assert [(r.purpose_text, r.printed_line) for r in lines] == [
        ("để b/c", "Sở GD&ĐT (để b/c)"),
        ("", "UBND huyện (b/c)"),
    ]
    assert edited.current_version.content["recipients"][0]["purpose_text"] == "để b/c"


def test_a_typed_recipient_line_keeps_its_purpose_as_written() -> None:
    # given lines as a drafter types them into the form or a plan prints them
    from documents.importer import parse_recipient

    # then the purpose is read, and its wording kept only where it is not the label
    assert parse_recipient("- Sở GD&ĐT tỉnh Long An (để b/c);") == {
        "display_name": "Sở GD&ĐT tỉnh Long An",
        "purpose": "report",
        "purpose_text": "để b/c",
    }
    assert parse_recipient("- UBND huyện (b/c);") == {"display_name": "UBND huyện", "purpose": "report"}
    assert parse_recipient("- Ban Giám đốc (để biết);") == {"display_name": "Ban Giám đốc", "purpose": "inform"}
