"""`manage.py demo_logins`: who to log in as in the demo."""

from typing import Any

from django.core.management.base import BaseCommand

from organizations.demo import BODIES, DEMO_PASSWORD, SCHOOL_BODIES


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
        # Schools: one line each (the same four posts everywhere), grouped under their Phòng.
        self.stdout.write("  Schools (<prefix>.vanthu = clerk, .hieutruong, .pho, .giaovien):")
        for body in SCHOOL_BODIES:
            prefix = body.people[0].username.partition(".")[0]
            self.stdout.write(f"    {prefix + '.*':<24} {body.name} ({body.place_name})")
