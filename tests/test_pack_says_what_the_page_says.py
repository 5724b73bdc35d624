"""The briefing pack says what the page says: a sentence of the pack that has its twin on a page (an empty chart's,
an empty list's) is the page's sentence word for word, in the slides, the Word report and the PDF's page.

Each test reads the page through AppTest and the pack through python-pptx, python-docx and the printed page's
HTML, never through the function that writes both."""

from __future__ import annotations

import html
import io
import re

import pytest
from docx import Document
from pptx import Presentation

from oversight import briefing, charts
from oversight.data import store
from oversight.data.filters import Filter, Quarter
from tests import oracle
from tests.apptest import run_page

# Counsellors' Office in 2020 Q4: no issue, suggestion, reminder or activity, six meetings (a leader's tour)
UNIT, QUARTER = "counsellors", Quarter(2020, 4)


def _pack_lines(report) -> tuple[list[str], list[str], str]:
    """Every text line of the slides, every paragraph of the Word report, and the PDF's page as text."""
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(report)))
    slides = [
        line
        for slide in deck.slides
        for shape in slide.shapes
        if shape.has_text_frame
        for line in shape.text_frame.text.split("\n")
    ]
    word = [paragraph.text for paragraph in Document(io.BytesIO(briefing.docx_bytes(report))).paragraphs]
    printed = html.unescape(re.sub(r"<[^>]+>", "", briefing.report_html(report)))  # names are kept whole in spans
    return slides, word, printed


def _report(lang: str, specs):
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    return briefing.collect_report(briefing.as_query_runner(connection), Filter((UNIT,), QUARTER, QUARTER), lang, specs)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_chart_says_in_the_pack_what_it_says_on_the_page(lang):
    """The Overview said 省政府参事室2020年第4季度未指出问题。 where its chart would be; the pack's slide said 本期无相关
    记录，未作图, and the Word and PDF reports gave the chart's caption over nothing. Each now gives the page's sentence,
    the unit named as the page names it (its 英文简称 in English)."""
    view = oracle.View(oracle.read_ledgers(store.SAMPLE_DATA_DIR), (UNIT,), (2020, 4), (2020, 4))
    totals = view.totals()
    assert (totals["issues"], totals["suggestions"], totals["reminders"]) == (0, 0, 0)
    at = run_page("app.py", {"unit": UNIT, "from": "2020Q4", "to": "2020Q4", "lang": lang})
    page_notes = [info.value for info in at.info]
    # the three of the Overview's four charts that count what the unit had none of; the meetings chart is drawn
    empty_specs = [spec for spec in charts.OVERVIEW_CHARTS if spec.key != "meetings_by_quarter"]
    assert len(page_notes) == len(empty_specs) == 3, page_notes
    assert any({"zh": "省政府参事室", "en": "Counsellors' Office in"}[lang] in note for note in page_notes)
    report = _report(lang, empty_specs)
    assert all(section.png is None for section in report.sections)
    slides, word, printed = _pack_lines(report)
    for note in page_notes:
        assert note in slides and note in word and note in printed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_empty_overdue_list_says_in_the_pack_what_it_says_on_the_issues_page(lang):
    """Local Chronicles in 2020 Q3 had issues, none overdue on 30 September. The issues page said 截至2020年9月30日，
    省地方志编纂委员会办公室无逾期未整改的问题（不论何时指出）。; the pack said 截至期末，无逾期未整改的问题（不论何时指出）。
    — no day, no unit. It now says the page's sentence; its list of the period's open issues names the day too."""
    view = oracle.View(oracle.read_ledgers(store.SAMPLE_DATA_DIR), ("chronicles",), (2020, 3), (2020, 3))
    raised = view.issues
    assert len(raised) > 0 and not view.overdue_at(view.scoped(view.ledgers.issues), view.as_of).any()
    at = run_page("pages/02_issues.py", {"unit": "chronicles", "from": "2020Q3", "to": "2020Q3", "lang": lang})
    start = {"zh": "截至2020年9月30日，", "en": "No overdue issues for"}[lang]
    (page_note,) = [info.value for info in at.info if info.value.startswith(start)]
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    report = briefing.collect_report(
        briefing.as_query_runner(connection), Filter(("chronicles",), Quarter(2020, 3), Quarter(2020, 3)), lang, ()
    )
    assert report.overdue_issues.empty
    slides, word, printed = _pack_lines(report)
    assert page_note in slides and page_note in word and page_note in printed
    assert not any({"zh": "期末", "en": "end of the period"}[lang] in line for line in [*slides, *word])
