"""The benchmarks' own key store and file storage: a fresh directory per run, removed at exit.

A run must not meet keys or files another run left under var/: a key file named like one of its users makes
`signing.services.wants_digital_signature` sign where the run meant not to. Call before `django.setup()`.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path


def use_own_files(name: str) -> Path:
    """Point KEYSTORE_DIR, MEDIA_ROOT and DOCUMENTS_STORAGE_DIR (the settings read them from the environment, and
    child processes inherit it) at a new temporary directory; returns it."""
    root = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    (root / "keys").mkdir()
    os.environ["KEYSTORE_DIR"] = str(root / "keys")
    os.environ["MEDIA_ROOT"] = str(root / "media")
    os.environ["DOCUMENTS_STORAGE_DIR"] = str(root / "media" / "documents")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root
