from django.core.management.base import BaseCommand, CommandError

from audit.verification import verify_all


class Command(BaseCommand):
    help = "Verify every organization's audit hash chain; exits non-zero naming the first broken event."

    def handle(self, *args: object, **options: object) -> None:
        breaks = verify_all()
        if breaks:
            for chain_break in breaks:
                self.stderr.write(f"BROKEN {chain_break}")
            raise CommandError(f"Audit log verification failed: {len(breaks)} broken chain(s).")
        self.stdout.write(self.style.SUCCESS("Audit log intact."))
