"""`manage.py seed_demo`: the demo directory and plans at every stage. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from documents import services
from documents.dates import vn_today
from documents.demo import load_plans
from documents.models import Document, Dossier
from organizations.demo import load_directory
from organizations.models import Organization, Role
from signing.services import issue_step, sign_step


def _flow_interface() -> tuple[Any, Any]:
    """The flow's entry points when the workflow app provides them, so demo plans get their tasks."""
    try:
        from workflow import actions
    except ImportError:
        return _create_with_services, _act_with_services
    return actions.create_document, actions.perform


def _create_with_services(*, actor: Any, **fields: Any) -> Document:
    return services.document_create(actor=actor, **fields)


def _act_with_services(*, document: Document, actor: Any, action: str, comment: str = "", **params: Any) -> Document:
    calls = {
        "submit": lambda: services.document_submit(document=document, actor=actor, reviewer=params.get("reviewer")),
        "approve": lambda: services.document_approve(document=document, actor=actor, comment=comment),
        "return": lambda: services.document_return(document=document, actor=actor, comment=comment),
        "sign": lambda: sign_step(document=document, actor=actor),
        "register": lambda: services.document_register(document=document, actor=actor),
        "issue": lambda: issue_step(document=document, actor=actor),
        "archive": lambda: services.document_archive(document=document, actor=actor, dossier=params["dossier"]),
    }
    return calls[action]()


def _dossier_for(organization: Organization) -> Dossier:
    year = vn_today().year
    existing = Dossier.objects.filter(organization=organization, year=year, code="01.KH").first()
    if existing:
        return existing
    clerk = organization.memberships.filter(role=Role.CLERK, is_active=True).first().user
    return services.dossier_open(
        actor=clerk,
        organization=organization,
        code="01.KH",
        title=f"Kế hoạch, chương trình công tác năm {year}",
        year=year,
        retention_years=10,
    )


class Command(BaseCommand):
    help = "Load the demo organizations, people and plans at every stage of the lifecycle (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = load_directory()
        # Keys before plans: the demo's signed and issued plans carry real PAdES signatures.
        call_command("issue_demo_certificates", stdout=self.stdout)
        create, act = _flow_interface()
        created = load_plans(organizations, create=create, act=act, dossier_for=_dossier_for)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(organizations)} organizations, {len(created)} new plans "
                f"({Document.objects.count()} in all)."
            )
        )
