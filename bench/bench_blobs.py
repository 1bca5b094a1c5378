"""Benchmark: what reading a stored file costs through documents.blobs, against the bare storage read, same run.

Run: .venv/bin/python bench/bench_blobs.py [--sizes 100000 1000000 10000000 --rounds 9] [--s3]

For each size: `blobs.put` of new bytes and of bytes already stored (one exists() and a hash), `blobs.get` (open,
read, SHA-256 check) and, as the baseline, the same file read straight from the storage without the check. Prints
medians and the ratio get / bare read: the price of checking every read. With --s3 the same against moto's S3
server started here (a local HTTP round trip, not a real network). No database is used.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.own_files import use_own_files  # noqa: E402 - after the path


def _median_ms(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _reads(data: bytes, rounds: int) -> tuple[float, float, float]:
    from documents import blobs

    digest = blobs.put(data)

    def bare() -> bytes:
        with blobs.storage().open(blobs.key(digest), "rb") as file:
            return file.read()

    put_again = _median_ms(lambda: blobs.put(data), rounds)
    return put_again, _median_ms(lambda: blobs.get(digest), rounds), _median_ms(bare, rounds)


def _run(label: str, sizes: list[int], rounds: int) -> None:
    from documents import blobs

    print(f"\n{label}")
    print(f"{'size':>10} {'put new':>9} {'put again':>10} {'get':>9} {'bare read':>10} {'get/bare':>9}")
    for size in sizes:
        fresh = [os.urandom(size) for _ in range(rounds)]
        put_new = statistics.median(_median_ms(lambda d=d: blobs.put(d), 1) for d in fresh)
        put_again, get, read = _reads(fresh[0], rounds)
        print(f"{size:>10} {put_new:>8.2f}ms {put_again:>9.2f}ms {get:>8.2f}ms {read:>9.2f}ms {get / read:>8.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--s3", action="store_true")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    use_own_files("blobs")
    django.setup()
    _run(f"file system ({os.environ['DOCUMENTS_STORAGE_DIR']})", args.sizes, args.rounds)
    if args.s3:
        import socket

        import boto3
        from django.conf import settings
        from django.test import override_settings
        from moto.server import ThreadedMotoServer

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        server.start()
        endpoint = f"http://127.0.0.1:{port}"
        keys = {"access_key": "bench", "secret_key": "bench", "region_name": "us-east-1"}
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
            region_name="us-east-1",
        ).create_bucket(Bucket="bench")
        documents = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": "bench", "endpoint_url": endpoint, "file_overwrite": True, **keys},
        }
        try:
            with override_settings(STORAGES={**settings.STORAGES, "documents": documents}):
                _run(f"S3 (moto server at {endpoint})", args.sizes, args.rounds)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
