"""Page images of the issued demo plan for docs/evidence/ (issue 12): page 1 and the signature page.

    .venv/bin/python scripts/evidence.py [--plan "<subject start>"] [--out docs/evidence]

Runs the real demo seeding (`seed_demo`: directory with its signature and seal images, demo keys, the plans taken
through the flow, issued ones signed and sealed with pyHanko) in a throwaway SQLite database and key store, takes
the issued Cần Giuộc plan's stored PDF, and draws its pages with poppler (`pdftoppm -r 80`). Nothing of the
project's own database or keys is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "evidence")
    parser.add_argument("--organization", default="PGDĐT", help="abbreviation of the issuing demo body")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="evidence-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["KEYSTORE_DIR"] = str(work / "keys")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from documents.models import ArtifactKind, DocumentArtifact

    try:
        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0)
        artifact = (
            DocumentArtifact.objects.filter(
                kind=ArtifactKind.ISSUED, document__organization__abbreviation=args.organization
            )
            .select_related("document")
            .order_by("document__number")
            .first()
        )
        if artifact is None:
            raise SystemExit(f"No issued demo plan of {args.organization}.")
        pdf = work / "issued.pdf"
        pdf.write_bytes(artifact.read())
        pages = _page_count(pdf)
        args.out.mkdir(parents=True, exist_ok=True)
        for page, name in ((1, "issued-plan-page-1"), (pages, "issued-plan-last-page")):
            command = ["pdftoppm", "-r", "80", "-png", "-singlefile", "-f", str(page), "-l", str(page)]
            subprocess.run([*command, str(pdf), str(args.out / name)], check=True)  # noqa: S603 - fixed tool, our file
            sys.stdout.write(f"{args.out / name}.png ← {artifact.document.code}, page {page} of {pages}\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


if __name__ == "__main__":
    main()
