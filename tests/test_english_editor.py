"""Review of 5 Dec (session 35, an English editor reads every sentence the product writes, under the edge filters).

What the editor found in the English pack and page notes, each pinned here as it now reads:

- "Most issues concern decision procedure: 4 issues, 25.0% of the 16 issues" and "71 reminders in all, mostly
  face-to-face (31 reminders, 43.7%)": "most" and "mostly" say more than half; the leader held a quarter.
- "Of 1 issue, none rectified yet (rectification rate 0.0%)", "Of 1 issue, 1 rectified", "Of 1 suggestion, 1 only
  proposed", "Of 1 suggestion: 1 proposed (100.0%)": one item counted as if a share of several.
- "no regular consultations or special study sessions or secondments to case work": "or" twice over.
- "No issues raised for the Counsellors' Office, Local Chronicles in 2020 Q2": two units in a sentence joined by a
  comma, in the pack and on the page.
- "The issues fell evenly into 5 categories, decision procedure, …, meeting discipline and other, with 1 issue each":
  a list between commas read as more categories.

The Chinese of each stays as it was (checked beside each).
"""

from __future__ import annotations

import pandas as pd
import pytest

from oversight import briefing
from oversight.auth.roles import Account
from oversight.briefing import takeaways
from oversight.charts import catalog
from oversight.core import i18n
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.present.summary import gather_figures, summary_paragraphs

SPECS = {spec.key: spec for spec in catalog.all_charts()}
# the edge views the editor read: a single unit, one quarter, two units, the whole range, counts of 0, 1 and 2
EDGE_FILTERS = [
    Filter((), Quarter(2020, 1), Quarter(2020, 4)),
    Filter((), Quarter(2019, 1), Quarter(2020, 4)),
    Filter((), Quarter(2019, 1), Quarter(2019, 1)),
    Filter(("counsellors",), Quarter(2020, 1), Quarter(2020, 4)),
    Filter(("petitions",), Quarter(2019, 1), Quarter(2019, 1)),
    Filter(("beijing_office",), Quarter(2020, 2), Quarter(2020, 2)),
    Filter(("chronicles",), Quarter(2019, 1), Quarter(2019, 4)),
    Filter(("research",), Quarter(2019, 2), Quarter(2019, 3)),
    Filter(("gov_office", "data_admin"), Quarter(2020, 1), Quarter(2020, 4)),
    Filter(("counsellors", "chronicles"), Quarter(2020, 2), Quarter(2020, 2)),
    Filter(("research", "petitions", "foreign_affairs"), Quarter(2020, 1), Quarter(2020, 2)),
]


def _read(connection, key: str, filter_: Filter, lang: str = "en") -> str | None:
    return takeaways.takeaway(SPECS[key], queries.run(connection, SPECS[key].query, filter_), lang)


def test_the_leader_of_several_is_the_commonest_not_most(connection):
    year, whole = EDGE_FILTERS[0], EDGE_FILTERS[1]
    assert (
        _read(connection, "issues_by_category", year)
        == "The commonest category is decision procedure: 4 issues, 25.0% of the 16 issues."
    )
    assert (
        _read(connection, "issues_by_source", whole)
        == "The commonest source is meetings attended: 11 issues, 40.7% of the 27 issues."
    )
    assert (
        _read(connection, "suggestions_by_category", whole)
        == "The commonest category is integrity risk: 8 suggestions, 25.0% of the 32 suggestions."
    )
    assert (
        _read(connection, "reminders_by_form", whole)
        == "71 reminders in all, most often face-to-face (31 reminders, 43.7%)."
    )
    assert (
        _read(connection, "reminders_by_form", whole, "zh") == "共开展日常提醒71次，以面对面提醒为主（31次，占43.7%）。"
    )
    for filter_ in EDGE_FILTERS:
        for key in SPECS:
            text = _read(connection, key, filter_) or ""
            assert "Most issues" not in text and "Most suggestions" not in text and "mostly" not in text, text


