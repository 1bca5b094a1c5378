"""Benchmark: render and sign a five-page plan, seal it, verify it.

Run: .venv/bin/python bench/bench_signing.py [--rounds N]

Prints the median time of each step, and each as a ratio to pyHanko signing a blank one-page PDF in the
same run (the floor of any PAdES signature on this machine). Sets Django up itself, on an in-memory
SQLite database and a temporary key store: nothing of the project's data is touched.

Then a row per key backend (PKCS#12 file; PKCS#11 on a softhsm2 token made in a temporary directory, skipped
when softhsm2 is absent): our signer's signature and our organization's (keys resolved through the directory,
the check at signing time included) against pyHanko signing the same PDF with the same backend directly, in
the same run.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import django
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEYS: tempfile.TemporaryDirectory | None = None


def _set_up_django() -> None:
    """Called from main only: the PDF layout's child processes import this module again (as
    __mp_main__), and must not set Django up, nor make key folders, each time."""
    global KEYS
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = "sqlite://:memory:"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    KEYS = tempfile.TemporaryDirectory(prefix="bench-keys-")
    os.environ["KEYSTORE_DIR"] = KEYS.name
    django.setup()


TARGET_PAGES = 5


def _median_seconds(action: Callable[[], object], rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _paired_medians(ours: Callable[[], object], theirs: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Both timed in alternation, round after round: a noisy machine slows both alike, so their ratio holds."""
    ours(), theirs()  # warm both (fonts, keys, the token's session) before timing
    first, second = [], []
    for _ in range(rounds):
        for action, timings in ((ours, first), (theirs, second)):
            started = time.perf_counter()
            action()
            timings.append(time.perf_counter() - started)
    return statistics.median(first), statistics.median(second)


def _plan_body(sections: int) -> str:
    """Invented plan text in the I./1./a)/- structure, long enough for the page count wanted."""
    parts = []
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
    for number in range(sections):
        parts.append(f"{romans[number % len(romans)]}. NHIỆM VỤ TRỌNG TÂM THỨ {number + 1}")
        for item in range(1, 3):
            parts.append(f"{item}. Nâng cao chất lượng dạy và học ở các trường trực thuộc")
            parts.append(
                "a) Các trường rà soát kế hoạch giáo dục, bố trí đủ giáo viên theo định mức, tổ chức sinh hoạt "
                "chuyên môn theo nghiên cứu bài học và báo cáo kết quả về Phòng trước ngày 25 hằng tháng;"
            )
            parts.append(
                "- Tổ chức bồi dưỡng thường xuyên cho đội ngũ, chú trọng kỹ năng ứng dụng công nghệ thông tin "
                "trong dạy học, kiểm tra, đánh giá học sinh; nhân rộng các mô hình hiệu quả trong toàn huyện."
            )
    parts.append("Trên đây là kế hoạch của Phòng; đề nghị các đơn vị nghiêm túc triển khai thực hiện./.")
    return "\n\n".join(parts)


