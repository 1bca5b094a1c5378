"""A real software PKCS#11 token (Debian's softhsm2) for the tests, with keys made ON it and certificates
from the tests' CA. Register the fixture `softhsm_token` in a test module with
`from tests.signing.softhsm import softhsm_token_fixture`.

softhsm2 reads SOFTHSM2_CONF when the module is initialised (once per process), so the token is made once
per test session in a temporary directory, before python-pkcs11 loads the module.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from signing.ca import CertificateAuthority, issue_certificate

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL = "token-kiem-thu"
USER_PIN = "pin-thu-839201"  # asserted absent from logs by the tests
SO_PIN = "so-pin-thu-5566"
PIN_ENV = "SIGNING_PKCS11_PIN_KIEM_THU"


@dataclass
class SoftToken:
    module: str
    label: str
    pin: str
    pin_env: str
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def add_key(
        self,
        *,
        key_label: str,
        ca: CertificateAuthority,
        common_name: str,
        organization: str = "",
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
    ) -> tuple[bytes, dict[str, Any]]:
        """A new EC P-256 key on the token and its certificate (stored beside it): (certificate DER,
        the directory row's settings_json)."""
        from signing.pkcs11 import provision_key

        key_id = next(self._ids).to_bytes(4, "big")
        der = provision_key(
            module=self.module,
            token_label=self.label,
            pin=self.pin,
            key_label=key_label,
            key_id=key_id,
            issue=lambda public_key: issue_certificate(
                ca,
                public_key,
                common_name=common_name,
                organization=organization,
                not_before=not_before,
                not_after=not_after,
            ),
        )
        return der, self.settings_json(key_label=key_label)

    def settings_json(self, *, key_label: str) -> dict[str, Any]:
        return {"module": self.module, "token_label": self.label, "key_label": key_label, "pin_env": self.pin_env}


@pytest.fixture(scope="session", name="softhsm_token")
def softhsm_token_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SoftToken]:
    """An initialised softhsm2 token in a temporary directory; its PIN in the environment variable PIN_ENV."""
    util = shutil.which("softhsm2-util")
    if util is None or not Path(MODULE).exists():
        pytest.skip("softhsm2 is not installed (scripts/system-deps.sh test installs it)")
    pytest.importorskip("pkcs11", reason="python-pkcs11 is not installed (requirements.txt)")
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = {name: os.environ.get(name) for name in ("SOFTHSM2_CONF", PIN_ENV)}
    os.environ["SOFTHSM2_CONF"] = str(conf)
    os.environ[PIN_ENV] = USER_PIN
    subprocess.run(  # noqa: S603 - a fixed tool, our own arguments
        [util, "--init-token", "--free", "--label", TOKEN_LABEL, "--pin", USER_PIN, "--so-pin", SO_PIN],
        check=True,
        capture_output=True,
        timeout=60,
    )
    import pkcs11

    # If this process loaded the module before (another configuration), make it read the new one.
    library = pkcs11.lib(MODULE)
    library.reinitialize()
    yield SoftToken(module=MODULE, label=TOKEN_LABEL, pin=USER_PIN, pin_env=PIN_ENV)
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
