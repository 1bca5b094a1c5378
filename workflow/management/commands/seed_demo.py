"""`manage.py seed_demo`: the demo directory and plans at every stage, taken through the flow. Idempotent.

It lives in workflow/ because it drives the flow (workflow.actions); documents/ does not depend on workflow.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from documents import services
from documents.dates import vn_today
from documents.demo import load_plans
from documents.models import Document, Dossier
from organizations.demo import load_directory
from organizations.holidays import load_vietnam_calendar
from organizations.models import Organization, Role
from workflow.deadlines import load_demo_rules


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
        # Working days and sample deadline rules before the plans, so their open steps get deadlines.
        load_vietnam_calendar()
        load_demo_rules()
        # Keys before plans: the demo's signed and issued plans carry real PAdES signatures.
        call_command("issue_demo_certificates", register=True, stdout=self.stdout)
        # Through the flow, so the demo plans have their tasks in people's inboxes.
        from workflow import actions

        created = load_plans(
            organizations, create=actions.create_document, act=actions.perform, dossier_for=_dossier_for
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready: {len(organizations)} organizations, {len(created)} new plans "
                f"({Document.objects.count()} in all)."
            )
        )
