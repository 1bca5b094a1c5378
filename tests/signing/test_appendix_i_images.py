"""Phụ lục I: the signer's handwritten signature (blue) and the organization's seal (red, real size, over the
signature's left third) are the signature fields' appearances; the stamp text stays clear, time in ISO 8601."""

from __future__ import annotations

import io
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from organizations.demo import scribble_png, seal_png
from organizations.models import SealImage, SignatureImage
from personal.services import signature_image_upload
from signing.rendering import ORGANIZATION_FIELD, SIGNER_FIELD
from signing.services import seal_image_set
from signing.verification import Verdict, verify_pdf
from tests.signing.helpers import artifact, issued_document

DPI = 100
SEAL_MM = Decimal("25.0")


def _mm(pixels: int) -> float:
    return pixels / DPI * 25.4


def _raster(pdf: bytes, directory: Path) -> Image.Image:
    (directory / "issued.pdf").write_bytes(pdf)
    subprocess.run(  # noqa: S603 - a fixed poppler tool on a file we wrote
        ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", str(directory / "issued.pdf"), str(directory / "page")],  # noqa: S607
        check=True,
    )
    return Image.open(directory / "page.png").convert("RGB")


def _blocks(image: Image.Image, ink) -> list[tuple[int, int, int, int]]:
    """Runs of rows holding the ink, each as (top, bottom, left, right) in pixels, top to bottom."""
    width, height = image.size
    pixels = image.load()
    rows: dict[int, list[int]] = {}
    for y in range(height):
        columns = [x for x in range(width) if ink(*pixels[x, y])]
        if columns:
            rows[y] = columns
    blocks: list[tuple[int, int, int, int]] = []
    for y in sorted(rows):
        left, right = min(rows[y]), max(rows[y])
        if blocks and blocks[-1][1] >= y - 2:  # one or two blank rows do not split a block
            top, _bottom, l0, r0 = blocks[-1]
            blocks[-1] = (top, y, min(l0, left), max(r0, right))
        else:
            blocks.append((y, y, left, right))
    return blocks


def _red(r: int, g: int, b: int) -> bool:
    return r > 150 and g < 100 and b < 100


def _blue(r: int, g: int, b: int) -> bool:
    return b > 110 and r < 100 and g < 120


def _appearance_images(field_name: str, pdf: bytes) -> list[tuple[int, int, bool]]:
    """(width, height, has an alpha mask) of every image drawn in the named signature field's appearance."""
    reader = PdfFileReader(io.BytesIO(pdf))
    field = next(f.get_object() for f in reader.root["/AcroForm"]["/Fields"] if f.get_object()["/T"] == field_name)
    found: list[tuple[int, int, bool]] = []
    seen: set[int] = set()

    def walk(xobject) -> None:
        xobject = xobject.get_object()
        if id(xobject) in seen:
            return
        seen.add(id(xobject))
        if xobject.get("/Subtype") == "/Image":
            found.append((int(xobject["/Width"]), int(xobject["/Height"]), "/SMask" in xobject))
            return
        resources = xobject.get("/Resources")
        for child in (resources.get_object().get("/XObject", {}) if resources else {}).values():
            walk(child)

    walk(field["/AP"]["/N"])
    return found


@pytest.fixture
def with_images(office_keys):
    """The deputy uploaded a signature on /me/; an administrator set the office's seal in the admin."""
    signature_image_upload(actor=office_keys.deputy, data=scribble_png("pho"))
    office_keys.head.is_superuser = True
    seal_image_set(
        actor=office_keys.head, organization=office_keys.organization, data=seal_png("Phòng GD&ĐT"), width_mm=SEAL_MM
    )
    return office_keys


def test_signature_and_seal_images_are_the_signature_fields_appearances(with_images, trust_roots):
    # given a plan signed by a deputy with a signature image, issued by an office with a seal image
    issued = artifact(issued_document(with_images))

    # when the two signature fields' appearances are read
    signer_images = _appearance_images(SIGNER_FIELD, issued)
    seal_images = _appearance_images(ORGANIZATION_FIELD, issued)

    # then each draws its transparent PNG, at the uploaded pixel size, and both signatures still validate
    assert signer_images == [(600, 240, True)]
    assert seal_images == [(472, 472, True)]
    assert verify_pdf(issued, trust_roots=trust_roots).verdict == Verdict.ISSUED


