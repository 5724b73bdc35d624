"""The Word report and the PDF of a pack of many units (a province's 300): the head under the title named every unit,
a page and a half of names before 一、总体情况 began. As the slides do (tests/test_pptx_cover_many_units.py), the
head says how many units and where they are named, the first page holds the summary, and the names follow the
report, every one of them, in an annex of their own."""

from __future__ import annotations

import dataclasses
import io
import re

import pytest
from docx import Document

from oversight import briefing
from oversight.data import queries, store
from oversight.devdata import scale
from oversight.ingest import checked_folder
from tests.pdf_pages import pdftotext
from tests.test_office import OUTPUT, _pages_as_pictures, _to_pdf

pytestmark = [pytest.mark.office, pytest.mark.slow]


@pytest.fixture(scope="module")
def scale_connection(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-scale")
    scale.write(folder, 2_000, csv=True)
    return store.connect(checked_folder.read_folder(folder))


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("count", [9, 300])
def test_the_first_page_holds_the_summary_and_every_unit_is_named(scale_connection, count, lang, tmp_path):
    span = queries.data_span(scale_connection)
    chosen = dataclasses.replace(span.default_filter(), units=tuple(span.unit_ids[:count]))
    pack = briefing.build_briefing_pack(scale_connection, chosen, lang, [], formats=("docx", "pdf"))
    report = pack.report
    folder = OUTPUT / lang
    folder.mkdir(parents=True, exist_ok=True)
    word = folder / f"many-units-{count}-report.docx"
    word.write_bytes(pack.files["docx"])
    printed = folder / f"many-units-{count}-print.pdf"
    printed.write_bytes(pack.files["pdf"])
    for pdf in (_to_pdf(word, tmp_path / "profile"), printed):
        _pages_as_pictures(pdf)
        first = _flat(pdftotext(pdf.read_bytes(), "-f", "1", "-l", "1"))
        # the page's number out of the text: an English name wraps between its words, at a page's end too
        whole = _flat(re.sub(r"(?m)^(Page \d+|第\d+页)$", "", pdftotext(pdf.read_bytes())))
        period, data_as_of = report.meta_lines()[1:]
        assert _flat(period) in first and _flat(data_as_of) in first
        assert _flat(report.summary[0])[:40] in first  # the summary begins on page 1
        names = report.context.selected_names
        if pdf == printed:  # (Word breaks a Chinese name anywhere, at a page's end too: its own text is read below)
            assert [name for name in names if _flat(name) not in whole] == []
        if count == 300:
            # the head goes from the team's line to the period's in one line (the summary and the issue lists name
            # the units they speak of)
            head = first[first.index(_flat(report.team)) : first.index(_flat(period))]
            assert head == _flat(report.team + report.t("export.report.scope_in_annex", count=count))
            # after 五、下一步工作, on a page of its own
            annex = report.t("export.report.units_annex_heading", count=count)
            assert whole.index(_flat(report.t("export.report.next_steps"))) < whole.index(_flat(annex))
        else:
            assert _flat(report.context.scope()) in first
    text = _flat("".join(paragraph.text for paragraph in Document(io.BytesIO(pack.files["docx"])).paragraphs))
    assert [name for name in report.context.selected_names if _flat(name) not in text] == []
