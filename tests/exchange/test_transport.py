"""The transport and the outbox: one file per packet written atomically, a send retried after a crash goes out
once, an event delivered twice queues once, a packet for a delivery recalled before it left is not sent, and the
poll (command and periodic task) does both ways."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from documents import services
from documents.events import DocumentEvent
from documents.models import DeliveryStatus
from exchange.consumers import exchange_on_event
from exchange.models import OutboundPacket, OutboundState, PacketKind
from exchange.services import send_pending
from exchange.tasks import exchange_poll_task
from exchange.transports import FolderTransport, get_transport
from tests.exchange.helpers import carry
from tests.exchange.scenario import NGUYEN_DU, receiving_school, report_to_outside, sending_office

pytestmark = pytest.mark.django_db


def test_the_folder_transport_writes_one_file_per_packet_atomically(tmp_path) -> None:
    # given a folder transport
    transport = FolderTransport(tmp_path / "in", tmp_path / "out", max_bytes=100)
    # when one packet id is sent twice (a retry) and another once
    transport.send("a1b2", b"<first/>")
    transport.send("a1b2", b"<second/>")
    transport.send("c3d4", b"<other/>")
    # then each id is one file, the last bytes win, and no temporary file is left behind
    assert sorted(p.name for p in transport.outbox.iterdir()) == ["a1b2.edxml", "c3d4.edxml"]
    assert (transport.outbox / "a1b2.edxml").read_bytes() == b"<second/>"
    # and a packet id that is not a plain name is refused (no path leaves the folder)
    with pytest.raises(ValueError, match="Unsafe"):
        transport.send("../escape", b"x")


def test_receive_offers_packets_until_acknowledged_and_reads_no_more_than_the_limit(tmp_path) -> None:
    # given a folder in with a packet, an oversized one, a file being written and something else
    transport = FolderTransport(tmp_path / "in", tmp_path / "out", max_bytes=10)
    transport.inbox.mkdir()
    (transport.inbox / "small.edxml").write_bytes(b"<edXML/>")
    (transport.inbox / "big.edxml").write_bytes(b"x" * 1000)
    (transport.inbox / ".sending-1.tmp").write_bytes(b"half")
    (transport.inbox / "notes.txt").write_bytes(b"not a packet")
    # when it is read
    offered = dict(transport.receive())
    # then only the packets are offered, the big one cut at the limit + 1 (enough to refuse it as oversized)
    assert offered == {"small.edxml": b"<edXML/>", "big.edxml": b"x" * 11}
    # and an acknowledged packet moves to processed/ and is not offered again
    transport.ack("small.edxml")
    assert [name for name, _ in transport.receive()] == ["big.edxml"]
    assert (transport.processed / "small.edxml").exists()


def test_the_transport_is_chosen_by_setting(settings, tmp_path) -> None:
    settings.EXCHANGE_TRANSPORT = "folder"
    settings.EXCHANGE_FOLDER_IN, settings.EXCHANGE_FOLDER_OUT = tmp_path / "in", tmp_path / "out"
    assert isinstance(get_transport(), FolderTransport)
    settings.EXCHANGE_TRANSPORT = "exchange.nowhere.Connector"
    with pytest.raises(ImproperlyConfigured, match="cannot be imported"):
        get_transport()
    settings.EXCHANGE_TRANSPORT = "collections.OrderedDict"  # imports, but has no send / receive / ack
    with pytest.raises(ImproperlyConfigured, match="does not provide"):
        get_transport()


def test_a_send_retried_after_a_crash_goes_out_once(
    transport, settings, monkeypatch, django_capture_on_commit_callbacks
):
    # given an issued document whose packets wait (nothing sent at once)
    settings.EXCHANGE_SEND_AT_ONCE = False
    office = sending_office()
    with django_capture_on_commit_callbacks(execute=True):
        document = report_to_outside(office)
    packet = OutboundPacket.objects.get(kind=PacketKind.DOCUMENT, to_organ=NGUYEN_DU)
    assert packet.state == OutboundState.PENDING
    # when the process dies right after the transport took the file, before the row was marked sent
    import exchange.outgoing

    def crash(**kwargs):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(exchange.outgoing, "delivery_mark_sent", crash)
    sent, failed = send_pending(transport=transport, ids=[packet.pk])
    # then the file is there but the row is still pending (its transaction rolled back), the delivery still queued
    assert (sent, failed) == (0, 1)
    assert (transport.outbox / f"{packet.packet_id}.edxml").exists()
    packet.refresh_from_db()
    assert (packet.state, packet.attempts) == (OutboundState.PENDING, 1)
    # when the retry runs
    monkeypatch.undo()
    sent, failed = send_pending(transport=transport)
    # then the same packet is written under the same name (the other side sees one packet), marked sent once
    assert (sent, failed) == (OutboundPacket.objects.count(), 0)  # this one and every other waiting packet
    assert len(list(transport.outbox.glob(f"{packet.packet_id}*"))) == 1
    packet.refresh_from_db()
    assert packet.state == OutboundState.SENT
    delivery = packet.delivery
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.events.filter(status=DeliveryStatus.SENT).count() == 1
    # and sending again sends nothing
    assert send_pending(transport=transport) == (0, 0)
    assert document.deliveries.filter(status=DeliveryStatus.SENT).count() == 2


def test_an_event_delivered_twice_queues_its_packets_once(transport, settings, django_capture_on_commit_callbacks):
    # given an issued document and its packets
    settings.EXCHANGE_SEND_AT_ONCE = False
    office = sending_office()
    with django_capture_on_commit_callbacks(execute=True):
        document = report_to_outside(office)
    queued = OutboundPacket.objects.filter(kind=PacketKind.DOCUMENT).count()
    # when the outbox delivers "document_issued" again (at least once)
    event = DocumentEvent(
        name="document_issued",
        document_id=document.pk,
        organization_id=document.organization_id,
        actor_id=None,
        from_state="registered",
        to_state="issued",
    )
    again = exchange_on_event(event)
    # then nothing more is queued
    assert (queued, again) == (2, [])
    assert OutboundPacket.objects.filter(kind=PacketKind.DOCUMENT).count() == 2


def test_a_packet_for_a_delivery_recalled_before_it_left_is_not_sent(
    transport, settings, django_capture_on_commit_callbacks
):
    # given an issued document whose packets have not left yet
    settings.EXCHANGE_SEND_AT_ONCE = False
    office = sending_office()
    with django_capture_on_commit_callbacks(execute=True):
        document = report_to_outside(office)
    # when the head recalls it before the poll (the deliveries still queued become 15 at once)
    with django_capture_on_commit_callbacks(execute=True):
        services.document_recall(document=document, actor=office.head, reason="Sai số liệu.")
    documents = OutboundPacket.objects.filter(kind=PacketKind.DOCUMENT)
    send_pending(transport=transport)
    # then the document packets are cancelled, not sent; no recall packet is needed for what never left
    assert set(documents.values_list("state", flat=True)) == {OutboundState.CANCELLED}
    sent_files = {path.stem for path in transport.outbox.glob("*.edxml")}
    assert sent_files.isdisjoint(str(packet_id) for packet_id in documents.values_list("packet_id", flat=True))
    assert not OutboundPacket.objects.filter(kind=PacketKind.RECALL).exists()
    assert set(document.deliveries.values_list("status", flat=True)) == {DeliveryStatus.RECALLED}


def test_the_poll_command_and_the_periodic_task_do_both_ways(transport, settings, django_capture_on_commit_callbacks):
    # given packets waiting to leave, and a school hosted here that will receive them
    settings.EXCHANGE_SEND_AT_ONCE = False
    receiving_school()
    office = sending_office()
    with django_capture_on_commit_callbacks(execute=True):
        report_to_outside(office)
    # when the command runs: it sends what waits (two document packets, the 03 and 04 answered to the Sở)
    out = StringIO()
    call_command("exchange_poll", stdout=out)
    assert out.getvalue().startswith("Đã gửi 4 gói tin (0 lỗi, thử lại lần sau); đã nhận 0")
    # and when the platform carried them back here and the periodic task runs: the packet for the school is taken
    # in, the school's 01 leaves in the same round; what is for the Sở, not hosted here, is refused and stored
    carry(transport)
    result = exchange_poll_task()
    assert {key: result[key] for key in ("received", "accepted", "refused", "sent")} == {
        "received": 4,
        "accepted": 1,
        "refused": 3,
        "sent": 1,
    }
