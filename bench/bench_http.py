"""Full-lifecycle throughput over HTTP with 1 and with 2 server processes (issue 14, part 4).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vanban_bench_http .venv/bin/python bench/bench_http.py \
        [--docs 80 --clients 8 --keep]

Creates (and at the end drops) its own PostgreSQL database, named by DATABASE_URL, with four offices whose
people get API tokens. Then starts the production server (`scripts/serve`: gunicorn with uvicorn workers) with
WEB_CONCURRENCY=1, then 2, and drives N client threads, each with its own keep-alive connection, through the
API: create → submit → approve → sign → register → issue → archive, every step as the right person of the
office. No keys are issued, so nothing is rendered or signed (the signing bound is bench_lifecycle's). Domain
events are delivered in the request (OUTBOX_DISPATCH=inline, as bench_lifecycle), the channel layer is in
memory (no socket listens). Prints documents per second for each and the ratio of 2 processes to 1.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.own_database import drop_database, recreate_database  # noqa: E402 - after the path
from bench.own_files import use_own_files  # noqa: E402 - after the path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

OFFICES = 4
BODY = "I. MỤC ĐÍCH\n\n1. Rà soát hồ sơ chuyên môn của các tổ.\n\nII. THỰC HIỆN\n\n- Tổ Tổng hợp chủ trì."
START_SECONDS = 60


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=80, help="documents per run")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="server processes, one run each")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


def set_up_offices() -> list[dict[str, Any]]:
    """Four offices; for each, its organization, a dossier, the ids and API tokens of its people."""
    from rest_framework.authtoken.models import Token

    from tests.factories import DossierFactory, make_office

    offices = []
    for _ in range(OFFICES):
        office = make_office()
        dossier = DossierFactory(organization=office.organization)
        people = {role: getattr(office, role) for role in ("drafter", "deputy", "head", "clerk")}
        offices.append(
            {
                "organization": office.organization.pk,
                "dossier": dossier.pk,
                "ids": {role: user.pk for role, user in people.items()},
                "tokens": {role: Token.objects.get_or_create(user=user)[0].key for role, user in people.items()},
            }
        )
    return offices


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(workers: int, log: Any) -> tuple[subprocess.Popen, str]:
    import requests

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_URL", "CELERY_BROKER_URL"}}
    env |= {
        "WEB_CONCURRENCY": str(workers),
        "BIND": f"127.0.0.1:{port}",
        "DEBUG": "false",  # no per-request query log, as in production
        "SECRET_KEY": secrets.token_urlsafe(50),
        "OUTBOX_DISPATCH": "inline",
        "REQUIRE_DIGITAL_SIGNATURE": "false",
        "LOG_LEVEL": "WARNING",
        "SERVE_PID_HEADER": "true",
    }
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "scripts" / "serve"), "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            if requests.get(f"{base}/accounts/login/", timeout=10).status_code == 200:
                return process, base
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            sys.exit(f"the server did not start (log: {log.name})")
        time.sleep(0.2)


def stop_server(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Client:
    """One client thread's connection: keep-alive, each step with the token of the person who does it."""

    def __init__(self, base: str, office: dict[str, Any]) -> None:
        import requests

        self.session = requests.Session()
        self.base = base
        self.office = office
        self.pids: set[str] = set()

    def call(self, role: str, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.session.post(
            f"{self.base}/api/{path}",
            json=payload,
            headers={"Authorization": f"Token {self.office['tokens'][role]}"},
            timeout=60,
        )
        if response.status_code >= 300:
            raise RuntimeError(f"{path} as {role}: {response.status_code} {response.text[:300]}")
        self.pids.add(response.headers.get("X-Worker-Pid", "?"))
        return response.json()

    def lifecycle(self, index: int) -> None:
        office = self.office
        created = self.call(
            "drafter",
            "documents/",
            {
                "organization": office["organization"],
                "doc_type": "ke_hoach",
                "subject": f"Kế hoạch kiểm tra nội bộ đợt {index}",
                "body": BODY,
                "signer": office["ids"]["head"],
                "recipients": [{"display_name": "Các trường trực thuộc", "purpose": "execute"}],
            },
        )
        pk = created["id"]
        self.call("drafter", f"documents/{pk}/submit/", {"reviewer": office["ids"]["deputy"]})
        self.call("deputy", f"documents/{pk}/approve/", {"comment": "Đồng ý."})
        self.call("head", f"documents/{pk}/sign/", {})
        self.call("clerk", f"documents/{pk}/register/", {})
        self.call("clerk", f"documents/{pk}/issue/", {})
        archived = self.call("clerk", f"documents/{pk}/archive/", {"dossier": office["dossier"]})
        if archived["status"] != "archived":
            raise RuntimeError(f"document {pk} ended {archived['status']}")


def run(base: str, offices: list[dict[str, Any]], clients: int, total: int, start: int) -> tuple[float, set[str]]:
    """Documents per second: `total` lifecycles shared by `clients` threads (client i works for office i % 4)."""
    counter = iter(range(start, start + total))
    lock = threading.Lock()
    errors: list[BaseException] = []
    connections = [Client(base, offices[i % len(offices)]) for i in range(clients)]

    def work(client: Client) -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None or errors:
                return
            try:
                client.lifecycle(index)
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=work, args=(c,)) for c in connections]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return total / elapsed, set().union(*(c.pids for c in connections))


def main() -> None:
    args = parse()
    admin = recreate_database()
    use_own_files("http")  # the servers inherit the environment
    import django

    os.environ.setdefault("LOG_LEVEL", "WARNING")
    django.setup()
    from django.core.management import call_command

    try:
        call_command("migrate", verbosity=0)
        offices = set_up_offices()
        print(
            f"Full lifecycle over HTTP (API, tokens), PostgreSQL, {args.clients} clients, {OFFICES} offices, "
            f"{args.docs} documents per run; {os.cpu_count()} cores (shared with other jobs: figures vary)"
        )
        print(f"{'server processes':<18} {'docs/s':>8} {'ms/doc':>8} {'answered by':>12} {'× 1 process':>12}")
        figures: dict[int, float] = {}
        with tempfile.NamedTemporaryFile(prefix="bench-http-", suffix=".log", delete=False) as log:
            for number, workers in enumerate(args.workers):
                process, base = start_server(workers, log)
                try:
                    # warm every worker (URLconf, first connections) before the clock starts
                    run(base, offices, args.clients, args.clients * 2, start=100_000 * (number + 1))
                    rate, pids = run(base, offices, args.clients, args.docs, start=100_000 * (number + 1) + 1000)
                finally:
                    stop_server(process)
                figures[workers] = rate
                ratio = rate / figures[args.workers[0]]
                print(f"{workers:<18} {rate:>8.2f} {1000 / rate:>8.1f} {len(pids):>12} {ratio:>12.2f}")
    finally:
        if args.keep:
            print(f"database kept: {os.environ['DATABASE_URL']}")
        else:
            drop_database(admin)


if __name__ == "__main__":
    main()
