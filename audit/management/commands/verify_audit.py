from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.checkpoints import (
    CheckpointError,
    checkpoint_key_path,
    load_public_key,
    read_checkpoint,
    verify_against_checkpoint,
)
from audit.verification import verify_all


class Command(BaseCommand):
    help = "Verify every organization's audit hash chain; exits non-zero naming the first broken event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoint",
            type=Path,
            action="append",
            default=[],
            help="a file from audit_checkpoint: the chains must still hold what it pins (may repeat)",
        )
        parser.add_argument(
            "--public-key",
            type=Path,
            help="PEM key trusted to have signed the checkpoints (default: the AUDIT_CHECKPOINT_KEY file)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = [f"BROKEN {chain_break}" for chain_break in verify_all()]
        if options["checkpoint"]:
            # Never the key inside the checkpoint file: a forger would simply re-sign with their own.
            try:
                public_key = load_public_key(path=options["public_key"] or checkpoint_key_path())
            except CheckpointError as error:
                raise CommandError(str(error)) from error
            for path in options["checkpoint"]:
                try:
                    breaks = verify_against_checkpoint(checkpoint=read_checkpoint(path=path), public_key=public_key)
                except CheckpointError as error:
                    problems.append(f"CHECKPOINT {path}: {error}")
                    continue
                problems += [f"CHECKPOINT {path}: {checkpoint_break}" for checkpoint_break in breaks]
        if problems:
            raise CommandError(f"Audit log verification failed: {len(problems)} problem(s):\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("Audit log intact."))
