from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from audit.database_role import UnsafeAppRole, app_role_grants, grant_app_role


class Command(BaseCommand):
    help = (
        "Run as the owner of the tables after every migrate: grant ROLE (the application's login) normal rights "
        "on every table and only SELECT/INSERT on the audit log (UPDATE on its chain head)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the PostgreSQL role the application connects as")
        parser.add_argument("--schema", default="public")
        parser.add_argument("--sql", action="store_true", help="print the statements instead of running them")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sql"]:
            for statement in app_role_grants(role=options["role"], schema=options["schema"]):
                self.stdout.write(f"{statement};")
            return
        try:
            with transaction.atomic():
                statements = grant_app_role(role=options["role"], schema=options["schema"])
        except UnsafeAppRole as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"{len(statements)} grant statements applied to {options['role']}."))