def test_the_seal_prints_at_its_real_size_over_the_signatures_left_third_and_the_texts_stay_clear(
    with_images, tmp_path
):
    # given the issued plan with both images
    document = issued_document(with_images)
    page = _raster(artifact(document), tmp_path)

    # when its red and blue inks are measured on the page
    seal, *red_text = _blocks(page, _red)
    signature, *blue_text = _blocks(page, _blue)

    # then the seal is its real width (25 mm), and covers about a third of the signature on its left
    assert abs(_mm(seal[3] - seal[2]) - float(SEAL_MM)) < 1.0, _mm(seal[3] - seal[2])
    overlap = (seal[3] - signature[2]) / (signature[3] - signature[2])
    assert seal[2] < signature[2]
    assert 0.2 < overlap < 0.45, overlap
    # and the red text under the seal ends before the blue frame of the signer's text begins
    assert red_text
    assert blue_text
    assert max(block[3] for block in red_text) < min(block[2] for block in blue_text)


def test_the_stamps_say_who_and_when_in_iso_8601_with_the_organizations_place(with_images):
    # given the issued plan
    document = issued_document(with_images)

    # when its text is read by poppler (which draws the appearances)
    text = subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607
        input=artifact(document),
        capture_output=True,
        check=True,
    ).stdout.decode()
    flat = re.sub(r"\s+", " ", text)

    # then both stamps carry a Vietnam time with its offset, the signer's name, and the office with its place
    assert len(re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", text)) == 2
    assert "Trần Thị Phó" in flat
    assert f"{with_images.organization.name} Cần Giuộc" in flat


def test_without_images_the_text_stamps_remain(office_keys):
    # given an office and a signer without images
    assert not SignatureImage.objects.exists()
    assert not SealImage.objects.exists()

    # when a plan is issued
    issued = artifact(issued_document(office_keys))

    # then the stamps draw no image, and say who signed
    assert _appearance_images(SIGNER_FIELD, issued) == []
    assert _appearance_images(ORGANIZATION_FIELD, issued) == []


def test_a_seal_without_transparency_or_from_a_clerk_is_refused_and_nothing_is_stored(office_keys):
    # given an opaque PNG (a scanned seal on white) and the office's clerk
    from documents.errors import PermissionDenied, ValidationFailed

    opaque = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(opaque, "PNG")
    office_keys.head.is_superuser = True

    # when the head sets it, and the clerk sets a proper one
    with pytest.raises(ValidationFailed) as refused:
        seal_image_set(
            actor=office_keys.head, organization=office_keys.organization, data=opaque.getvalue(), width_mm=SEAL_MM
        )
    with pytest.raises(PermissionDenied):
        seal_image_set(
            actor=office_keys.clerk, organization=office_keys.organization, data=seal_png("X"), width_mm=SEAL_MM
        )

    # then both are refused, in Vietnamese, and no seal is stored
    assert "trong suốt" in refused.value.message
    assert not SealImage.objects.exists()


def test_an_administrator_sets_the_seal_in_the_admin_and_a_bad_file_is_a_form_error(client, office):
    # given an administrator on the admin's page for a new seal image
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import UserFactory

    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = "/admin/organizations/sealimage/add/"

    # when a text file named .png is posted, then a real transparent seal
    bad = client.post(
        url,
        {"organization": office.organization.pk, "width_mm": "30", "upload": SimpleUploadedFile("dau.png", b"hello")},
    )
    good = client.post(
        url,
        {
            "organization": office.organization.pk,
            "width_mm": "30",
            "upload": SimpleUploadedFile("dau.png", seal_png("Phòng GD&ĐT")),
        },
    )

    # then the first is refused on the form, in Vietnamese; the second is stored by the service, with its audit
    assert bad.status_code == 200
    assert "Tệp không phải ảnh PNG" in bad.content.decode()
    assert good.status_code == 302
    seal = SealImage.objects.get(organization=office.organization)
    assert (seal.width_px, seal.height_px, seal.width_mm) == (472, 472, Decimal("30.0"))
