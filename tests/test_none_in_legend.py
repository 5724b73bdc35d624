"""A kind, form or status with none in view (one unit, one quarter: no secondment) draws no bar or slice and gets no
coloured legend entry, but the legend still names it with its 0, so the chart never suggests it does not exist: the
activities charts and the reminders' charts by form, by unit and by quarter, stacked or side by side, the issues' and
suggestions' status stacks and the three donuts, zh and en; the entry on the lines of the width it is drawn at."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from oversight.charts import catalog
from oversight.data import queries
from oversight.data.filters import Filter, Quarter

ONE_UNIT_ONE_QUARTER = Filter(("gov_office",), Quarter(2020, 3), Quarter(2020, 3))


def _oracle_kinds_with_none(frames, sheet: str, column: str) -> set[str]:
    """The kinds (codes) the General Office recorded none of in 2020Q3, from the spreadsheets themselves."""
    rows = frames[sheet]
    day = pd.to_datetime(rows["date"])
    rows = rows[(rows["unit"] == "gov_office") & (day >= "2020-07-01") & (day <= "2020-09-30")]
    return set(rows[column].unique())


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    "key, series",
    [
        ("activities_by_quarter", catalog.ACTIVITY_SERIES),
        ("activities_by_unit", catalog.ACTIVITY_SERIES),
        ("reminders_by_quarter_form", catalog.FORM_SERIES),
        ("reminders_by_unit", catalog.FORM_SERIES),
    ],
)
def test_kinds_with_none_are_named_with_their_zero_and_draw_no_bar(connection, frames, key, series, lang):
    from oversight.core import i18n

    spec = next(spec for spec in catalog.all_charts() if spec.key == key)
    figure = spec.build(queries.run(connection, spec.query, ONE_UNIT_ONE_QUARTER), lang)
    sheet, column = ("activities", "kind") if series is catalog.ACTIVITY_SERIES else ("reminders", "form")
    recorded = _oracle_kinds_with_none(frames, sheet, column)
    some = [i18n.label(label_key, lang) for code, label_key, _ in series if code in recorded]
    none = [i18n.label(label_key, lang) for code, label_key, _ in series if code not in recorded]
    assert some and none  # the view has kinds of both
    bars = [trace.name for trace in figure.data if trace.type == "bar"]
    assert sorted(bars) == sorted(some)  # a bar, and a coloured entry, only for a kind with some
    (entry,) = [trace for trace in figure.data if trace.type != "bar"]
    assert entry.marker.color == "rgba(0,0,0,0)" and entry.showlegend  # an entry without a swatch
    written = entry.name.replace("<br>", " " if lang == "en" else "")
    assert written.endswith("：0" if lang == "zh" else ": 0") and all(name in written for name in none)


def test_a_view_with_every_kind_or_none_at_all_has_no_such_entry():
    every = pd.DataFrame(
        {"year": [2020], "quarter": [3], "quarter_key": [20203]} | {code: [1] for code, _, _ in catalog.ACTIVITY_SERIES}
    )
    assert [t.type for t in catalog.make_activities_by_quarter_figure(every, "zh").data] == ["bar"] * 4
    nothing = every.assign(**{code: [0] for code, _, _ in catalog.ACTIVITY_SERIES})
    assert [t.type for t in catalog.make_activities_by_quarter_figure(nothing, "en").data] == ["bar"] * 4


# ---------------------------------------------------------------- statuses of a stack, parts of a donut

SAMPLE_2020 = Filter((), Quarter(2020, 1), Quarter(2020, 4))  # no issue raised in 2020 is 未整改 at its end
VIEWS = {
    "all units, 2020": (SAMPLE_2020, (), (2020, 1), (2020, 4)),
    "gov_office, 2020Q3": (ONE_UNIT_ONE_QUARTER, ("gov_office",), (2020, 3), (2020, 3)),
}


def _view(name: str):
    from oversight.data import store
    from tests import oracle

    _, units, start, end = VIEWS[name]
    return oracle.View(oracle.read_ledgers(store.SAMPLE_DATA_DIR), units, start, end)


def _oracle_statuses(view, key: str) -> tuple[tuple[str, ...], dict[str, int]]:
    """Every status of the chart's definition (README 口径说明) and how many the view has of each, from the sheets."""
    from tests import oracle

    if key == "issues_by_unit_status":
        counts = view.status_at(view.issues, view.as_of).value_counts()
        return tuple(oracle.STATUS.values())[::-1], {code: int(counts.get(code, 0)) for code in oracle.STATUS.values()}
    if key in ("suggestions_by_unit", "suggestions_by_status"):
        counts = view.suggestions["status"].value_counts()
        return oracle.ADOPTION_CODES, {code: int(counts.get(code, 0)) for code in oracle.ADOPTION_CODES}
    if key == "suggestions_by_link":
        return ("linked", "standalone"), {
            code: view.suggestion_links().get(code, 0) for code in ("linked", "standalone")
        }
    counts = view.reminders["form"].value_counts()
    return oracle.FORM_CODES, {code: int(counts.get(code, 0)) for code in oracle.FORM_CODES}


