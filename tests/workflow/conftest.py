from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def no_signing_keys(tmp_path: Path, settings) -> None:
    """The flow's sign and issue steps go through signing/: with no key on file they record without a PDF."""
    settings.KEYSTORE_DIR = tmp_path / "keys"
    settings.REQUIRE_DIGITAL_SIGNATURE = False
