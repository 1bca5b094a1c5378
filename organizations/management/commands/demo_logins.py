"""`manage.py demo_logins`: who to log in as in the demo."""

from typing import Any

from django.core.management.base import BaseCommand

from organizations.demo import BODIES, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for body in BODIES:
            if not body.people:
                continue
            self.stdout.write(f"  {body.name} {body.place_name}:")
            for person in body.people:
                self.stdout.write(f"    {person.username:<24} {person.full_name:<24} {person.post_title}")
