"""The charts go into the PDF as they were drawn (``briefing.pdf_images``): printed with numbered placeholders,
the placeholders then replaced by the charts' own pixels. The pages must read exactly as if Chromium had
embedded the pictures itself, and a page whose placeholders did not survive is printed the old way."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from oversight.briefing import pdf_images
from oversight.briefing.html_report import report_html
from oversight.briefing.pdf_print import html_to_pdf, html_to_pdf_with_images


def _png(size: tuple[int, int], colour: tuple[int, ...], mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def _page_pictures(pdf: bytes, folder: Path, name: str) -> list[Image.Image]:
    (folder / f"{name}.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(folder / f"{name}.pdf"), str(folder / name)], check=True)
    return [Image.open(path).convert("RGB") for path in sorted(folder.glob(f"{name}-*.png"))]


def _images_listed(pdf: bytes, folder: Path) -> list[tuple[int, int]]:
    (folder / "listed.pdf").write_bytes(pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(folder / "listed.pdf")], check=True, capture_output=True, text=True
    )
    rows = [line.split() for line in listing.stdout.splitlines()[2:]]
    # the charts' pictures, opaque: the watermark's, with its soft mask (the same object on every page), is not one
    masked = {row[10] for row in rows if row[2] == "smask"}
    return [(int(row[3]), int(row[4])) for row in rows if row[2] == "image" and row[10] not in masked]


def test_a_placeholder_spells_its_number_and_nothing_else_does():
    for number in (0, 1, 17, 255, 256, 4095):
        pixels = Image.open(io.BytesIO(base64.b64decode(pdf_images.placeholder_uri(number).split(",")[1])))
        assert pdf_images._number_of(pixels.convert("RGB").tobytes()) == number
    assert pdf_images._number_of(bytes(6)) is None and pdf_images._number_of(b"\xff" * 6) is None


def test_the_placeholder_is_found_in_its_own_object_not_from_the_graphics_state_before_it():
    """The watermark drawn as a transparent picture put Chromium's ExtGState object ("97 0 obj <</CA 1 …>> endobj")
    just before a placeholder: the search matched from 97 across its endobj into 98's dictionary, the chart was written
    over the graphics state (pdftotext: "ExtGState 'G97' is wrong type") and the placeholder stayed on the page."""
    pixels = zlib.compress(
        bytes(Image.open(io.BytesIO(base64.b64decode(pdf_images.placeholder_uri(0)[22:]))).tobytes())
    )
    pdf = (
        b"%PDF-1.4\n97 0 obj\n<</CA 1\n/ca 1\n/LC 0\n/BM /Normal>>\nendobj\n98 0 obj\n<</Type /XObject\n/Subtype /Image"
        b"\n/Width 2\n/Height 1\n/ColorSpace [/ICCBased 17 0 R]\n/BitsPerComponent 8\n/Filter /FlateDecode\n/Length "
        + str(len(pixels)).encode()
        + b">> stream\n"
        + pixels
        + b"\nendstream\nendobj\n"
    )
    assert pdf_images._placeholders(pdf) == {0: (pdf_images.IndirectObject(98, 0), b"[/ICCBased 17 0 R]")}


def test_a_transparent_picture_is_placed_on_white():
    prepared = pdf_images.prepare(_png((3, 2), (200, 10, 10, 0), "RGBA"))
    assert (prepared.width, prepared.height) == (3, 2)
    assert zlib.decompress(prepared.data) == b"\xff" * 18


def test_placed_pictures_print_as_inlined_ones(tmp_path):
    pngs = [_png((400, 300), (30, 90, 160)), _png((300, 300), (180, 40, 30, 255), "RGBA")]
    figures = [
        f'<p>图{index}</p><img style="width: 8cm; border: 1px solid #E4E7EB; height: {style}" src="{source}">'
        for index, (source, style) in enumerate(
            [
                (pdf_images.placeholder_uri(0), "calc((8cm - 2px) * 300 / 400 + 2px)"),
                (pdf_images.placeholder_uri(1), "calc((8cm - 2px) * 300 / 300 + 2px)"),
            ]
        )
    ]
    inlined = [
        f'<p>图{index}</p><img style="width: 8cm; border: 1px solid #E4E7EB; height: auto" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode()}">'
        for index, png in enumerate(pngs)
    ]
    page = "<html><head><style>* {{ box-sizing: border-box; }}</style></head><body>{}</body></html>"
    placed = html_to_pdf_with_images(page.format("".join(figures)), pngs, lambda: page.format("".join(inlined)))
    assert _images_listed(placed, tmp_path) == [(400, 300), (300, 300)]
    printed = html_to_pdf(page.format("".join(inlined)))
    for ours, chromiums in zip(
        _page_pictures(placed, tmp_path, "placed"), _page_pictures(printed, tmp_path, "printed"), strict=True
    ):
        assert ImageChops.difference(ours, chromiums).getbbox() is None


def test_a_page_whose_placeholders_went_missing_is_printed_with_its_pictures_inlined(tmp_path, caplog):
    png = _png((400, 300), (30, 90, 160))
    inlined = f'<html><body><img src="data:image/png;base64,{base64.b64encode(png).decode()}"></body></html>'
    pdf = html_to_pdf_with_images("<html><body><p>no placeholder</p></body></html>", [png], lambda: inlined)
    assert _images_listed(pdf, tmp_path) == [(400, 300)]
    assert "placeholders not found" in caplog.text


def test_the_pack_pdf_holds_every_chart_as_drawn_and_reads_as_before(briefing_pack, tmp_path):
    lang, built, _ = briefing_pack
    report = built.report
    drawn = [section.pixel_size for section in report.printed_sections if section.png is not None]
    assert len(drawn) >= 15 and _images_listed(built.files["pdf"], tmp_path) == drawn
    # the same report printed with Chromium embedding the pictures itself: every page reads the same, pixel for pixel
    printed = html_to_pdf(report_html(report))
    ours = _page_pictures(built.files["pdf"], tmp_path, "pack")
    chromiums = _page_pictures(printed, tmp_path, "chromium")
    assert len(ours) == len(chromiums)
    for number, (a, b) in enumerate(zip(ours, chromiums), start=1):
        assert ImageChops.difference(a, b).getbbox() is None, f"page {number} ({lang})"
    # and the text still copies as the characters it shows (the text fix runs after the pictures are placed)
    assert re.search("[\u2f00-\u2fdf]", PdfReader(io.BytesIO(built.files["pdf"])).pages[0].extract_text()) is None


@pytest.mark.parametrize("count", [0, 3])
def test_place_images_refuses_a_count_that_does_not_match(count, tmp_path):
    pdf = html_to_pdf(f'<html><body><img src="{pdf_images.placeholder_uri(0)}"></body></html>')
    assert pdf_images.place_images(pdf, [pdf_images.prepare(_png((4, 4), (0, 0, 0)))] * count) is None
