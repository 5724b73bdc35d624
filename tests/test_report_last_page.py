"""The Word report's and the PDF's last page: 五、下一步工作 and its three lines to fill stood alone at the top of it, the
rest of the page blank, a page that reads as forgotten (the four-chart Chinese pack's page 5, in Word and in the PDF;
the English default pack's Word report; 省政府参事室's Chinese Word report). (三) 原因分析 and 五、下一步工作 are one
block now, kept with the end of the overdue list before it."""

from __future__ import annotations

import dataclasses
import re

import pytest

from oversight import briefing, charts
from oversight.charts import catalog
from tests.pdf_pages import pdftotext
from tests.test_office import OUTPUT, _pages_as_pictures, _to_pdf

pytestmark = [pytest.mark.office, pytest.mark.slow]

_PACKS = {
    "four-zh": ("zh", {}, charts.OVERVIEW_CHARTS),
    "four-en": ("en", {}, charts.OVERVIEW_CHARTS),
    "all-en": ("en", {}, None),
    "counsellors-zh": ("zh", {"units": ("counsellors",)}, None),
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("case", list(_PACKS))
def test_the_last_page_does_not_open_with_the_next_steps(connection, default_filter, case, tmp_path):
    lang, view, specs = _PACKS[case]
    chosen = dataclasses.replace(default_filter, **view)
    pack = briefing.build_briefing_pack(
        connection, chosen, lang, specs or catalog.all_charts(), formats=("docx", "pdf")
    )
    folder = OUTPUT / lang
    folder.mkdir(parents=True, exist_ok=True)
    word = folder / f"last-page-{case}-report.docx"
    word.write_bytes(pack.files["docx"])
    printed = folder / f"last-page-{case}-print.pdf"
    printed.write_bytes(pack.files["pdf"])
    report = pack.report
    for pdf in (_to_pdf(word, tmp_path / "profile"), printed):
        pages = len(_pages_as_pictures(pdf))
        last = _flat(pdftotext(pdf.read_bytes(), "-f", str(pages), "-l", str(pages)))
        assert _flat(report.t("export.report.next_steps")) in last
        # what opens the last page, the watermark's and the marking's words aside
        for mark in (report.marking.label, *report.marking.watermark_lines):
            last = last.replace(_flat(mark), "") if mark else last
        assert not last.startswith(_flat(report.t("export.report.next_steps"))), (pdf.name, last[:80])
