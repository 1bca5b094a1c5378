"""PDFs as other offices' systems send them: laid out by WeasyPrint, signed with pyHanko by a key of a given CA
(an approval signature in a field of their own naming), and tampered with after signing."""

from __future__ import annotations

import io
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers

from signing.ca import CertificateAuthority, issue_key, pkcs12_bytes

LETTER_HTML = """<html><head><meta charset="utf-8"><style>
  @page {{ size: A4; margin: 20mm 15mm 20mm 30mm }}
  body {{ font-family: "Liberation Serif", "DejaVu Serif", serif; font-size: 13pt }}
  table {{ width: 100%; border-collapse: collapse }} td {{ vertical-align: top; text-align: center; width: 50% }}
  p {{ margin: 0 0 4pt }} .t {{ text-align: center; font-weight: bold }}
</style></head><body>
<table><tr>
  <td><p>{parent}</p><p><b>{organization}</b></p><p>Số: {code}</p></td>
  <td><p><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b></p><p><b>Độc lập - Tự do - Hạnh phúc</b></p>
      <p><i>{place_date}</i></p></td>
</tr></table>
<p class="t">{type_name}</p>
<p class="t">{subject}</p>
<p>Căn cứ Kế hoạch số 7/KH-UBND ngày 02/01/2026 của Ủy ban nhân dân tỉnh;</p>
<p>I. MỤC ĐÍCH</p>
<p>- Tổ chức hội thi cho giáo viên các trường trong tỉnh./.</p>
<table><tr>
  <td style="text-align:left"><p><b><i>Nơi nhận:</i></b></p>{recipients}</td>
  <td>{titles}<p>&nbsp;</p><p>&nbsp;</p><p><b>{signer}</b></p></td>
</tr></table>
</body></html>"""


def letter_pdf(
    *,
    parent: str = "UBND TỈNH LONG AN",
    organization: str = "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    code: str = "120/KH-SGDĐT",
    place_date: str = "Long An, ngày 05 tháng 01 năm 2026",
    type_name: str = "KẾ HOẠCH",
    subject: str = "Tổ chức hội thi giáo viên dạy giỏi cấp tỉnh năm học 2025 - 2026",
    recipients: tuple[str, ...] = ("- Các Phòng GD&ĐT (để thực hiện);", "- Lưu: VT, GDTrH."),
    titles: tuple[str, ...] = ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"),
    signer: str = "Nguyễn Văn Giám",
) -> bytes:
    """A one-page letter in the legal layout, as another office's system renders it (text layer, no form)."""
    from weasyprint import HTML

    html = LETTER_HTML.format(
        parent=parent,
        organization=organization,
        code=code,
        place_date=place_date,
        type_name=type_name,
        subject=subject,
        recipients="".join(f"<p>{line}</p>" for line in recipients),
        titles="".join(f"<p><b>{line}</b></p>" for line in titles),
        signer=signer,
    )
    return HTML(string=html).write_pdf()


def foreign_signer(ca: CertificateAuthority, tmp_path: Path, *, common_name: str, organization: str) -> signers.Signer:
    issued = issue_key(ca, common_name=common_name, organization=organization)
    data = pkcs12_bytes(issued, ca, passphrase=b"khac", label=common_name)
    return signers.SimpleSigner.load_pkcs12_data(data, (), passphrase=b"khac")


def sign_foreign(pdf: bytes, signer: signers.Signer, *, field_name: str = "Signature1") -> bytes:
    """An approval signature in a new field, the way most PAdES tools sign."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(field_name=field_name)
    return signers.PdfSigner(metadata, signer=signer).sign_pdf(writer).getvalue()


def change_after_signing(pdf: bytes) -> bytes:
    """An incremental update that draws over the first page: the content changed, the signed bytes did not."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stream = generic.StreamObject(stream_data=b"q 1 0 0 rg 100 700 200 40 re f Q")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_signed_byte(pdf: bytes) -> bytes:
    """One byte of the first content stream flipped: inside the signed range."""
    data = bytearray(pdf)
    data[data.index(b"stream\n") + 30] ^= 0x01
    return bytes(data)
