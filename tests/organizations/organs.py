"""A generated national directory of organ codes, shaped like the real one: provinces, their departments, the
offices under those, schools under the offices; parents before children, codes in the 13-character form."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

HEADER = ("code", "new_code", "name", "parent_code", "level")


def generated_rows(count: int) -> Iterator[tuple[str, str, str, str, int]]:
    """`count` rows (code, new code, name, parent code, level)."""
    made = 0
    for province in range(1, 100):
        top = f"000.00.00.H{province:02d}"
        rows = [(top, f"H{province:02d}", f"Ủy ban nhân dân tỉnh số {province}", "", 1)]
        for department in range(1, 27):
            middle = f"000.00.{department:02d}.H{province:02d}"
            rows.append((middle, f"H{province:02d}.{department:02d}", f"Sở số {department} tỉnh {province}", top, 2))
            for office in range(1, 13):
                low = f"000.{office:02d}.{department:02d}.H{province:02d}"
                name = f"Phòng số {office} thuộc sở {department} tỉnh {province}"
                rows.append((low, f"H{province:02d}.{department:02d}.{office:02d}", name, middle, 3))
                for school in range(1, 6):
                    code = f"{school:03d}.{office:02d}.{department:02d}.H{province:02d}"
                    name = f"Trường số {school} phòng {office} sở {department} tỉnh {province}"
                    rows.append((code, "", name, low, 4))
        for row in rows:
            if made == count:
                return
            made += 1
            yield row


def generated_csv(count: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(generated_rows(count))
    return out.getvalue().encode("utf-8")