def test_one_issue_or_suggestion_is_said_as_one(connection):
    petitions, beijing = EDGE_FILTERS[4], EDGE_FILTERS[5]
    assert (
        _read(connection, "issues_by_unit_status", petitions)
        == "1 issue raised (rectification rate 0.0%); it is being rectified."
    )
    assert (
        _read(connection, "issues_by_unit_status", beijing) == "1 issue raised, rectified (rectification rate 100.0%)."
    )
    assert (
        _read(connection, "suggestions_by_unit", petitions)
        == "1 suggestion made, not yet adopted (adoption rate 0.0%)."
    )
    assert (
        _read(connection, "suggestions_by_status", petitions)
        == "1 suggestion made, not yet adopted (0.0% adopted or implemented)."
    )
    assert _read(connection, "suggestions_by_unit", beijing) == "1 suggestion made, implemented (adoption rate 100.0%)."
    assert (
        _read(connection, "suggestions_by_status", beijing)
        == "1 suggestion made, implemented (100.0% adopted or implemented)."
    )
    # the Chinese as it was
    assert (
        _read(connection, "issues_by_unit_status", petitions, "zh")
        == "共指出问题1个，尚无已整改，整改率0.0%；该问题正在整改中。"
    )
    assert (
        _read(connection, "suggestions_by_status", beijing, "zh")
        == "1条意见建议中，已落实1条（占100.0%）；已采纳或落实的占100.0%。"
    )
    for filter_ in EDGE_FILTERS:
        for key in SPECS:
            assert not (_read(connection, key, filter_) or "").startswith("Of 1 "), (key, filter_)


def test_one_issue_not_yet_begun_says_so():
    frame = pd.DataFrame(
        {"unit_id": ["chronicles"], "name_zh": ["省地方志编纂委员会办公室"], "name_en": ["Local Chronicles"],
         "ordinal": [1], "rectified": [0], "in_progress": [0], "open": [1]}
    )  # fmt: skip
    spec = SPECS["issues_by_unit_status"]
    assert (
        takeaways.takeaway(spec, frame, "en")
        == "1 issue raised (rectification rate 0.0%); its rectification has not begun."
    )
    assert takeaways.takeaway(spec, frame, "zh") == "共指出问题1个，尚无已整改，整改率0.0%；该问题未整改。"


def test_activities_not_held_are_one_list():
    beijing = EDGE_FILTERS[5]
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    assert _read(connection, "activities_by_unit", beijing) == (
        "1 work notification; no regular consultations, special study sessions or secondments to case work."
    )
    assert (
        _read(connection, "activities_by_unit", beijing, "zh")
        == "共开展工作通报1次，未开展定期会商、专题研究、抽调参与办案。"
    )
    two_kinds = _read(connection, "activities_by_quarter", EDGE_FILTERS[9])
    assert two_kinds == (
        "1 regular consultation and 2 work notifications; no special study sessions or secondments to case work."
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "No issues raised for the Counsellors' Office and Local Chronicles in 2020 Q2."),
        ("zh", "省政府参事室、省地方志编纂委员会办公室2020年第2季度未指出问题。"),
    ],
)
def test_two_units_in_a_sentence_are_joined_with_and(connection, span, lang, expected):
    filter_ = EDGE_FILTERS[9]
    run = briefing.as_query_runner(connection)
    context = briefing.load_context(run, filter_, span, lang)
    assert context.empty_note(SPECS["issues_by_category"].empty_key) == expected
    # the page's own empty chart says it in the same words
    from oversight.ui.page import Page

    page = Page(
        lang,
        filter_,
        span,
        str(store.SAMPLE_DATA_DIR),
        "x",
        queries.run(connection, "units"),
        Account("a", "admin", ()),
    )
    assert page.in_view(SPECS["issues_by_category"].empty_key) == expected
    # the list that is not a sentence (a chip, the cover) keeps its commas
    assert page.unit_labels_text(filter_.units) == (
        "Counsellors' Office, Local Chronicles" if lang == "en" else "省政府参事室、省地方志编纂委员会办公室"
    )


def test_an_even_spread_of_categories_names_them_after_the_count(connection):
    figures = gather_figures(briefing.as_query_runner(connection), EDGE_FILTERS[8])
    first = summary_paragraphs(figures, "en")[0]
    assert first.endswith(
        " The issues fell evenly into 5 categories, with 1 issue each: decision procedure, democratic centralism,"
        " integrity risk, meeting discipline and other."
    )
    assert summary_paragraphs(figures, "zh")[0].endswith(
        "从问题类别看，决策程序、民主集中制、廉洁风险、会风会纪、其他5个方面各1个。"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "No issues raised for the Counsellors' Office from 2020 Q1 to 2020 Q2."),
        ("zh", "省政府参事室2020年第1季度至2020年第2季度未指出问题。"),
    ],
)
def test_a_span_of_quarters_in_a_sentence_runs_from_to(connection, span, lang, expected):
    """An empty chart or list of several quarters read "No reminders for the General Office in 2020 Q1 to 2020 Q4",
    and the reminders page's table "Units with no consultation in 2019 Q1 to 2019 Q4"."""
    from oversight.ui.page import Page

    filter_ = Filter(("counsellors",), Quarter(2020, 1), Quarter(2020, 2))
    assert queries.run(connection, "issues_by_category", filter_).empty  # the view really has none
    context = briefing.load_context(briefing.as_query_runner(connection), filter_, span, lang)
    assert context.empty_note(SPECS["issues_by_category"].empty_key) == expected
    units = queries.run(connection, "units")
    page = Page(lang, filter_, span, str(store.SAMPLE_DATA_DIR), "x", units, Account("a", "admin", ()))
    assert page.in_view(SPECS["issues_by_category"].empty_key) == expected
    whole = Page(lang, Filter((), Quarter(2019, 1), Quarter(2019, 4)), span, "", "x", units, Account("a", "admin", ()))
    assert whole.t(
        "table.units_without_consultation", period=whole.period(), in_period=i18n.span_in_sentence(whole.filter, lang)
    ) == (
        "Units with no consultation from 2019 Q1 to 2019 Q4"
        if lang == "en"
        else "2019年第1季度至2019年第4季度未开展定期会商的单位"
    )
    one = Filter(("counsellors",), Quarter(2020, 4), Quarter(2020, 4))
    assert i18n.span_in_sentence(one, lang) == ("in 2020 Q4" if lang == "en" else "2020年第4季度")


