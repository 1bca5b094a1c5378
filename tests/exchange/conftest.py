"""The exchange tests run the folder transport in a temporary folder of their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from exchange.transports import FolderTransport
from tests.exchange.helpers import folders


@pytest.fixture
def transport(tmp_path: Path, settings) -> FolderTransport:
    settings.EXCHANGE_TRANSPORT = "folder"
    settings.EXCHANGE_FOLDER_IN = tmp_path / "in"
    settings.EXCHANGE_FOLDER_OUT = tmp_path / "out"
    settings.EXCHANGE_SEND_AT_ONCE = True
    return folders(tmp_path)
