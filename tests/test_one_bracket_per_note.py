"""A sentence built from parts that each may bring a bracketed note reads as one sentence: "no regular consultation in
2020 Q3 (to 14 Aug) (last one 26 March 2020)" had two notes side by side. Built here over many filters and days, in
zh and en — the digest and its strip, the summary, the takeaways, the notes under the figures, the period captions,
the 较上季度 box, the subject of a pushed message — and no two brackets may stand side by side, nor one inside another:
over 2019Q1–2020Q4 cut at 14 Aug 2020 the year earlier read 上年同期（2018年第1季度至2019年第4季度（截至8月14日））."""

from __future__ import annotations

import re
from datetime import date

import pytest

from oversight import alerts
from oversight.alerts import digest_text
from oversight.alerts.strip import AlertStrip
from oversight.auth import unit_scope
from oversight.briefing import as_query_runner, takeaways
from oversight.charts import catalog
from oversight.core import i18n
from oversight.data import queries, store
from oversight.data.filters import DataSpan, Filter, Quarter
from oversight.present import changes, kpis, summary
from tests import oracle

# a bracket closed and another opened beside it, in either language's brackets, spaces or not
SIDE_BY_SIDE = re.compile(r"[)）]\s*[(（]")
CUT_DAY = date(2020, 8, 14)
UNITS = ((), ("research", "petitions"), ("offices_admin",), ("foreign_affairs",))
PERIODS = (
    (Quarter(2020, 3), Quarter(2020, 3)),
    (Quarter(2020, 1), Quarter(2020, 4)),
    (Quarter(2019, 4), Quarter(2020, 3)),
    (Quarter(2020, 4), Quarter(2020, 4)),
    (Quarter(2019, 1), Quarter(2019, 4)),
    (Quarter(2019, 1), Quarter(2020, 4)),
    (Quarter(2019, 3), Quarter(2020, 3)),
)
DIGEST_DAYS = (date(2020, 8, 14), date(2020, 9, 20), date(2020, 6, 30), date(2020, 2, 17))


@pytest.fixture(scope="module")
def connection(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cut") / "data"
    oracle.cut_copy(oracle.Path(__file__).resolve().parent.parent / "data", folder, CUT_DAY)
    return store.open_folder(folder)


def _sentences(connection, lang: str):
    """(where, text) for every sentence the filters and days build."""
    run = as_query_runner(connection)
    span = queries.data_span(connection)
    specs = catalog.all_charts()
    for units in UNITS:
        for start, end in PERIODS:
            filter_ = span.resolve(Filter(units, start, end))
            where = f"{units} {start}-{end}"
            yield where, i18n.span_label(filter_, lang)
            figures = summary.gather_figures(run, filter_)
            earlier = i18n.span_label(figures.filter.previous_year(), lang)
            for card in kpis.overview_kpis(figures.current, figures.previous, lang, earlier):
                yield f"{where} card {card.key}", card.help
            yield where, i18n.t("briefing.ready", lang, scope="全部单位", period=i18n.span_label(filter_, lang))
            for paragraph in summary.summary_paragraphs(figures, lang):
                yield where, paragraph
            for note in summary.figure_notes(
                filter_, DataSpan.from_row(run("data_span", filter_).iloc[0].to_dict()), lang
            ):
                yield where, note
            for spec in specs:
                yield (
                    f"{where} {spec.key}",
                    takeaways.takeaway(spec, queries.run(connection, spec.query, filter_), lang) or "",
                )
            box = changes.quarter_changes(run, span, filter_)
            if box is not None:
                yield where, box.heading(lang)
                yield from ((where, line) for line in box.lines(lang))
        for day in DIGEST_DAYS:
            scope_runner = alerts.scoped_runner(connection, unit_scope.Scope.everything())
            digest = alerts.collect_alerts(scope_runner, day, alerts.DEFAULT_RULES, units)
            where = f"digest {units} {day}"
            yield where, digest_text.subject(digest, lang)
            yield where, digest_text.render_text(digest, lang)
            yield where, digest_text.render_markdown(digest, lang)
            strip = AlertStrip(digest)
            yield where, strip.heading(lang)
            yield from ((where, part) for part in strip.parts(lang))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_two_bracketed_notes_stand_side_by_side(connection, lang):
    built = list(_sentences(connection, lang))
    assert len(built) > 500
    doubled = [(where, text) for where, text in built if SIDE_BY_SIDE.search(text)]
    assert doubled == []
    assert [(where, text) for where, text in built if _bracket_in_a_bracket(text)] == []
    # the example: the span a year earlier said in the one bracket, to the day it is counted to
    earlier = {
        "zh": "上年同期（2018年第1季度至2019年8月14日）始于数据起始",
        "en": "the same span a year earlier (2018 Q1 to 14 August 2019) begins before",
    }[lang]
    assert any(earlier in text for _, text in built)
    card = {"zh": "上年同期（2019年第3季度，截至8月14日）", "en": "(2019 Q3, to 14 August)"}[lang]
    assert any(card in text for where, text in built if " card " in where)
    # the example: one note, the day counted to and the last consultation, both said
    last_one = {
        "zh": "2020年第3季度（截至8月14日）未开展定期会商（上次会商2020年3月26日）",
        "en": "no regular consultation in 2020 Q3 (to 14 August; last one 26 March 2020)",
    }[lang]
    assert any(last_one in text for _, text in built)
    rising = {
        "zh": "2019年第3季度（截至8月14日）为4次，增加2次",
        "en": "against 4 in 2019 Q3 (to 14 August), 2 more",
    }[lang]
    assert any(rising in text for _, text in built)


def _bracket_in_a_bracket(text: str) -> bool:
    depth = 0
    for character in text:
        if character in "(（":
            depth += 1
            if depth > 1:
                return True
        elif character in ")）":
            depth = max(depth - 1, 0)
    return False


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_sentence_of_the_locales_has_two_brackets_side_by_side(lang):
    """The import's messages wrote two notes in a row themselves: "write 是 (yes) or 否 (no) (also ☑/☐, √/×)",
    "rename the column 时长（小时） (Duration (hours))"."""
    assert {key: text for key, text in i18n.catalog(lang).items() if SIDE_BY_SIDE.search(text)} == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_name_that_ends_in_a_bracket_keeps_its_own_bracket(lang):
    """Only a span of time brings a note of ours to merge: a unit's name that ends in a bracket is the name, and
    "省委办公厅（机要局，12）" would read as the 机要局's twelve; a path's bracket, an issue's, likewise."""
    name = "省委办公厅（机要局）" if lang == "zh" else "General Office (Confidential Bureau)"
    text = i18n.t("export.takeaway.heatmap_units", lang, most=name, top=12, fewest="省信访局", bottom=3)
    assert name in text
    assert i18n.t("export.takeaway.adoption_most_waiting", lang, units=name, count=4).count(name) == 1


def test_a_span_to_date_keeps_its_bracketless_wording_through_a_cache():
    """Streamlit's caches pickle what they keep: a span label must come back with its wording for inside a bracket."""
    import pickle

    label = i18n.span_label(Filter((), Quarter(2019, 1), Quarter(2019, 4), cutoff=date(2019, 8, 14)), "zh")
    kept = pickle.loads(pickle.dumps(label))
    assert (kept, i18n.t("kpi.help", "zh", period=kept)) == (
        "2019年第1季度至2019年第4季度（截至8月14日）",
        "与上年同期（2019年第1季度至2019年8月14日）相比",
    )
