"""The room reserved for each CMS signature (pades.bytes_reserved) holds what the signature really carries,
with and without a timestamp, and is reckoned without signing a dummy first."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from documents.models import ArtifactKind
from signing import pades
from signing.keys import KeyStore
from tests.factories import Office
from tests.pki import TestPki
from tests.pki.fixtures import pki, tsa  # noqa: F401 - fixtures
from tests.signing.helpers import artifact, issued_document

pytestmark = pytest.mark.django_db


def _room_and_use(pdf: bytes) -> list[tuple[int, int]]:
    """Per signature: the hex digits reserved in /Contents, and those the CMS fills."""
    reader = PdfFileReader(io.BytesIO(pdf))
    return [
        (len(sig.sig_object["/Contents"].original_bytes) * 2, len(sig.signed_data.dump()) * 2)
        for sig in reader.embedded_signatures
    ]


def _check(pdf: bytes, office: Office, *, timestamped: bool) -> None:
    store = KeyStore()
    expected = [
        pades.bytes_reserved(store.for_user(office.deputy).pyhanko_signer(), object() if timestamped else None),
        pades.bytes_reserved(
            store.for_organization(office.organization).pyhanko_signer(), object() if timestamped else None
        ),
    ]
    rooms = _room_and_use(pdf)
    assert [room for room, _ in rooms] == expected
    for room, used in rooms:
        assert used < room  # it fitted, or pyHanko would have refused to write it
        assert room - used < 40_000  # and the margin stays a few kilobytes, not a second document


def test_the_reserved_room_fits_both_signatures(office_keys: Office) -> None:
    _check(artifact(issued_document(office_keys), ArtifactKind.ISSUED), office_keys, timestamped=False)


def test_the_reserved_room_fits_timestamped_signatures(office_keys: Office, tsa: TestPki) -> None:  # noqa: F811
    _check(artifact(issued_document(office_keys), ArtifactKind.ISSUED), office_keys, timestamped=True)
