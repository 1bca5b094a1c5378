"""Helpers for workflow tests: drive a document through the flow as the right people."""

from __future__ import annotations

from typing import Any

from documents.models import Document
from tests.factories import DossierFactory, Office
from workflow.actions import perform


def run_steps(document: Document, office: Office, *steps: str) -> Document:
    """Take a document through flow steps with `perform`, each by the person the flow assigned it to."""
    who: dict[str, Any] = {
        "submit": lambda d: office.drafter,
        "approve": lambda d: d.reviewer,
        "sign": lambda d: d.signer,
        "register": lambda d: office.clerk,
        "issue": lambda d: office.clerk,
        "archive": lambda d: office.clerk,
    }
    for step in steps:
        params: dict[str, Any] = {}
        if step == "archive":
            params["dossier"] = DossierFactory(organization=office.organization)
        document = perform(document=document, actor=who[step](document), action=step, **params)
    return document


ALL_STEPS = ("submit", "approve", "sign", "register", "issue", "archive")
