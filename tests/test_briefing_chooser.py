"""The briefing page's chart chooser: a chart empty for the view is marked and left unticked by default (the pack
gave it a slide saying "no data"); ticks follow the view without undoing the reader's own."""

from __future__ import annotations

from oversight import briefing
from oversight.briefing.chart_choice import Choice, chooser_title, empty_for_the_view, follow_the_view
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from tests import oracle

KEYS = ("a", "b", "c")


def test_empty_charts_start_unticked_and_come_back_when_the_view_has_data():
    first = follow_the_view(Choice(KEYS), KEYS, frozenset({"b"}))
    assert first.chosen == ("a", "c") and first.unticked_as_empty == {"b"}
    # another view: b has data again and is ticked again; c becomes empty and is unticked
    second = follow_the_view(first, KEYS, frozenset({"c"}))
    assert second.chosen == ("a", "b") and second.unticked_as_empty == {"c"}


def test_the_readers_own_ticks_stand():
    first = follow_the_view(Choice(KEYS), KEYS, frozenset({"b"}))
    # the reader ticks the empty b on purpose (select all) and unticks a: the same view leaves both so
    ticked = follow_the_view(Choice(("b", "c"), first.unticked_as_empty, first.seen_empty), KEYS, frozenset({"b"}))
    assert ticked.chosen == ("b", "c")
    # a chart the reader unticked is not ticked again when the view changes
    later = follow_the_view(ticked, KEYS, frozenset())
    assert later.chosen == ("b", "c")


def test_the_charts_marked_empty_are_those_the_spreadsheets_have_nothing_for():
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    span = queries.data_span(connection)
    filter_ = span.resolve(Filter(("research",), Quarter(2020, 3), Quarter(2020, 3)))
    specs = [spec for _, group in briefing.chart_groups() for spec in group]
    empty = empty_for_the_view(lambda name, f: queries.run(connection, name, f), filter_, specs)
    view = oracle.View(oracle.read_ledgers(store.SAMPLE_DATA_DIR), ("research",), (2020, 3), (2020, 3))
    totals = view.totals()
    assert totals["issues"] == 0 and totals["suggestions"] == 0 and totals["meetings"] > 0
    # every chart that counts issues or suggestions alone (what each counts is its spec's ``nothing``), and none of
    # meetings; a new chart of suggestions joins without being listed here (a list of eight failed for it)
    nothing = {spec.key for spec in specs if spec.nothing in ("issues", "suggestions", "issues_suggestions")}
    assert nothing >= {
        "issues_by_category",
        "issues_by_unit_status",
        "issues_suggestions_by_unit",
        "suggestions_by_link",
    }
    assert empty == nothing
    assert not {"meetings_by_quarter", "meeting_duration_by_quarter"} & empty
    by_key = {spec.key: spec for spec in specs}
    assert chooser_title(by_key["issues_by_source"], empty, "zh") == "问题来源（本视图无数据）"
    assert chooser_title(by_key["issues_by_source"], empty, "en").endswith(" (no data in this view)")
    assert chooser_title(by_key["meetings_by_quarter"], empty, "en") == by_key["meetings_by_quarter"].title("en")