def _label(key: str, code: str, lang: str) -> str:
    from oversight.core import i18n

    return i18n.t(f"link.{code}", lang) if key == "suggestions_by_link" else i18n.label(f"code:{code}", lang)


def _entry_names(figure, lang: str) -> list[str]:
    """The kinds the uncoloured "…: 0" entries name, read off their text (on one line), in the legend's order."""
    suffix = "：0" if lang == "zh" else ": 0"
    names: list[str] = []
    for item in _legend(figure):
        if item.type != "scatter":
            continue
        assert item.marker.color == "rgba(0,0,0,0)" and item.showlegend and item.hoverinfo == "skip"
        written = item.name.replace("<br>", " " if lang == "en" else "")
        assert written.endswith(suffix)
        names += written.removesuffix(suffix).split("、" if lang == "zh" else ", ")
    return names


def _legend(figure) -> list:
    """The traces as Plotly lists them in a horizontal legend of ``traceorder`` normal: by ``legendrank`` (1000 where
    unset), then in the figure's order."""
    ranked = sorted(
        enumerate(figure.data), key=lambda pair: (1000 if pair[1].legendrank is None else pair[1].legendrank, pair[0])
    )
    return [trace for _, trace in ranked if trace.showlegend is not False]


def _legend_kinds(figure, lang: str) -> list[str]:
    """Each kind the legend names, coloured or with its 0, in the legend's order (a pie's slices by their kind)."""
    suffix = "：0" if lang == "zh" else ": 0"
    kinds: list[str] = []
    for item in _legend(figure):
        if item.type == "pie":
            # 书面提醒15（35.7%）: the kind before its count (no space before a number in Chinese)
            kinds += [re.split(r"\d", label)[0] if lang == "zh" else label.rsplit(" ", 2)[0] for label in item.labels]
        elif item.type == "scatter":
            written = item.name.replace("<br>", " " if lang == "en" else "").removesuffix(suffix)
            kinds += written.split("、" if lang == "zh" else ", ")
        else:
            kinds.append(item.name)
    return kinds


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("view_name", list(VIEWS))
@pytest.mark.parametrize("key", ["issues_by_unit_status", "suggestions_by_unit"])
def test_every_status_of_a_stack_is_in_its_legend_those_with_none_named_with_their_zero(
    connection, key, view_name, lang
):
    """The issues' stack of 2020 listed 已整改 and 整改中 and no 未整改 beside the card's 逾期未整改 6 (read as a
    contradiction): every status of the definition is in the legend, a status with none in the "…: 0" entry."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == key)
    figure = spec.build(queries.run(connection, spec.query, VIEWS[view_name][0]), lang)
    statuses, counts = _oracle_statuses(_view(view_name), key)
    # the view has some; and statuses with none, but for 2020's suggestions (no entry then)
    assert any(counts.values()) and all(counts.values()) == (
        (key, view_name) == ("suggestions_by_unit", "all units, 2020")
    )
    bars = [trace.name for trace in figure.data if trace.type == "bar"]
    assert bars == [_label(key, code, lang) for code in statuses if counts[code]]
    assert _entry_names(figure, lang) == [_label(key, code, lang) for code in statuses if not counts[code]]
    # each in the definition's order, those with none among those with some (未整改：0, 整改中, 已整改：0)
    assert _legend_kinds(figure, lang) == [_label(key, code, lang) for code in statuses]
    for bar in (trace for trace in figure.data if trace.type == "bar"):
        code = next(code for code in statuses if _label(key, code, lang) == bar.name)
        assert sum(bar.x) == counts[code]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["reminders_by_form", "suggestions_by_status", "suggestions_by_link"])
def test_every_donut_names_its_parts_with_none_as_the_bars_do(connection, key, lang):
    """The reminders' donut listed 书面提醒 and 会议提醒 and said nothing of 面对面提醒, where the bar charts beside it
    say 面对面提醒：0: each donut names its forms or statuses with none, in the same words, and draws no axes."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == key)
    figure = spec.build(queries.run(connection, spec.query, ONE_UNIT_ONE_QUARTER), lang)
    codes, counts = _oracle_statuses(_view("gov_office, 2020Q3"), key)
    none = [_label(key, code, lang) for code in codes if not counts[code]]
    assert none and len(none) < len(codes)
    pie = figure.data[0]
    assert list(pie.values) == [counts[code] for code in codes if counts[code]]
    assert _entry_names(figure, lang) == none
    assert figure.layout.xaxis.visible is False and figure.layout.yaxis.visible is False
    # a donut with every part has no entry and keeps Plotly's axes untouched (nothing cartesian is drawn)
    whole = spec.build(queries.run(connection, spec.query, SAMPLE_2020), lang)
    assert [trace.type for trace in whole.data] == ["pie"] and whole.layout.xaxis.visible is None


