"""Two pollers at once on a real PostgreSQL: a packet taken in twice at the same moment makes one arrival, and a
packet sent by two rounds at the same moment goes out once."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import close_old_connections, connection

from documents.models import Delivery
from exchange.models import InboundPacket, InboundState, OutboundPacket, OutboundState
from exchange.services import receive_packet, send_pending
from exchange.transports import FolderTransport
from tests.exchange.helpers import PACKETS, tiny_pdf, zipped
from tests.exchange.scenario import receiving_school
from tests.factories import document_type

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def catalogue() -> None:
    # A transactional test's flush empties the catalogue the migrations loaded: the types the packets name.
    for code in ("ke_hoach", "cong_van"):
        document_type(code)


def at_once(work: Callable[[int], object], count: int) -> list[object]:
    """`count` threads, each with its own connection, released together; their results (or exceptions)."""
    start = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work(index)
        except BaseException as exc:  # reported by the caller; a thread must not die silently
            results[index] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def packet(paper: int) -> bytes:
    text = (PACKETS / "lenient_document.edxml").read_text(encoding="utf-8")
    text = text.replace("{ZIP}", base64.b64encode(zipped("KH.pdf", tiny_pdf())).decode("ascii"))
    return text.replace("<edXML:Paper>1</edXML:Paper>", f"<edXML:Paper>{paper}</edXML:Paper>").encode("utf-8")


def test_the_same_document_taken_in_by_four_pollers_at_once_is_one_arrival() -> None:
    # given a school, and one document in two different byte forms (a resend), each seen by two pollers
    assert connection.vendor == "postgresql"
    receiving_school()
    forms = [packet(1), packet(0)]
    # when four pollers take them in at the same moment
    results = at_once(lambda i: receive_packet(name=f"p{i}.edxml", data=forms[i % 2]), 4)
    # then there is one arrival and one 01; one packet is accepted, the three others are duplicates
    assert [r for r in results if isinstance(r, BaseException)] == []
    states = sorted(InboundPacket.objects.values_list("state", flat=True))
    assert states == [InboundState.ACCEPTED] + [InboundState.DUPLICATE] * 3
    assert Delivery.objects.filter(document__external_id="000.00.10.H39,2026/03/06,1/KH-SGDĐT").count() == 1
    assert OutboundPacket.objects.filter(status_code="01").count() == 1


def test_a_packet_sent_by_two_rounds_at_once_goes_out_once(tmp_path: Path, settings) -> None:
    # given an arrival whose 01 waits to leave
    receiving_school()
    settings.EXCHANGE_SEND_AT_ONCE = False
    assert receive_packet(name="p.edxml", data=packet(1)).state == InboundState.ACCEPTED
    transport = FolderTransport(tmp_path / "in", tmp_path / "out", max_bytes=10_000_000)
    # when two rounds send at the same moment
    results = at_once(lambda _i: send_pending(transport=transport), 2)
    # then it went out once, in one file, and is marked sent
    assert sorted(results) == [(0, 0), (1, 0)]
    assert len(list(transport.outbox.glob("*.edxml"))) == 1
    assert OutboundPacket.objects.get().state == OutboundState.SENT
