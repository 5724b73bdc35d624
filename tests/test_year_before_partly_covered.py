"""A range longer than a year that runs to date, on data cut at 18 November 2020, viewed 2019Q4–2020Q4.

Seen on the meetings page: the bar of 2020年第4季度（截至11月18日） read 无可比 and the average-length chart had no
year-earlier point, although 2019年第4季度 to 18 November is in the data (46 meetings; the one-quarter view read
-23.9%). 口径说明: 同比 of a quarter to date is the same quarter to the same day a year earlier, and a chart compares
each quarter whose quarter a year earlier the data cover — also where that quarter is itself a (whole) bar of the range.
The cards compare the span a year earlier (2018Q4–2019Q4), which begins before the data: 无可比数据 by definition,
and the page and the pack say why, so it does not read as "no data".
"""

from __future__ import annotations

from datetime import date

import pytest

from oversight import charts
from oversight.briefing import takeaways
from oversight.charts.catalog import MEETING_CHARTS
from oversight.core import i18n
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.present import summary
from tests import oracle
from tests.apptest import as_read, metrics, run_page

CUT = date(2020, 11, 18)
START, END = (2019, 4), (2020, 4)


@pytest.fixture(scope="module")
def cut_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cut_1118")
    oracle.cut_copy(store.SAMPLE_DATA_DIR, folder, CUT)
    return folder


@pytest.fixture(scope="module")
def world(cut_folder):
    connection = store.open_folder(cut_folder)
    span = queries.data_span(connection)
    filter_ = span.resolve(Filter((), Quarter(*START), Quarter(*END)))
    view = oracle.View(oracle.read_ledgers(cut_folder), (), START, END)
    return connection, span, filter_, view


