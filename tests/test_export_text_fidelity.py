"""Symbols a clerk types into the ledgers (✅ 😀 ☑ ① 𠮷) come out of the briefing's files as the characters and the
glyphs they are: drawn in a chart's picture and in the PDF, copied out of the PDF, kept in the PPTX and DOCX.

Before: no font on a Debian machine had ✅ (U+2705): the chart's picture and the printed PDF drew it as a box,
the same box as an unassigned code point, and the PDF's copied text left it out. Debian's fonts-noto-color-emoji
(Makefile's SYSTEM_PACKAGES) draws it, and the PDF copies it.

The PPTX and DOCX carry the characters; the reader's machine draws them (Word and PowerPoint on Windows with Segoe UI
Emoji). LibreOffice 7.4 (Debian 12) takes ✅ 😀 ☑ from Noto Color Emoji once it is installed and exports them to PDF as
blank space (its PDF export cannot draw colour glyphs; without the package ✅ was a box there and 😀 ☑ DejaVu's
outlines). The project converts no document with LibreOffice outside the office tests, whose sample data has no emoji.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from oversight import briefing
from oversight.charts import style
from oversight.data import queries, store
from oversight.export import marking, rendering

pytestmark = pytest.mark.slow

SYMBOLS = (
    "✅",
    "😀",
    "☑",
    "①",
    "𠮷",
)  # an emoji, an emoji with a text glyph too, a symbol, a circled number, CJK Ext B
_NO_GLYPH = "\U0010fffd"  # a private-use code point no font draws: what a box looks like
_CELL = 120  # px: each character alone in a square of the picture
_NOTE = "✅已部署😀☑①𠮷，"  # put before an open issue's description


def _ink(cell: Image.Image) -> Image.Image:
    """The cell cropped to what is drawn on it (anything not white)."""
    box = ImageChops.difference(cell, Image.new("RGB", cell.size, "white")).getbbox()
    assert box is not None, "nothing drawn"
    return cell.crop(box)


def _green(picture: Image.Image) -> int:
    """Pixels of a clear green: ✅'s own colour in Noto Color Emoji (the text is ink on white, the marking red)."""
    pixels = picture.tobytes()
    return sum(
        1
        for red, green, blue in zip(pixels[0::3], pixels[1::3], pixels[2::3])
        if green - red > 40 and green - blue > 40
    )


def test_symbols_in_a_chart_picture_are_drawn_not_boxes():
    characters = (*SYMBOLS, _NO_GLYPH)
    figure = go.Figure(
        layout=dict(
            template=style.TEMPLATE,
            width=_CELL * len(characters),
            height=_CELL,
            margin=dict(l=0, r=0, t=0, b=0),
            xaxis=dict(visible=False, range=[0, len(characters)]),
            yaxis=dict(visible=False, range=[0, 1]),
            paper_bgcolor="white",
            plot_bgcolor="white",
        )
    )
    for place, character in enumerate(characters):
        figure.add_annotation(text=character, x=place + 0.5, y=0.5, showarrow=False, font=dict(size=72))
    (png,) = rendering.render_pngs([(figure, (_CELL * len(characters), _CELL))], scale=1)
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    cells = [picture.crop((_CELL * place, 0, _CELL * (place + 1), _CELL)) for place in range(len(characters))]
    box = _ink(cells[-1]).tobytes()
    boxed = [character for character, cell in zip(SYMBOLS, cells) if _ink(cell).tobytes() == box]
    assert not boxed, f"drawn as a box: {boxed}"
    assert _green(cells[0]) > 500  # ✅ in its own green (Noto Color Emoji), not a grey outline


def _folder_with_symbols(tmp_path: Path) -> Path:
    """The sample with the symbols before the description of its first issue of 2020 (open at the year's end)."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    book = openpyxl.load_workbook(folder / "issues.xlsx")
    sheet = book["问题"]
    header = [cell.value for cell in sheet[1]]
    number, description = header.index("问题编号"), header.index("问题描述")
    row = next(row for row in sheet.iter_rows(min_row=2) if row[number].value == "WT2020-012")
    row[description].value = _NOTE + str(row[description].value)
    book.save(folder / "issues.xlsx")
    return folder


@pytest.fixture(scope="module")
def pack_with_symbols(tmp_path_factory):
    connection = store.open_folder(_folder_with_symbols(tmp_path_factory.mktemp("symbols")))
    view = queries.data_span(connection).default_filter()
    return briefing.build_briefing_pack(
        connection, view, "zh", [], formats=("pptx", "docx", "pdf"), marking=marking.Marking("内部资料 注意保存")
    )


def test_symbols_in_the_pdf_copy_out_and_are_drawn(pack_with_symbols, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(pack_with_symbols.files["pdf"])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "WT2020-012" + _NOTE in re.sub(r"\s", "", text)  # every character once, none a private-use glyph
    pages = text.split("\f")
    page = next(number for number, words in enumerate(pages, 1) if "已部署" in words)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-png", "-f", str(page), "-l", str(page), str(pdf), str(tmp_path / "page")],
        check=True,
    )
    (printed,) = tmp_path.glob("page*.png")
    # the page has no chart: a clear green is ✅'s own (a box is drawn in the text's ink)
    assert _green(Image.open(printed).convert("RGB")) > 100


def test_symbols_are_kept_as_characters_in_the_slides_and_the_word_report(pack_with_symbols):
    for file_format, part in (("pptx", r"ppt/slides/slide\d+\.xml"), ("docx", r"word/document\.xml")):
        with zipfile.ZipFile(io.BytesIO(pack_with_symbols.files[file_format])) as package:
            xml = "".join(package.read(name).decode() for name in package.namelist() if re.fullmatch(part, name))
        assert _NOTE in re.sub(r"<[^>]+>", "", xml), file_format
