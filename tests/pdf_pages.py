"""What a printed PDF's pages hold, read back from the file: the text its readers copy, and the pictures it draws."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

WATERMARK_COPIES = 5  # the report's copies of the watermark on each page (html_report._WATERMARK_SPOTS)


def pdftotext(pdf: bytes, *options: str) -> str:
    """Poppler's text of the whole file, as a reader's ``pdftotext`` gives it (``-layout``, ``-raw`` …)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "file.pdf")
        path.write_bytes(pdf)
        done = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, check=True)
        assert not done.stderr, done.stderr.decode()  # a file poppler reads without complaint
        return done.stdout.decode()


def transparent_pictures(page) -> dict[bytes, int]:  # noqa: ANN001 — a pypdf page
    """Each picture with a soft mask the page draws: its mask (width, height, then its 8-bit alpha) → times drawn."""
    drawn = re.findall(rb"/([\w.]+)\s+Do\b", page.get_contents().get_data())
    objects = page["/Resources"].get("/XObject", {})
    pictures: dict[bytes, int] = {}
    for name, reference in objects.items():
        picture = reference.get_object()
        if picture.get("/Subtype") != "/Image" or "/SMask" not in picture:
            continue
        mask = picture["/SMask"].get_object()
        key = f"{mask['/Width']}x{mask['/Height']}:".encode() + mask.get_data()
        pictures[key] = pictures.get(key, 0) + drawn.count(name[1:].encode())
    return pictures


def drawn_watermark(marking) -> bytes:  # noqa: ANN001 — an export.marking.Marking
    """The picture of ``marking``'s watermark lines (the viewer, then the date and time) the printed report draws in
    each of its places, keyed as ``transparent_pictures`` keys a page's pictures."""
    from oversight.briefing import html_report, pdf_watermark
    from oversight.export.marking import WATERMARK_OPACITY, WATERMARK_RGB

    size = html_report._watermark_pt(marking.watermark)
    lines = tuple(marking.watermark_lines)
    png = pdf_watermark.watermark_png(lines, size, WATERMARK_RGB, WATERMARK_OPACITY, html_report._WATERMARK_ANGLE)[0]
    with Image.open(io.BytesIO(png)) as picture:
        return f"{picture.width}x{picture.height}:".encode() + picture.getchannel("A").tobytes()


def pages(pdf: bytes) -> list:
    return list(PdfReader(io.BytesIO(pdf)).pages)


_PAINTS = re.compile(rb"\b(?:Tj|TJ|'|\"|Do|f\*?|F|S|s|B\*?|b\*?|sh)$")


def unmarked_paints(page) -> int:  # noqa: ANN001 — a pypdf page
    """How many painting operators of the page's content lie outside every marked-content sequence: neither tagged
    nor an artifact (PDF/UA has none; Chromium writes one operator a line)."""
    depth = unmarked = 0
    for line in page.get_contents().get_data().split(b"\n"):
        operator = line.strip()
        if re.search(rb"\b(?:BDC|BMC)$", operator):
            depth += 1
        elif operator == b"EMC":
            depth -= 1
        elif depth == 0 and _PAINTS.search(operator):
            unmarked += 1
    return unmarked
