import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.checkpoints import checkpoint_key_path, load_or_create_private_key, make_checkpoint
from audit.verification import verify_all


class Command(BaseCommand):
    help = "Write a signed checkpoint of every organization's audit chain head (keep it off the database host)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        # Signing a chain that is already broken would bless the forgery.
        breaks = verify_all()
        if breaks:
            for chain_break in breaks:
                self.stderr.write(f"BROKEN {chain_break}")
            raise CommandError("Audit log verification failed: no checkpoint written.")
        checkpoint = make_checkpoint(private_key=load_or_create_private_key(path=checkpoint_key_path()))
        text = json.dumps(checkpoint, ensure_ascii=False, indent=2) + "\n"
        if options["out"] is None:
            sys.stdout.write(text)
            return
        options["out"].write_text(text, encoding="utf-8")
        chains = checkpoint["body"]["chains"]
        self.stderr.write(self.style.SUCCESS(f"Checkpoint of {len(chains)} chain(s) written to {options['out']}."))
