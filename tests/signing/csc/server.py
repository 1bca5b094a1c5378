"""Run certomancer-csc-dummy (the CSC test server from PyPI) on a free port over a fresh copy of certomancer.yml."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

HERE = Path(__file__).resolve().parent
CREDENTIAL = "csc/signer"


@dataclass(frozen=True)
class CscServer:
    url: str
    credential_id: str
    signer_certificate: asn1_x509.Certificate
    root_pem: Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def csc_server(directory: Path) -> Iterator[CscServer | None]:
    """The server, or None when certomancer-csc-dummy is not installed (the caller skips)."""
    binary = shutil.which("certomancer-csc") or str(Path(__file__).resolve().parents[3] / ".venv/bin/certomancer-csc")
    if not Path(binary).exists():
        yield None
        return
    from certomancer import registry

    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "certomancer.yml"
    shutil.copy(HERE / "certomancer.yml", config)
    for name in ("root", "signer"):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (directory / f"{name}.key.pem").write_bytes(pem)
    arch = registry.CertomancerConfig.from_file(str(config)).get_pki_arch(registry.ArchLabel("csc"))
    root_pem = directory / "csc-root.pem"
    root = arch.get_cert(registry.CertLabel("root"))
    root_pem.write_bytes(asn1_pem.armor("CERTIFICATE", root.dump()))
    port = _free_port()
    # SCAL 2: the authorization is pinned to the hash being signed
    process = subprocess.Popen(  # noqa: S603
        [binary, str(config), str(port), "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=directory
    )
    url = f"http://localhost:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{url}/info", timeout=1):  # noqa: S310
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the CSC test server did not start")
        yield CscServer(url, CREDENTIAL, arch.get_cert(registry.CertLabel("signer")), root_pem)
    finally:
        process.terminate()
        process.wait(timeout=10)