def test_the_reminders_page_titles_its_table_from_to():
    from tests.apptest import run_page

    at = run_page("pages/04_reminders.py", {"from": "2019Q1", "to": "2019Q4", "lang": "en"})
    titles = [m.value for m in at.markdown if "no consultation" in m.value]
    assert titles == ["**Units with no consultation from 2019 Q1 to 2019 Q4**"], titles


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_scope_line_keys_a_full_name_to_the_short_name_the_notes_use(connection, span, lang):
    """The caption and the pack's cover and slide feet said "Scope: Provincial Bureau of Letters and Calls", every
    note and chart below it "the Petitions Bureau": two names a reader could not tie together. Where the short name is
    not made of the full name's words it follows in brackets; where it is ("Research Office", "Offices Admin.") the
    line is as it was. Chinese names the unit in full."""
    from oversight.ui.page import Page

    filter_ = Filter(("petitions", "offices_admin"), Quarter(2020, 3), Quarter(2020, 3))
    expected = {
        "en": "Provincial Bureau of Letters and Calls (Petitions Bureau), Provincial Government Offices Administration",
        "zh": "省信访局、省机关事务管理局",
    }[lang]
    context = briefing.load_context(briefing.as_query_runner(connection), filter_, span, lang)
    assert context.scope() == expected
    report = briefing.collect_report(briefing.as_query_runner(connection), filter_, lang, specs=())
    assert report.meta_lines()[0] == report.footer_lines()[1] == i18n.t("export.briefing.scope", lang, scope=expected)
    units = queries.run(connection, "units")
    page = Page(lang, filter_, span, str(store.SAMPLE_DATA_DIR), "x", units, Account("a", "admin", ()))
    assert page.scope_text(full_names=True) == expected.replace("(", "\\(").replace(")", "\\)")
    assert "Petitions Bureau" in page.in_view("empty.none_in_view.reminders") or lang == "zh"


@pytest.mark.parametrize(
    ("lang", "chart", "overdue"),
    [
        (
            "en",
            "No meetings for any of the 9 units under supervision from 2018 Q1 to 2018 Q4.",
            "No overdue issues for any of the 9 units under supervision as of 31 December 2018, whenever raised.",
        ),
        (
            "zh",
            "全部9家综合监督单位2018年第1季度至2018年第4季度无会议。",
            "截至2018年12月31日，全部9家综合监督单位无逾期未整改的问题（不论何时指出）。",
        ),
    ],
)
def test_none_of_every_unit_is_said_of_any_unit_not_all(connection, span, lang, chart, overdue):
    """ "No meetings for all 9 units under supervision from 2018 Q1 to 2018 Q4" says something else than none (a
    reader of the pack for a year before the records, 5 Dec); every unit in a sentence saying none is "any of"."""
    from oversight.briefing.report import Report
    from oversight.ui.page import Page

    filter_ = Filter((), Quarter(2018, 1), Quarter(2018, 4))
    context = briefing.load_context(briefing.as_query_runner(connection), filter_, span, lang)
    assert context.empty_note(SPECS["meetings_by_quarter"].empty_key) == chart
    page = Page(
        lang,
        filter_,
        span,
        str(store.SAMPLE_DATA_DIR),
        "x",
        queries.run(connection, "units"),
        Account("a", "admin", ()),
    )
    assert page.in_view(SPECS["meetings_by_quarter"].empty_key) == chart
    assert page.in_view("empty.no_overdue") == overdue
    report = Report(context, "", [], [], [], pd.DataFrame(), pd.DataFrame())  # a list line needs only the context
    assert report.empty_list_line("empty.no_overdue") == overdue