# ---------------------------------------------------------------- the entry's lines at the width it is drawn at


def _picked(variants: list[dict], width: int, phone: str, index: int) -> str:
    """The name ``assets/chart_view.js`` gives the entry at ``width``: the last variant from a width not above it."""
    name = phone
    for variant in variants:
        if width >= variant["from"]:
            name = variant["names"].get(str(index), name)
    return name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_none_entry_takes_the_lines_of_the_width_it_is_drawn_at(connection, lang):
    """A phone's card breaks "Notification, Secondment to case work: 0" beside the units' names into lines; a picture
    in the documents (580 px) or a download (1280 px), and a wide column on screen, kept those lines where one fits."""
    import json

    from oversight.charts import labels, none_entry
    from oversight.charts.style import CARD_WIDTH_PX, label_width
    from oversight.export import card_downloads, document_layout

    spec = next(spec for spec in catalog.all_charts() if spec.key == "activities_by_unit")
    figure = spec.build(queries.run(connection, spec.query, ONE_UNIT_ONE_QUARTER), lang)
    index = next(i for i, trace in enumerate(figure.data) if trace.type == "scatter")
    phone = figure.data[index].name
    whole = figure.data[index].meta[none_entry.META_KEY]
    assert phone.count("<br>") >= 1 and phone.replace("<br>", " " if lang == "en" else "") == whole

    def fits(name: str, width: float, layout) -> bool:
        room = width - layout.margin.l - layout.margin.r
        # a line of one kind is broken too, at its spaces (English "Secondment to case work: 0" ran past a phone's
        # card beside the units' names); a Chinese kind has none, and at 14 px fits
        return all(label_width(line, 14) + 46 <= room for line in name.split("<br>"))

    drawn = document_layout.document_figure(figure)  # 580 px across, beside its own (wider) margin for the units' names
    document = drawn.data[index].name  # fewer lines than a phone's
    assert document.count("<br>") < phone.count("<br>") and fits(document, document_layout.DOCUMENT_WIDTH, drawn.layout)
    assert document.replace("<br>", " " if lang == "en" else "") == whole
    assert card_downloads.with_subtitle(figure, "x").data[index].name == whole  # a 1280 px download: one line
    assert figure.data[index].name == phone  # the screen's figure is not touched
    variants = none_entry.screen_variants(json.loads(figure.to_json()), labels.SCREEN_WIDTHS)
    assert _picked(variants, 320, phone, index) == phone  # a phone's card: its lines
    assert _picked(variants, 1440 // 2, phone, index) == whole  # a half of a wide screen: one line
    for width in (width for width in labels.SCREEN_WIDTHS if width >= CARD_WIDTH_PX):  # never wider than the column
        name = _picked(variants, width, phone, index)
        assert name.replace("<br>", " " if lang == "en" else "") == whole
        assert fits(name, width, figure.layout), (width, name)


def test_a_picture_breaks_the_entry_for_the_plot_between_the_figures_own_margins():
    """Review of 5 Dec: ``refit`` read the margins out of the margin itself (no "margin" in it), so it always broke
    the entry for the template's 70 and 30 px: beside units' names 115 px wide a document's picture drew "Special
    study, Work notification, Secondment to case work: 0" on one line 436 px wide over a plot 425 px wide."""
    import plotly.graph_objects as go

    from oversight.charts import none_entry
    from oversight.charts.style import label_width

    note = "Special study, Work notification, Secondment to case work: 0"
    for left, right in ((70, 30), (115, 40), (200, 30)):
        figure = go.Figure(layout=dict(margin=dict(l=left, r=right)))
        figure.add_scatter(x=[None], y=[None], name="x", meta={none_entry.META_KEY: note})
        none_entry.refit(figure, 580)
        lines = figure.data[0].name.split("<br>")
        room = 580 - left - right
        assert " ".join(lines) == note
        assert all(label_width(line, 14) + 46 <= room for line in lines), (left, lines)
        # and no more lines than that room needs: the first line could not take the next kind
        if len(lines) > 1:
            first_and_next = lines[0] + " " + lines[1].split(", ")[0]
            assert label_width(first_and_next, 14) + 46 > room, (left, lines)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_chart_with_none_of_a_kind_before_and_after_lists_the_legend_in_the_definitions_order(lang):
    """Review of 4 Dec: the "…: 0" entry was always last ("In progress, Not yet rectified, Rectified: 0"): each run of
    kinds with none is its own entry, where the kinds stand; the kinds with some keep their colours and bars."""
    frame = pd.DataFrame(
        {"year": [2020], "quarter": [3], "quarter_key": [20203], "consultation": [0], "special_study": [2]}
        | {"notification": [0], "secondment": [0]}
    )
    figure = catalog.make_activities_by_quarter_figure(frame, lang)
    from oversight.core import i18n

    definition = [i18n.label(key, lang) for _, key, _ in catalog.ACTIVITY_SERIES]
    assert [code for code, _, _ in catalog.ACTIVITY_SERIES] == list(frame.columns[3:])
    assert _legend_kinds(figure, lang) == definition
    entries = [item.name.replace("<br>", " " if lang == "en" else "") for item in _legend(figure)]
    zero = "：0" if lang == "zh" else ": 0"
    separator = "、" if lang == "zh" else ", "
    assert entries == [definition[0] + zero, definition[1], separator.join(definition[2:]) + zero]


@pytest.mark.slow
def test_the_drawn_legend_reads_in_the_definitions_order():
    """The same, read off the picture kaleido draws (Plotly's own ordering of ``legendrank``): one unit's quarter of
    issues, none 未整改 and none 已整改, lists 未整改：0, 整改中, 已整改：0."""
    import re

    from oversight.export.rendering import figure_svg

    frame = pd.DataFrame(
        {"unit_id": ["gov_office"], "name_zh": ["办公厅"], "name_en": ["General Office"], "ordinal": [1]}
        | {"open": [0], "in_progress": [2], "rectified": [0]}
    )
    figure = catalog.make_issues_by_unit_status_figure(frame, "zh")
    legend = figure_svg(figure).decode().split('class="legend"', 1)[1]
    texts = re.findall(r'class="legendtext"[^>]*>(.*?)</text>', legend)
    assert [re.sub(r"<[^>]+>", "", text) for text in texts] == ["未整改：0", "整改中", "已整改：0"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_donuts_entry_stands_before_its_slices_when_its_kind_comes_first(lang):
    """A donut's slices are one trace: a form with none that comes first in the definition is listed first (书面提醒：0,
    面对面提醒, 会议提醒), one that comes last, last; one between others, after the slices (the one place the
    definition's order cannot be kept)."""
    from oversight import charts
    from oversight.core import i18n

    forms = ["written", "in_person", "meeting"]
    names = [i18n.label(f"code:{form}", lang) for form in forms]
    for values, expected in (
        ([0, 5, 7], names),
        ([5, 7, 0], names),
        ([5, 0, 7], [names[0], names[2], names[1]]),
    ):
        frame = pd.DataFrame({"form": forms, "reminders": values})
        assert _legend_kinds(charts.make_reminders_by_form_figure(frame, lang), lang) == expected, values
