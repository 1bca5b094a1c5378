"""Issue 9's "done when", on the demo directory and through the folder transport: a plan issued by the Phòng of Cần
Giuộc to an outside body (an outside line carrying the organ code of the demo's THCS Nguyễn Du) leaves as a packet,
comes back in as an arrival at the school, is accepted, assigned and done there, and the Phòng sees each status;
a recall (13) agreed (15) takes the school's copy away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from documents import services
from documents.models import ArtifactKind, Delivery, DeliveryStatus, Document, Origin, ReplacementKind, Status, Urgency
from documents.selectors import receiving_box, visible_documents
from exchange.models import InboundPacket, InboundState, OutboundPacket, PacketKind
from exchange.services import exchange_poll
from organizations.demo import load_directory
from organizations.models import SignatureForm, User
from tests.exchange.helpers import carry, tiny_pdf
from tests.factories import document_type

pytestmark = pytest.mark.django_db
NGUYEN_DU = "001.25.31.H22"


def person(username: str) -> User:
    return User.objects.get(username=username)


@pytest.fixture
def demo(db) -> dict:
    return load_directory()


def issue_plan(demo: dict, subject: str, pdf: bytes) -> Document:
    """The Phòng's plan through its whole lifecycle: drafted, reviewed by the head, signed KT. by the deputy,
    numbered and issued by the clerk, addressed to the school as an outside line with its organ code."""
    drafter, deputy, head, clerk = (
        person(f"cangiuoc.{name}") for name in ("chuyenvien", "pho", "truongphong", "vanthu")
    )
    document = services.document_create(
        actor=drafter,
        organization=demo["pgddt-can-giuoc"],
        doc_type=document_type("ke_hoach"),
        subject=subject,
        body="I. MỤC ĐÍCH, YÊU CẦU\n\nPhối hợp tổ chức giao lưu giữa hai trường.",
        legal_bases=["Căn cứ Kế hoạch số 12/KH-SGDĐT ngày 02/01/2026 của Sở Giáo dục và Đào tạo;"],
        signer=deputy,
        signature_form=SignatureForm.KT,
        urgency=Urgency.KHAN,
        deadline=dt.date(2030, 5, 31),
        recipients=[
            {"display_name": "Trường THCS Nguyễn Du, huyện Tân Hồng", "purpose": "execute", "organ_code": NGUYEN_DU}
        ],
    )
    services.document_submit(document=document, actor=drafter, reviewer=head)
    services.document_approve(document=document, actor=head)
    services.document_sign(document=document, actor=deputy)
    services.document_register(document=document, actor=clerk)
    return services.document_issue(document=document, actor=clerk, issued_pdf=pdf)


def test_a_plan_crosses_the_exchange_is_handled_there_and_the_sender_sees_each_status(
    demo, transport, django_capture_on_commit_callbacks
) -> None:
    phong, school = demo["pgddt-can-giuoc"], demo["thcs-nguyen-du"]
    pdf = tiny_pdf("Ke hoach giao luu")
    # given a plan issued by the Phòng to an outside line with the school's organ code
    with django_capture_on_commit_callbacks(execute=True):
        plan = issue_plan(demo, "Kế hoạch giao lưu chuyên môn giữa hai trường năm 2026", pdf)
    sent = plan.deliveries.get()
    # then it left as one packet, and the delivery reads "sent through the exchange"
    assert sent.status == DeliveryStatus.SENT
    assert len(list(transport.outbox.glob("*.edxml"))) == 1

    # when the platform carries it and the other side polls
    carry(transport)
    with django_capture_on_commit_callbacks(execute=True):
        result = exchange_poll(transport=transport)
    # then it is an arrival for the school's clerk, in the same box as internal arrivals
    assert (result.received, result.accepted, result.refused) == (1, 1, 0)
    arrival = Delivery.objects.get(organization=school, document__origin=Origin.EXCHANGE)
    clerk = person("nguyendu.vanthu")
    assert list(receiving_box(user=clerk, box="arrivals")) == [arrival]
    # and every field of the packet survived export → import
    copy = arrival.document
    assert copy.organization == phong  # filed under its sender
    assert copy.external_id == f"000.21.31.H39,{plan.issue_date:%Y/%m/%d},{plan.code}"
    for field in ("code", "number", "issue_date", "subject", "body", "place_name", "urgency", "deadline", "doc_type"):
        assert getattr(copy, field) == getattr(plan, field), field
    assert copy.signer_name == person("cangiuoc.pho").display_name
    assert copy.signer_title_lines == plan.signer_title_lines == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG"]
    assert copy.recipients.order_by("position").first().display_name == sent.recipient.printed_line
    assert copy.artifacts.get(kind=ArtifactKind.ISSUED).read() == pdf
    assert (copy.status, copy.origin) == (Status.ISSUED, Origin.EXCHANGE)

    # when the school answered 01 on arrival, and the Phòng polls
    carry(transport)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_poll(transport=transport)
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.ARRIVED

    # when the school's clerk accepts it, its head assigns a teacher, who starts and finishes
    teacher, head = person("nguyendu.chuyenvien"), person("nguyendu.hieutruong")
    with django_capture_on_commit_callbacks(execute=True):
        incoming = services.arrival_accept(delivery=arrival, actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_assign(
            delivery=arrival, actor=head, person=teacher, directive="Giao tổ chuyên môn triển khai."
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_start(delivery=arrival, actor=teacher)
    with django_capture_on_commit_callbacks(execute=True):
        services.incoming_finish(delivery=arrival, actor=teacher, result="Đã tổ chức giao lưu ngày 15/4.")
    # then each step left as a status packet back to the Phòng, once each
    codes = list(
        OutboundPacket.objects.filter(delivery=arrival, kind=PacketKind.STATUS)
        .order_by("pk")
        .values_list("status_code", "to_organ")
    )
    assert codes == [(code, "000.21.31.H39") for code in ("01", "03", "04", "05", "06")]

    # when they are carried and the Phòng polls
    carry(transport)
    with django_capture_on_commit_callbacks(execute=True):
        result = exchange_poll(transport=transport)
    assert (result.accepted, result.refused) == (4, 0)
    # then the Phòng's delivery went through every step, as an internal recipient's would
    sent.refresh_from_db()
    assert (sent.status, sent.exchange_code) == (DeliveryStatus.DONE, "06")
    assert sent.acknowledged_at is not None
    history = list(sent.events.order_by("at", "pk").values_list("status", flat=True))
    assert history == [
        DeliveryStatus.QUEUED,
        DeliveryStatus.SENT,
        DeliveryStatus.ARRIVED,
        DeliveryStatus.ACCEPTED,
        DeliveryStatus.ASSIGNED,
        DeliveryStatus.IN_PROGRESS,
        DeliveryStatus.DONE,
    ]
    assert sent.events.get(status=DeliveryStatus.DONE).note == "Đã tổ chức giao lưu ngày 15/4."
    assert incoming.number == 1
    # and the Phòng's clerk reads each status in the deliveries API and on the document's table
    api = APIClient()
    api.force_authenticate(person("cangiuoc.vanthu"))
    rows = api.get(f"/api/documents/{plan.pk}/deliveries/").json()
    rows = rows.get("results", rows)
    assert [step["status"] for step in rows[0]["history"]][2:] == [
        "arrived",
        "accepted",
        "assigned",
        "in_progress",
        "done",
    ]
    assert rows[0]["organ_code"] == NGUYEN_DU
    browser = Client()
    browser.force_login(person("cangiuoc.vanthu"))
    table = browser.get(f"/flow/documents/{plan.pk}/deliveries/").content.decode()
    assert "Đã xử lý xong (06)" in table
    assert f"[{NGUYEN_DU}]" in table


def test_a_recall_crosses_the_exchange_and_the_copy_leaves_the_receivers_boxes(
    demo, transport, django_capture_on_commit_callbacks
) -> None:
    school = demo["thcs-nguyen-du"]
    clerk, school_head = person("nguyendu.vanthu"), person("nguyendu.hieutruong")
    # given a plan that crossed the exchange and was accepted by the school
    with django_capture_on_commit_callbacks(execute=True):
        plan = issue_plan(demo, "Kế hoạch kiểm tra nội bộ trường học năm 2026", tiny_pdf())
    carry(transport)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_poll(transport=transport)
    arrival = Delivery.objects.get(organization=school, document__origin=Origin.EXCHANGE)
    with django_capture_on_commit_callbacks(execute=True):
        services.arrival_accept(delivery=arrival, actor=clerk)
    carry(transport)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_poll(transport=transport)
    sent = plan.deliveries.get()
    assert sent.status == DeliveryStatus.ACCEPTED
    assert visible_documents(user=school_head).filter(pk=arrival.document_id).exists()

    # when the Phòng's head recalls it: a recall packet (Bussiness 1) goes to the school
    with django_capture_on_commit_callbacks(execute=True):
        services.document_recall(document=plan, actor=person("cangiuoc.truongphong"), reason="Ban hành nhầm đối tượng.")
    recall = OutboundPacket.objects.get(delivery=sent, kind=PacketKind.RECALL)
    assert recall.description == "Ban hành nhầm đối tượng."
    carry(transport)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_poll(transport=transport)
    # then the school's delivery is asked back (13) and the clerk finds it in the recall box
    arrival.refresh_from_db()
    assert (arrival.status, arrival.exchange_code) == (DeliveryStatus.RECALL_REQUESTED, "13")
    assert arrival.events.get(status=DeliveryStatus.RECALL_REQUESTED).note == "Ban hành nhầm đối tượng."
    assert list(receiving_box(user=clerk, box="recall")) == [arrival]
    assert Document.objects.get(pk=arrival.document_id).status == Status.RECALLED

    # when the school's clerk agrees (15) and the answer is carried back
    with django_capture_on_commit_callbacks(execute=True):
        services.recall_agree(delivery=arrival, actor=clerk)
    carry(transport)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_poll(transport=transport)
    # then the Phòng's delivery reads 15, and the copy is gone from the school's boxes and reading
    sent.refresh_from_db()
    assert (sent.status, sent.exchange_code) == (DeliveryStatus.RECALLED, "15")
    for box in ("arrivals", "to_assign", "handling", "done", "recall"):
        assert not receiving_box(user=clerk, box=box).filter(pk=arrival.pk).exists(), box
    assert not visible_documents(user=clerk).filter(pk=arrival.document_id).exists()
    assert not visible_documents(user=school_head).filter(pk=arrival.document_id).exists()
    assert InboundPacket.objects.filter(state=InboundState.REFUSED).count() == 0


@pytest.mark.parametrize(("kind", "business"), [(ReplacementKind.REPLACEMENT, "3"), (ReplacementKind.CORRECTION, "2")])
def test_a_replacement_or_correction_crosses_the_exchange_linked_to_the_document_it_amends(
    demo, transport, django_capture_on_commit_callbacks, kind, business
) -> None:
    school = demo["thcs-nguyen-du"]
    drafter, head, clerk = (person(f"cangiuoc.{name}") for name in ("chuyenvien", "truongphong", "vanthu"))
    # given a plan that crossed the exchange to the school
    with django_capture_on_commit_callbacks(execute=True):
        plan = issue_plan(demo, "Kế hoạch bồi dưỡng thường xuyên giáo viên năm 2026", tiny_pdf())
    carry(transport)
    with django_capture_on_commit_callbacks(execute=True):
        exchange_poll(transport=transport)
    first = Delivery.objects.get(organization=school, document__origin=Origin.EXCHANGE)
    # when the Phòng replaces (or corrects) it: the new draft keeps the outside line and its organ code
    amendment = services.draft_correction(document=plan, actor=drafter, kind=kind)
    assert amendment.recipients.get().organ_code == NGUYEN_DU
    services.document_update_draft(document=amendment, actor=drafter, signer=head, body="Nội dung đã sửa.")
    services.document_submit(document=amendment, actor=drafter, reviewer=person("cangiuoc.pho"))
    services.document_approve(document=amendment, actor=person("cangiuoc.pho"))
    services.document_sign(document=amendment, actor=head)
    services.document_register(document=amendment, actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_issue(document=amendment, actor=clerk, issued_pdf=tiny_pdf("Sua"))
    # then its packet says what it does and to which document, by that document's DocumentId
    carried = [(transport.inbox / name).read_text(encoding="utf-8") for name in carry(transport)]
    data = next(text for text in carried if "<edXML:Bussiness>" in text)  # beside it, the school's 01 of the first
    assert f"<edXML:BussinessDocType>{business}</edXML:BussinessDocType>" in data
    assert f"<edXML:DocumentId>{first.document.external_id}</edXML:DocumentId>\n" in data
    # and on the other side it is a new arrival that points at the first one
    with django_capture_on_commit_callbacks(execute=True):
        exchange_poll(transport=transport)
    second = Delivery.objects.filter(organization=school, document__origin=Origin.EXCHANGE).exclude(pk=first.pk).get()
    assert (second.document.replaces_id, second.document.replacement_kind) == (first.document_id, kind)
