"""The deck's issue tables as LibreOffice lays them out, with the longest cells the data contract allows (a
100-character unit name, a description cut at 100 characters): every row within its own rule, none over the footer,
no issue lost between slides.

Before: the rows kept the height python-pptx gave them, so a description's third line ran over the next row's rule
and the eighth row over the footer, on the sample's own issues once their descriptions were 100 characters long.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from pptx import Presentation

from oversight import briefing
from oversight.briefing import report as briefing_report
from oversight.data import queries, store
from oversight.export import marking
from tests.test_office import MARKINGS, OUTPUT, _to_pdf

pytestmark = pytest.mark.office

_XHTML = "{http://www.w3.org/1999/xhtml}"


def _long_cells_folder(tmp_path: Path) -> Path:
    """The sample with every issue open and its description as long as a table shows it, and every unit's full and
    English name at the contract's most (the old full name kept as the short name the ledgers use)."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    book = openpyxl.load_workbook(folder / "issues.xlsx")
    sheet = book["问题"]
    header = [cell.value for cell in sheet[1]]
    description, status = header.index("问题描述"), header.index("整改状态")
    for row in sheet.iter_rows(min_row=2):
        row[description].value = (str(row[description].value) * 8)[: briefing_report.DESCRIPTION_CHARACTERS]
        row[status].value = "整改中"
    book.save(folder / "issues.xlsx")
    book = openpyxl.load_workbook(folder / "units.xlsx")
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    name, english, short = header.index("单位名称"), header.index("英文名称"), header.index("简称")
    for row in sheet.iter_rows(min_row=2):
        row[short].value = row[name].value
        row[name].value = (str(row[name].value) * 10)[:100]
        row[english].value = ((str(row[english].value) + " ") * 10)[:100].strip()
    book.save(folder / "units.xlsx")
    return folder


def _words(pdf: Path) -> list[list[tuple[str, tuple[float, float, float, float]]]]:
    """Each page's words with their boxes (points from the page's top-left), as poppler reads them."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True, text=True, timeout=120
    ).stdout
    pages = []
    for page in ElementTree.fromstring(xhtml).iter(f"{_XHTML}page"):
        pages.append(
            [
                (word.text or "", tuple(float(word.get(key) or 0) for key in ("xMin", "yMin", "xMax", "yMax")))
                for word in page.iter(f"{_XHTML}word")
            ]
        )
    return pages  # type: ignore[return-value]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_issue_tables_keep_each_row_within_its_rule_and_above_the_footer(tmp_path, lang):
    connection = store.open_folder(_long_cells_folder(tmp_path))
    view = queries.data_span(connection).default_filter()
    pack = briefing.build_briefing_pack(
        connection, view, lang, [], formats=("pptx",), marking=marking.Marking(MARKINGS[lang])
    )
    open_issues = len(pack.report.open_issues)
    assert open_issues >= 16  # every issue raised in the period is open now: two slides of eight before
    folder = OUTPUT / lang
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "long-cells-slides.pptx"
    source.write_bytes(pack.files["pptx"])
    pdf = _to_pdf(source, tmp_path / "libreoffice-profile")
    # the marking, on every slide; no watermark: its turned letters are read as words scattered over the table
    furniture = set(MARKINGS[lang].split())
    deck = Presentation(source)
    tables = [number for number, slide in enumerate(deck.slides) if any(shape.has_table for shape in slide.shapes)]
    pages = _words(pdf)
    assert len(pages) == len(deck.slides)
    numbered: list[int] = []
    for number in tables:
        words = [(text, box) for text, box in pages[number] if text not in furniture]
        # the row numbers, down the first column: where each row starts
        starts = sorted(
            (box for text, box in words if re.fullmatch(r"\d+", text) and box[0] < 60), key=lambda box: box[1]
        )
        numbered += [
            int(text) for text, box in sorted(words, key=lambda word: word[1][1]) if box in starts and text.isdigit()
        ]
        for top, next_top in zip(starts, starts[1:]):
            in_row = [(text, box) for text, box in words if top[1] - 1 <= box[1] < next_top[1]]
            # the row's text ends above the next row's rule (its number sits a cell margin, 2.9 pt, under it)
            over = [text for text, box in in_row if box[3] > next_top[1] - 2]
            assert not over, f"slide {number + 1}: {over[:3]} run over the next row's rule"
        for (text, box), (other, other_box) in itertools.combinations(words, 2):
            across = min(box[2], other_box[2]) - max(box[0], other_box[0])
            down = min(box[3], other_box[3]) - max(box[1], other_box[1])
            assert not (across > 1 and down > 2), f"slide {number + 1}: {text!r} is drawn over {other!r}"
        assert all(box[3] <= 540 for _, box in words), f"slide {number + 1}: text below the slide's edge"
    # the open list's numbers, then the overdue list's: each once, in order, none lost between slides
    overdue = len(pack.report.overdue_issues)
    assert numbered == [*range(1, open_issues + 1), *range(1, overdue + 1)]
