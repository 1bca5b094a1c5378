"""Preloaded once by multiprocessing's fork server: WeasyPrint imported and its fonts loaded, so each
forked rendering child starts warm (docs/signing.md, "Rendering limits")."""

from signing.layout_worker import lay_out

lay_out("<p>Khởi động bộ dựng PDF.</p>", ())
