"""A stand-in for the person's desktop signing tool (the Ban Cơ yếu pattern), run as a SEPARATE PROCESS.

It holds the key (a PKCS#12 file), talks to the server only through the one-time link, and never sees the PDF:
GET the link → what to sign (digest algorithm, the /ByteRange digest, the expected certificate); sign the digest
into a detached CMS SignedData (PAdES attributes); POST it back. Prints one JSON line: the HTTP status and the
server's answer.

    python tests/signing/desktop_tool.py URL KEY.p12 PASSPHRASE_FILE [--send garbage|cms|pem] [--twice]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def _call(url: str, data: bytes | None = None, content_type: str = "") -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=data, method="POST" if data is not None else "GET")  # noqa: S310
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 (the test server's http URL)
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _sign(what: dict[str, Any], key_path: Path, passphrase: bytes) -> bytes:
    from pyhanko.sign import signers

    signer = signers.SimpleSigner.load_pkcs12(str(key_path), passphrase=passphrase)
    if signer is None:
        raise SystemExit("cannot open the key file")
    digest = base64.b64decode(what["document_digest"])
    cms = asyncio.run(signer.async_sign(digest, what["digest_algorithm"], use_pades=True))
    return cms.dump()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("key")
    parser.add_argument("passphrase_file")
    parser.add_argument("--send", choices=("cms", "garbage", "pem", "base64json"), default="cms")
    parser.add_argument("--twice", action="store_true", help="post the same signature again (a replay)")
    args = parser.parse_args(argv)

    status, what = _call(args.url)
    if status != 200:
        print(json.dumps({"step": "get", "status": status, "body": what}))  # noqa: T201 (the answer, to the caller)
        return 0
    passphrase = Path(args.passphrase_file).read_bytes().strip()
    der = _sign(what, Path(args.key), passphrase)
    if args.send == "garbage":
        body, content_type = b"\x30\x82" + bytes(range(256)) * 4, "application/pkcs7-signature"
    elif args.send == "pem":
        b64 = base64.encodebytes(der)
        body, content_type = b"-----BEGIN PKCS7-----\n" + b64 + b"-----END PKCS7-----\n", "application/x-pem-file"
    elif args.send == "base64json":
        body = json.dumps({"signature": base64.b64encode(der).decode("ascii")}).encode()
        content_type = "application/json"
    else:
        body, content_type = der, "application/pkcs7-signature"
    results = []
    for _ in range(2 if args.twice else 1):
        status, answer = _call(args.url, body, content_type)
        results.append({"status": status, "body": answer})
    last = results[-1]
    print(json.dumps({"step": "post", "status": last["status"], "body": last["body"], "all": results}))  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
