"""The signing tests' own PKI, served for real: Certomancer's Animator (TSA, OCSP, CRLs, certificates) on
127.0.0.1:<free port> in a thread, one per test session.

Keys are made at start (RSA 2048, in a temporary folder), the validity dates are relative to today so the
tests do not age: CAs ±50 years, the main TSA 30 years, a TSA that expires in 100 days, signers valid from a
year ago for two more years, one of them revoked yesterday.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from string import Template

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

CONFIG = Path(__file__).with_name("vanban-test-pki.yml")
ARCH = "vanban"
KEYS = ("root", "interm", "ocsp", "tsa", "tsa-short", "signer", "revoked", "org")
PASSPHRASE = b"pki-thu-nghiem"


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


@dataclass
class TestPki:
    """The running PKI: its architecture (certificates, keys), its base URL and the service URLs."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    arch: object
    url: str
    now: dt.datetime
    _server: object = field(repr=False, default=None)

    @property
    def tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa"

    @property
    def short_tsa_url(self) -> str:
        return f"{self.url}/{ARCH}/tsa/tsa-short"

    def cert(self, label: str) -> asn1_x509.Certificate:
        return self.arch.get_cert(label)

    @property
    def root(self) -> asn1_x509.Certificate:
        return self.cert("root")

    @property
    def intermediates(self) -> list[asn1_x509.Certificate]:
        return [self.cert("interm")]

    def pkcs12(self, label: str) -> bytes:
        """The certificate `label` with its key and chain, as KeyStore reads it (passphrase PASSPHRASE)."""
        return self.arch.package_pkcs12(label, certs_to_embed=["interm", "root"], password=PASSPHRASE)

    def signer(self, label: str = "signer"):
        from pyhanko.sign import signers
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        return signers.SimpleSigner(
            signing_cert=self.cert(label),
            signing_key=self.arch.key_set.get_private_key(label),
            cert_registry=SimpleCertificateStore.from_certs([self.cert("interm"), self.root]),
        )

    def write_roots(self, folder: Path) -> Path:
        """The root as a PEM file in `folder` (a trust folder as an administrator fills it)."""
        folder.mkdir(parents=True, exist_ok=True)
        from asn1crypto import pem

        (folder / "vanban-test-root.pem").write_bytes(pem.armor("CERTIFICATE", self.root.dump()))
        return folder


def _write_keys(folder: Path) -> None:
    for label in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem_bytes = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (folder / f"{label}.pem").write_bytes(pem_bytes)


def pki_config(url: str, *, prefix: str) -> tuple[object, dt.datetime]:
    """The test PKI's Certomancer configuration with its services at `url`, its keys in a new folder, and its
    dates around now: a CA from two years ago, signers valid a year back and two ahead, one revoked yesterday."""
    from certomancer.registry import CertomancerConfig

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _write_keys(folder)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    day = dt.timedelta(days=1)
    text = Template(CONFIG.read_text(encoding="utf-8")).substitute(
        url=url,
        keydir=str(folder),
        ca_from=_iso(now - 730 * day),
        ca_to=_iso(now + 50 * 365 * day),
        tsa_to=_iso(now + 30 * 365 * day),
        tsa_short_to=_iso(now + 100 * day),
        signer_from=_iso(now - 365 * day),
        signer_to=_iso(now + 730 * day),
        revoked_since=_iso(now - day),
    )
    return CertomancerConfig.from_yaml(text, key_search_dir=str(folder)), now


@cache
def running_pki() -> TestPki:
    """Start the Animator once per process; the thread is a daemon and ends with the test run."""
    from certomancer.integrations.animator import Animator, AnimatorArchStore
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args: object, **kwargs: object) -> None:  # pytest output stays readable
            pass

    app_holder: dict[str, object] = {}

    def app(environ, start_response):  # the Animator, once it exists (its URLs need the port first)
        return app_holder["app"](environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    config, now = pki_config(url, prefix="vanban-pki-")
    arch = config.get_pki_arch(ARCH)
    app_holder["app"] = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    threading.Thread(target=server.serve_forever, name="certomancer-animator", daemon=True).start()
    return TestPki(arch=arch, url=url, now=now, _server=server)
