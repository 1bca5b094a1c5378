"""Exports: a register as an Excel sheet and as a PDF in its legal layout; a dossier as one PDF.

Always in Vietnamese, whatever the page's language: these are the organization's records.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from pypdf import PdfReader, PdfWriter

from documents.dates import vn_today
from documents.models import ArtifactKind, DocumentArtifact, Dossier, DossierEntry
from organizations.models import Organization
from records import registers
from signing.fonts import CSS_FONT_STACK

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass
class RegisterSheet:
    organization: Organization
    register: str
    year: int
    rows: list[registers.Row]

    @property
    def title(self) -> str:
        return str(registers.TITLES[self.register])

    @property
    def headings(self) -> list[str]:
        return [str(h) for h in registers.headings(self.register)]

    @property
    def widths(self) -> list[int]:
        """Column widths in whole per cent (an integer prints the same in every locale)."""
        figures = registers.widths(self.register)
        return [round(100 * w / sum(figures)) for w in figures]


def register_xlsx(sheet: RegisterSheet) -> bytes:
    """A real register sheet: the heading block, the column headings (frozen), one row per entry, wrapped."""
    with translation.override("vi"):
        book = Workbook()
        ws = book.active
        ws.title = f"{sheet.year}"[:31]
        columns = len(sheet.headings)
        last = get_column_letter(columns)
        lines = [
            (sheet.organization.parent_line_name.upper(), False),
            (sheet.organization.name.upper(), True),
            ("", False),
            (sheet.title, True),
            (f"Năm {sheet.year}", True),
        ]
        for number, (text, bold) in enumerate(lines, start=1):
            ws.merge_cells(f"A{number}:{last}{number}")
            cell = ws.cell(row=number, column=1, value=text)
            cell.font = Font(name="Times New Roman", size=14 if number >= 4 else 12, bold=bold)
            cell.alignment = Alignment(horizontal="center" if number >= 4 else "left")
        header_row = len(lines) + 2
        columns_widths = zip(sheet.headings, registers.widths(sheet.register), strict=True)
        for column, (heading, width) in enumerate(columns_widths, start=1):
            cell = ws.cell(row=header_row, column=column, value=heading)
            cell.font = Font(name="Times New Roman", size=11, bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BOX
            ws.column_dimensions[get_column_letter(column)].width = width
        # The column numbers (1)…(10) under the headings, as the printed register has them.
        for column in range(1, columns + 1):
            cell = ws.cell(row=header_row + 1, column=column, value=f"({column})")
            cell.font = Font(name="Times New Roman", size=10, italic=True)
            cell.alignment = Alignment(horizontal="center")
            cell.border = BOX
        for offset, row in enumerate(sheet.rows, start=header_row + 2):
            for column, value in enumerate(row.cells, start=1):
                cell = ws.cell(row=offset, column=column, value=value)
                cell.font = Font(name="Times New Roman", size=11)
                cell.alignment = Alignment(vertical="top", wrap_text=True)
                cell.border = BOX
        ws.freeze_panes = ws.cell(row=header_row + 2, column=1)
        ws.print_title_rows = f"{header_row}:{header_row + 1}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # loaded on the first export, not at Django's start

    return HTML(string=html).write_pdf()


def register_pdf(sheet: RegisterSheet) -> bytes:
    """The register on landscape A4 pages: heading block, then the table whose headings repeat on each page."""
    with translation.override("vi"):
        html = render_to_string(
            "records/register_pdf.html",
            {"sheet": sheet, "font_stack": CSS_FONT_STACK, "today": vn_today()},
        )
    return _pdf(html)


# --- a dossier -----------------------------------------------------------------------------------------------


def _document_pdf(document_id: int, artifacts: dict[int, DocumentArtifact]) -> bytes:
    """The issued PDF as stored (number, date and the organization's signature in it), else rendered now."""
    if document_id in artifacts:
        return artifacts[document_id].read()
    from documents.models import Document
    from signing.rendering import render_pdf

    return render_pdf(Document.objects.get(pk=document_id), filled=True).pdf


def dossier_pdf(*, dossier: Dossier, entries: list[DossierEntry]) -> tuple[bytes, int]:
    """Mục lục văn bản (STT, số ký hiệu, ngày, trích yếu, tờ số) then each document's PDF in the dossier's order.

    Only the entries given (the caller passes those its reader may read). Returns the PDF and its number of
    table-of-contents pages. The sheet numbers ("tờ số") count the documents' pages from 1.
    """
    ids = [e.document_id for e in entries]
    artifacts = {
        a.document_id: a for a in DocumentArtifact.objects.filter(document_id__in=ids, kind=ArtifactKind.ISSUED)
    }
    parts: list[PdfReader] = []
    sheets: list[str] = []
    page = 1
    for entry in entries:
        reader = PdfReader(io.BytesIO(_document_pdf(entry.document_id, artifacts)))
        count = len(reader.pages)
        sheets.append(f"{page:02d}" if count == 1 else f"{page:02d}–{page + count - 1:02d}")
        page += count
        parts.append(reader)
    with translation.override("vi"):
        html = render_to_string(
            "records/dossier_pdf.html",
            {
                "dossier": dossier,
                "rows": list(zip(entries, sheets, strict=True)),
                "font_stack": CSS_FONT_STACK,
                "pages": page - 1,
            },
        )
    toc = PdfReader(io.BytesIO(_pdf(html)))
    writer = PdfWriter()
    writer.append(toc)
    for reader in parts:
        writer.append(reader)
    if writer._root_object.get("/AcroForm") is not None:
        # The number and the date live in form fields (signing): viewers must draw their values.
        writer.set_need_appearances_writer(True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(toc.pages)
