"""Run by test_outbox_processes.py as its own process: submit a draft, and be killed right after the commit.

python -m tests.documents.crash_after_commit DOCUMENT_ID DRAFTER_ID REVIEWER_ID
"""

from __future__ import annotations

import os
import signal
import sys

import django


def main(document_id: int, drafter_id: int, reviewer_id: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import transaction

    from documents import services
    from documents.models import Document
    from organizations.models import User

    document = Document.objects.get(pk=document_id)
    drafter, reviewer = User.objects.get(pk=drafter_id), User.objects.get(pk=reviewer_id)
    with transaction.atomic():
        # The first after-commit callback: SIGKILL once COMMIT has returned, before the outbox's dispatch
        # (registered after it, by the service) can run — a web process dying at the worst moment.
        transaction.on_commit(lambda: os.kill(os.getpid(), signal.SIGKILL))
        services.document_submit(document=document, actor=drafter, reviewer=reviewer)


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]))
