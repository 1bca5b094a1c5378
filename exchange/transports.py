"""How packets leave and arrive: a small interface, and the folder transport that is the embedded default.

A transport knows nothing of documents: it moves bytes named by a packet id. `send` must be idempotent for one id
(a retry after a crash sends the same bytes under the same name), `receive` lists what is waiting without removing
it, `ack` removes one item once the receiving side committed what it made of it. A connector for the national
platform's REST service (send / list received / fetch / update transport status, HMAC headers) implements the same
three methods and is named in `EXCHANGE_TRANSPORT` (docs/exchange.md, "Plugging in a connector").
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

SUFFIX = ".edxml"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")


@runtime_checkable
class Transport(Protocol):
    def send(self, packet_id: str, data: bytes) -> None:
        """Hand one packet over; the same id sent twice is one packet on the other side."""

    def receive(self) -> Iterator[tuple[str, bytes]]:
        """What is waiting, as (name, bytes); an item stays until acknowledged. Bytes beyond the packet limit
        need not be read: the limit + 1 is enough for the receiver to refuse it as oversized."""

    def ack(self, name: str) -> None:
        """The receiving side committed what it made of this item: do not offer it again."""


class FolderTransport:
    """One file per packet: `<outbox>/<packet id>.edxml` out, `<inbox>/*.edxml` in.

    A file is written to a temporary name in the same folder, flushed to disk, then renamed over its final name, so
    a reader never sees half a packet and a repeated send overwrites the same name. Acknowledged files move to
    `<inbox>/processed/` (kept for inspection; clean it as the archive policy says).
    """

    def __init__(self, inbox: Path | str, outbox: Path | str, *, max_bytes: int) -> None:
        self.inbox, self.outbox, self.max_bytes = Path(inbox), Path(outbox), max_bytes
        self.processed = self.inbox / "processed"

    def send(self, packet_id: str, data: bytes) -> None:
        if not _SAFE_NAME.fullmatch(packet_id):
            raise ValueError(f"Unsafe packet id for a file name: {packet_id!r}")
        self.outbox.mkdir(parents=True, exist_ok=True)
        target = self.outbox / f"{packet_id}{SUFFIX}"
        handle, temporary = tempfile.mkstemp(dir=self.outbox, prefix=".sending-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def receive(self) -> Iterator[tuple[str, bytes]]:
        if not self.inbox.is_dir():
            return
        for path in sorted(self.inbox.iterdir(), key=lambda p: (p.stat().st_mtime, p.name)):
            if not path.is_file() or path.name.startswith(".") or not path.name.endswith(SUFFIX):
                continue
            with path.open("rb") as stream:
                yield path.name, stream.read(self.max_bytes + 1)

    def ack(self, name: str) -> None:
        source = self.inbox / Path(name).name
        if not source.exists():
            return
        self.processed.mkdir(parents=True, exist_ok=True)
        source.replace(self.processed / source.name)


def get_transport() -> Transport:
    """The transport named by `EXCHANGE_TRANSPORT`: "folder" (the default), or the dotted path of a class (or
    factory) that takes no argument and reads its own settings."""
    name = getattr(settings, "EXCHANGE_TRANSPORT", "folder")
    if name == "folder":
        return FolderTransport(
            settings.EXCHANGE_FOLDER_IN, settings.EXCHANGE_FOLDER_OUT, max_bytes=settings.EXCHANGE_MAX_PACKET_BYTES
        )
    try:
        factory = import_string(name)
    except ImportError as exc:
        raise ImproperlyConfigured(f"EXCHANGE_TRANSPORT={name!r} cannot be imported: {exc}") from exc
    transport = factory()
    if not isinstance(transport, Transport):
        raise ImproperlyConfigured(f"EXCHANGE_TRANSPORT={name!r} does not provide send, receive and ack.")
    return transport
