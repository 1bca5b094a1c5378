"""manage.py reindex_search — write every document's stored search text again (search.indexing.reindex)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from search.indexing import reindex


class Command(BaseCommand):
    help = "Ghi lại văn bản tìm kiếm (đã bỏ dấu) của mọi văn bản."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            done = reindex()
        self.stdout.write(f"{done} văn bản đã được lập chỉ mục lại.")