def bench_remote(rounds: int, *, rendered: object, key: object, signer_name: str) -> dict[str, float]:
    """Signatures that wait (signing.remote): the server's share of the person's-tool path (prepare with
    interrupted signing, then embed the returned CMS and verify it) and the CSC path against the CSC test server
    (certomancer-csc-dummy, when installed), each beside pyHanko signing the same PDF with the same backend in
    one call. The person's confirmation time is not counted."""
    import asyncio
    import datetime as dt
    import tempfile as tmp

    from django.utils import timezone

    from signing import pades, remote
    from signing.models import SignatureRequest
    from signing.verification import verify_pdf

    boxes = {"signer_box": rendered.signer_box, "organization_box": rendered.organization_box}  # type: ignore[attr-defined]
    pdf = rendered.pdf  # type: ignore[attr-defined]
    backend = key.pyhanko_signer()  # type: ignore[attr-defined]

    def tool_round() -> bytes:
        prepared = pades.prepare_as_signer(pdf, certificate=backend.signing_cert, signer_name=signer_name, **boxes)
        cms = asyncio.run(backend.async_sign(prepared.document_digest, prepared.digest_algorithm, use_pades=True))
        signed = pades.finish_prepared(prepared, cms.dump())
        assert verify_pdf(signed).signatures[-1].intact
        return signed

    results = {
        "remote: pyHanko one call, same PKCS#12 key": _median_seconds(
            lambda: pades.sign_as_signer(pdf, key=key, signer_name=signer_name, **boxes), rounds
        ),
        "remote: person's tool (prepare+sign+embed+verify)": _median_seconds(tool_round, rounds),
    }
    try:
        from tests.signing.csc.server import csc_server
    except ImportError:
        return results
    with tmp.TemporaryDirectory(prefix="bench-csc-") as directory, csc_server(Path(directory)) as server:
        if server is None:
            return results
        csc_backend = remote.RemoteBackend(
            kind="csc",
            certificate=server.signer_certificate,
            service_url=server.url,
            credential_id=server.credential_id,
        )

        def csc_round(verify: bool) -> bytes:
            prepared = pades.prepare_as_signer(
                pdf, certificate=server.signer_certificate, signer_name=signer_name, **boxes
            )
            request = SignatureRequest(
                deadline=timezone.now() + dt.timedelta(minutes=5),
                document_digest=prepared.document_digest,
                digest_algorithm=prepared.digest_algorithm,
                expected_certificate=server.signer_certificate.dump(),
            )
            signed = pades.finish_prepared(prepared, remote._csc_cms(request, csc_backend))
            if verify:
                assert verify_pdf(signed).signatures[-1].intact
            return signed

        def csc_direct() -> bytes:
            async def run() -> bytes:
                import aiohttp
                from pyhanko.sign.signers import csc_signer

                info = csc_signer.CSCServiceSessionInfo(server.url, server.credential_id)
                async with aiohttp.ClientSession() as session:
                    credential = await csc_signer.fetch_certs_in_csc_credential(session, info)

                    class Authorize(csc_signer.CSCAuthorizationManager):
                        async def authorize_signature(self, hash_b64s: list[str]) -> csc_signer.CSCAuthorizationInfo:
                            url = info.endpoint_url("credentials/authorize")
                            body = self.format_csc_auth_request(hash_b64s=hash_b64s)
                            async with session.post(url, json=body, raise_for_status=True) as response:
                                return self.parse_csc_auth_response(await response.json())

                    signer = csc_signer.CSCSigner(session, Authorize(info, credential))
                    writer, pdf_signer = pades._signer_session(
                        pdf, backend=signer, signer_name=signer_name, location="", signature_image=None, **boxes
                    )
                    output = await pdf_signer.async_sign_pdf(writer)
                    return output.getvalue()

            return asyncio.run(run())

        results["remote: pyHanko one call, same CSC service"] = _median_seconds(csc_direct, rounds)
        results["remote: CSC request (prepare+sign+embed)"] = _median_seconds(lambda: csc_round(False), rounds)
        results["remote: CSC request (… + verify)"] = _median_seconds(lambda: csc_round(True), rounds)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    rounds = parser.parse_args().rounds

    _set_up_django()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)

    from django.core.cache import cache
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from weasyprint import HTML

    from organizations.models import SignatureForm
    from signing import layout_worker, pades
    from signing.keys import KeyStore
    from signing.rendering import SIGNER_ANCHOR, render_html, render_pdf
    from signing.verification import load_trust_roots, verify_pdf
    from tests.factories import make_draft, make_office

    office = make_office()
    call_command("issue_demo_certificates", stdout=io.StringIO())
    store = KeyStore()
    signer_key, organization_key = store.for_user(office.deputy), store.for_organization(office.organization)
    trust_roots = load_trust_roots()

    sections = 3
    while True:
        document = make_draft(office, signer=office.deputy, signature_form=SignatureForm.KT, body=_plan_body(sections))
        rendered = render_pdf(document)
        if rendered.page_count >= TARGET_PAGES:
            break
        sections += 1

    signed = pades.sign_as_signer(
        rendered.pdf,
        key=signer_key,
        signer_box=rendered.signer_box,
        organization_box=rendered.organization_box,
        signer_name=office.deputy.full_name,
    )
    values = {"so": "Số: 12/KH-PGDĐT", "ngay": "Cần Giuộc, ngày 06 tháng 3 năm 2026"}
    issued = pades.fill_and_seal(
        signed, values=values, key=organization_key, organization_name=office.organization.name
    )
    report = verify_pdf(issued, trust_roots=trust_roots)
    assert report.ok, report.summary

    blank = HTML(string="<p></p>").write_pdf()
    baseline_signer = signer_key.pyhanko_signer()

    def sign_blank() -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(blank))
        meta = signers.PdfSignatureMetadata(field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES)
        return signers.sign_pdf(writer, meta, signer=baseline_signer).getvalue()

    results = {
        "baseline: pyHanko signs a blank 1-page PDF": _median_seconds(sign_blank, rounds),
        # The render cache (docs/architecture.md, "Render cache") would answer every round but the first:
        # emptied before each round here, so this row stays the layout's cost.
        f"render ({rendered.page_count} pages, WeasyPrint)": _median_seconds(
            lambda: (cache.clear(), render_pdf(document)), rounds
        ),
        "render, second time (cached)": _median_seconds(lambda: render_pdf(document), rounds),
        "  of which layout alone, in this process (no time limit)": _median_seconds(
            lambda: layout_worker.lay_out(render_html(document, filled=False, for_pdf=True), (SIGNER_ANCHOR,)),
            rounds,
        ),
        "signer signature (certify, stamp, org field)": _median_seconds(
            lambda: pades.sign_as_signer(
                rendered.pdf,
                key=signer_key,
                signer_box=rendered.signer_box,
                organization_box=rendered.organization_box,
                signer_name=office.deputy.full_name,
            ),
            rounds,
        ),
        "organization signature (fill + seal)": _median_seconds(
            lambda: pades.fill_and_seal(
                signed, values=values, key=organization_key, organization_name=office.organization.name
            ),
            rounds,
        ),
        "verification (2 signatures, diff analysis)": _median_seconds(
            lambda: verify_pdf(issued, trust_roots=trust_roots), rounds
        ),
    }
    results |= bench_remote(rounds, rendered=rendered, key=signer_key, signer_name=office.deputy.full_name)
    baseline = next(iter(results.values()))
    print(f"Signing benchmark — median of {rounds} rounds, {len(issued) // 1024} KiB issued PDF")
    print(f"{'step':<48} {'median ms':>10} {'× baseline':>11}")
    for name, seconds in results.items():
        print(f"{name:<48} {seconds * 1000:>10.1f} {seconds / baseline:>11.1f}")

    _bench_backends(office, rendered, signed, values, rounds)
    KEYS.cleanup()


SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so"


def _softhsm_token(directory: Path, pin: str) -> bool:
    """A fresh softhsm2 token in `directory` (before python-pkcs11 loads the module); False when absent."""
    util = shutil.which("softhsm2-util")
    if util is None or not Path(SOFTHSM_MODULE).exists():
        return False
    (directory / "tokens").mkdir(parents=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(  # noqa: S603 - a fixed tool, our own arguments
        [util, "--init-token", "--free", "--label", "bench", "--pin", pin, "--so-pin", pin + "-so"],
        check=True,
        capture_output=True,
    )
    return True


def _bench_backends(office, rendered, signed: bytes, values: dict, rounds: int) -> None:
    """Ours (pades, keys from the directory) against pyHanko alone with the same backend on the same PDF."""
    import secrets

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    from organizations.models import User
    from signing import pades
    from signing.ca import issue_certificate, load_ca
    from signing.credentials import credential_register
    from signing.keys import KeyStore
    from signing.models import Backend, SigningCredential

    def plain(pdf: bytes, backend: signers.Signer) -> bytes:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES)
        return signers.sign_pdf(writer, meta, signer=backend).getvalue()

    def ours_signer() -> bytes:
        return pades.sign_as_signer(
            rendered.pdf,
            key=KeyStore().for_user(office.deputy),
            signer_box=rendered.signer_box,
            organization_box=rendered.organization_box,
            signer_name=office.deputy.full_name,
        )

    def ours_organization() -> bytes:
        return pades.fill_and_seal(
            signed,
            values=values,
            key=KeyStore().for_organization(office.organization),
            organization_name=office.organization.name,
        )

    rows: list[tuple[str, float, float]] = []
    store = KeyStore()
    # PKCS#12: the demo files, registered in the directory; pyHanko loads the same file itself each time.
    admin = User.objects.create_superuser("bench-admin", password="x")

    for owner, path in (
        (office.deputy, store.user_key_path(office.deputy)),
        (office.organization, store.organization_key_path(office.organization)),
    ):
        certificate = store._load(path).certificate.dump()
        kind = {"organization": owner} if owner is office.organization else {"user": owner}
        credential_register(actor=admin, backend=Backend.PKCS12, certificate_der=certificate, **kind)
    passphrases = {
        p: store._load(p).passphrase
        for p in (store.user_key_path(office.deputy), store.organization_key_path(office.organization))
    }

    def direct_p12(path: Path) -> signers.Signer:
        return signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), (), passphrase=passphrases[path])

    user_path, org_path = store.user_key_path(office.deputy), store.organization_key_path(office.organization)
    rows.append(
        (
            "pkcs12  signer's signature",
            *_paired_medians(ours_signer, lambda: plain(rendered.pdf, direct_p12(user_path)), rounds),
        )
    )
    rows.append(
        (
            "pkcs12  organization's signature",
            *_paired_medians(ours_organization, lambda: plain(signed, direct_p12(org_path)), rounds),
        )
    )

    # PKCS#11: keys made on a softhsm2 token, certificates from the demo CA, rows replaced by token rows.
    pin = secrets.token_hex(8)
    os.environ["SIGNING_PKCS11_PIN"] = pin
    token_dir = Path(KEYS.name) / "softhsm"
    if _softhsm_token(token_dir, pin):
        from pyhanko.config.pkcs11 import TokenCriteria
        from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

        from signing.pkcs11 import provision_key

        ca = load_ca(store.base_dir, passphrase=(store.base_dir / "ca.key.pass").read_bytes().strip())
        SigningCredential.objects.all().delete()
        for index, (owner, name) in enumerate(
            ((office.deputy, office.deputy.full_name), (office.organization, office.organization.name)), start=1
        ):
            der = provision_key(
                module=SOFTHSM_MODULE,
                token_label="bench",
                pin=pin,
                key_label=f"k{index}",
                key_id=bytes([index]),
                issue=lambda key, name=name: issue_certificate(ca, key, common_name=name),
            )
            kind = {"organization": owner} if owner is office.organization else {"user": owner}
            credential_register(
                actor=admin,
                backend=Backend.PKCS11,
                certificate_der=der,
                settings_json={"module": SOFTHSM_MODULE, "token_label": "bench", "key_label": f"k{index}"},
                **kind,
            )

        def direct_p11(pdf: bytes, label: str) -> bytes:
            session = open_pkcs11_session(SOFTHSM_MODULE, token_criteria=TokenCriteria(label="bench"), user_pin=pin)
            try:
                return plain(pdf, PKCS11Signer(session, key_label=label, use_raw_mechanism=True))
            finally:
                session.close()

        rows.append(
            (
                "pkcs11  signer's signature",
                *_paired_medians(ours_signer, lambda: direct_p11(rendered.pdf, "k1"), rounds),
            )
        )
        rows.append(
            (
                "pkcs11  organization's signature",
                *_paired_medians(ours_organization, lambda: direct_p11(signed, "k2"), rounds),
            )
        )
    else:
        print("pkcs11 rows skipped: softhsm2 is not installed")

    print()
    print("Per backend: ours (directory + check + pades) against pyHanko alone, same backend, same PDF")
    print(f"{'backend and signature':<40} {'ours ms':>9} {'pyHanko ms':>11} {'ratio':>7}")
    for name, ours, direct in rows:
        print(f"{name:<40} {ours * 1000:>9.1f} {direct * 1000:>11.1f} {ours / direct:>7.2f}")


if __name__ == "__main__":
    main()
