"""Helpers of the records tests: a signed-in client, a PDF's text, issued documents."""

from __future__ import annotations

import io
import subprocess
import tempfile
from typing import Any

from django.test import Client
from pypdf import PdfReader

from documents.models import Document
from tests.factories import Office, advance, make_draft


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_text(pdf: bytes) -> str:
    """What pdftotext (poppler) reads in the file, as a person copying it would get it."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(  # noqa: S603 — a fixed tool on a file of our own
            ["pdftotext", "-raw", handle.name, "-"],  # noqa: S607
            capture_output=True,
            check=True,
            text=True,
        ).stdout


def pdf_words(pdf: bytes) -> str:
    """The PDF's text with every run of white space (a wrapped cell's line break) made one space."""
    return " ".join(pdf_text(pdf).split())


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def issued(office: Office, subject: str, **fields: Any) -> Document:
    return advance(make_draft(office, subject=subject, **fields), office, to="issued")