def test_the_quarter_to_date_is_compared_with_the_same_days_a_year_earlier(world):
    connection, _, filter_, view = world
    frame = queries.run(connection, "meetings_by_quarter", filter_)
    expected = {row["quarter_key"]: row for row in view.meetings_by_quarter()}
    assert view.as_of == CUT and expected[20204]["meetings"] == 35 and expected[20204]["prev_meetings"] == 46
    got = {
        int(row.quarter_key): tuple(None if value is None or value != value else int(value) for value in pair)
        for row in frame.astype(object).where(frame.notna(), None).itertuples()
        for pair in [(row.meetings, row.prev_meetings)]
    }
    assert got == {key: (row["meetings"], row["prev_meetings"]) for key, row in expected.items()}
    durations = {row["quarter_key"]: row["prev_avg_duration_min"] for row in view.meeting_quarters()}
    assert durations[20204] is not None
    assert frame.set_index("quarter_key").loc[20204, "prev_avg_duration_min"] == pytest.approx(durations[20204])
    for lang, no_comparison in (("zh", "无可比"), ("en", "n/a")):
        labels = [a.text for a in charts.make_meetings_by_quarter_figure(frame, lang).layout.annotations]
        # 2019Q4 (its year earlier is before the data) and the four 2020 quarters, 2020Q4 against 46
        assert labels == [no_comparison, "-31.0%", "-36.4%", "-31.0%", "-23.9%"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_readings_count_the_quarter_to_date_among_those_compared(world, lang):
    connection, _, filter_, _ = world
    frame = queries.run(connection, "meetings_by_quarter", filter_)
    meetings, duration = MEETING_CHARTS[0], MEETING_CHARTS[1]
    assert (meetings.key, duration.key) == ("meetings_by_quarter", "meeting_duration_by_quarter")
    four = {"zh": "有上年同期数据的4个季度均", "en": "in each of the 4 quarters with comparable data"}[lang]
    assert four in takeaways.takeaway(meetings, frame, lang)
    assert four in takeaways.takeaway(duration, frame, lang)


def test_the_cards_say_why_the_year_before_is_not_compared(world):
    connection, span, filter_, _ = world
    assert span.year_earlier(filter_) is None  # 2018Q4–2019Q4 begins before the data (2019Q1)
    figures = summary.gather_figures(lambda name, f: queries.run(connection, name, f), filter_)
    zh, en = (summary.summary_paragraphs(figures, lang)[-1] for lang in ("zh", "en"))
    assert "召开会议295次，上年同期始于数据起始（2019年第1季度）之前，不作比较" in zh and "无可比数据" not in zh
    assert (
        "295 meetings, not compared with the same span a year earlier, which begins before the data start (2019 Q1)"
        in en
    )
    # a year before wholly covered, or wholly before the data, needs no such note
    for start, end in (((2020, 1), (2020, 4)), ((2019, 1), (2019, 4))):
        assert (
            summary.partly_covered_year_note(span.resolve(Filter((), Quarter(*start), Quarter(*end))), span, "zh")
            is None
        )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_meetings_page_says_it_under_its_title(cut_folder, monkeypatch, lang):
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(cut_folder))
    at = run_page("pages/01_meetings.py", {"from": "2019Q4", "to": "2020Q4", "lang": lang})
    captions = " ".join(as_read(c.value) for c in at.caption)
    note = {
        "zh": "同比：上年同期（2018年第4季度至2019年11月18日）始于数据起始（2019年第1季度）之前，各卡片不作比较",
        "en": "Year on year: the same span a year earlier (2018 Q4 to 18 November 2019) begins before the data start"
        " (2019 Q1), so the cards are not compared",
    }[lang]
    assert note in captions
    assert metrics(at)[{"zh": "会议数量", "en": "Meetings"}[lang]] == {"zh": "295次", "en": "295"}[lang]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pack_says_under_its_key_figures_what_the_overview_says_under_its_title(cut_folder, monkeypatch, lang):
    """The pack's key figures read 无可比数据 on all six cards and gave no reason; the Overview said under its title
    that the year before begins before the data start. Each line the page gives under its caption (what the figures
    run to, and why they are not compared) is now under the key figures of the slides, the Word report and the PDF's
    page, word for word."""
    import html
    import io
    import re

    from docx import Document
    from pptx import Presentation

    from oversight import briefing

    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(cut_folder))
    at = run_page("app.py", {"from": "2019Q4", "to": "2020Q4", "lang": lang})
    why = {"zh": "同比：上年同期（", "en": "Year on year: the same span a year earlier ("}[lang]
    to_date = {"zh": "所选期间止于数据日期之后", "en": "The selected period runs past the data date"}[lang]
    page_notes = [as_read(c.value) for c in at.caption if c.value.startswith((why, to_date))]
    assert len(page_notes) == 2, [as_read(c.value) for c in at.caption]
    assert set(metrics(at).values()) >= {{"zh": "295次", "en": "295"}[lang]}

    report = briefing.collect_report(
        briefing.as_query_runner(store.open_folder(cut_folder)), Filter((), Quarter(*START), Quarter(*END)), lang, ()
    )
    assert {kpi.delta for kpi in report.kpis} == {{"zh": "无可比数据", "en": "no comparable data"}[lang]}
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(report)))
    slide_lines = [
        line for shape in deck.slides[1].shapes if shape.has_text_frame for line in shape.text_frame.text.split("\n")
    ]
    word_lines = [paragraph.text for paragraph in Document(io.BytesIO(briefing.docx_bytes(report))).paragraphs]
    # the PDF's page as text: unit names are kept whole in spans of their own
    printed = html.unescape(re.sub(r"<[^>]+>", "", briefing.report_html(report)))
    for note in page_notes:
        assert note in slide_lines and note in word_lines and note in printed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_heatmaps_quarter_to_date_reads_as_every_other_to_date_label(world, lang):
    """The heatmap's tick for the quarter the data stop inside read 截至 / 11月18日, without the brackets of the
    bars' 2020年第4季度（截至11月18日）, the caption's period and the pack's; it is now the same words, broken in lines."""
    from oversight.charts.catalog import make_meeting_heatmap_figure

    connection, _, filter_, _ = world
    figure = make_meeting_heatmap_figure(queries.run(connection, "meetings_by_unit_quarter", filter_), lang)
    last_tick = figure.layout.xaxis.ticktext[-1].split("<br>")
    remark = {"zh": ["（截至", "11月18日）"], "en": ["(to", "18 Nov)"]}[lang]
    assert last_tick[-2:] == remark
    # the period the caption and the pack name ends with the same remark (a sentence names the month whole)
    caption_remark = "".join(remark) if lang == "zh" else "(to 18 November)"
    assert i18n.span_label(filter_, lang).endswith(caption_remark)
