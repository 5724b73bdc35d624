"""A chart card's downloads (PNG, SVG, data) looked at at the edges of a filter: one unit, many quarters, the
province's scale. The documents' pictures were fitted to their rows and figures; the card's 16:9 picture is drawn
from the screen's figure at another height and width, so it is checked here on its own."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.charts import catalog, kinds, labels
from oversight.charts.style import TEMPLATE
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.export import card_downloads, document_layout, rendering
from oversight.export.marking import Marking
from oversight.export.names import ExportContext

MARKING = {
    "zh": Marking("内部资料 注意保存", "leader1 2021-01-05 09:30"),
    "en": Marking("Internal", "leader1 2021-01-05"),
}


def _picture(figure, lang, filter_, connection, span):
    context = ExportContext.build(lang, filter_, queries.run(connection, "units"), span.last_day, MARKING[lang])
    return card_downloads.with_subtitle(figure, context.subtitle(), context.marking)


def _plot_height_at(figure, height: float) -> float:
    layout = figure.layout
    top = layout.margin.t if layout.margin.t is not None else TEMPLATE.layout.margin.t
    bottom = layout.margin.b if layout.margin.b is not None else TEMPLATE.layout.margin.b
    return height - top - bottom


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_units_bars_in_a_cards_picture_are_bars_not_slabs(connection, span, lang):
    """Review of this session: the card's PNG of one unit (省政府参事室, 2020) drew its activities, its issues by
    category and by source and its rectification status each as one block 140 px thick across a 16:9 picture: the
    gap was worked out for the screen's 340 px, the picture is 720. Each bar is as thick as at the row the builder
    asked for (0.8 of it), at the picture's height."""
    one_unit = span.resolve(Filter(("counsellors",), Quarter.parse("2020Q1"), Quarter.parse("2020Q4")))
    looked_at = []
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, one_unit)
        figure = spec.build(frame, lang)
        pitch = kinds.row_px(figure)
        bars = [trace for trace in figure.data if trace.type == "bar" and trace.orientation == "h"]
        if pitch is None or not bars:
            continue
        picture = _picture(figure, lang, one_unit, connection, span)
        side_by_side = len(bars) if picture.layout.barmode == "group" else 1
        gap = picture.layout.bargap if picture.layout.bargap is not None else 0.2
        rows = len(bars[0].y)
        plot = _plot_height_at(picture, rendering.export_size(picture)[1])
        thickness = plot * (1 - gap) / rows / side_by_side
        assert thickness <= 0.8 * pitch / side_by_side + 0.5, (spec.key, rows, round(thickness))
        looked_at.append(spec.key)
    assert {"activities_by_unit", "issues_by_category", "issues_by_source", "issues_by_unit_status"} <= set(looked_at)
    assert len(looked_at) >= 8, looked_at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_units_stacks_in_a_cards_picture_write_their_counts(connection, span, lang):
    """Once no slab, one unit's stack (1 written and 3 face-to-face reminders, with 会议提醒：0 in the legend) wrote
    no count: the legend's "…: 0" entry, a trace of no point, was counted as a second row of the axis, the unit's
    row was halved and its parts judged too thin for their counts. Every part's count is written."""
    one_unit = span.resolve(Filter(("counsellors",), Quarter.parse("2020Q1"), Quarter.parse("2020Q4")))
    looked_at = 0
    for key in ("reminders_by_unit", "issues_by_unit_status", "suggestions_by_unit"):
        spec = next(spec for spec in catalog.all_charts() if spec.key == key)
        picture = _picture(
            spec.build(queries.run(connection, spec.query, one_unit), lang), lang, one_unit, connection, span
        )
        written = labels.fitted(picture, *rendering.export_size(picture))
        parts = [trace for trace in written.data if trace.type == "bar"]
        assert any(trace.type == "scatter" for trace in written.data), key  # the "…: 0" entry is there
        drawn = [trace for trace in picture.data if trace.type == "bar"]
        for trace, own in zip(parts, drawn):
            assert list(trace.text) == [f"{value:g}" for value in own.x], (key, trace.name, list(trace.text))
        looked_at += len(parts)
    assert looked_at >= 5


def _province_quarters(quarters: int) -> pd.DataFrame:
    """Activities per quarter at a province's scale (504 units: 3-digit counts of each kind), ``quarters`` of them
    from 2018 Q1, in the ``activities_by_quarter`` query's columns."""
    rows = []
    for index in range(quarters):
        year, quarter = 2018 + index // 4, index % 4 + 1
        through = pd.Timestamp(year, quarter * 3, 1) + pd.offsets.MonthEnd(0)
        rows.append(
            dict(
                quarter_key=year * 10 + quarter,
                year=year,
                quarter=quarter,
                through_day=through.date(),
                consultation=251 + 3 * index,
                special_study=315 + 7 * index,
                notification=174 - 2 * index,
                secondment=112 - 3 * index,
            )
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("quarters", [8, 12])
def test_many_quarters_of_four_kinds_write_every_figure_in_a_cards_picture(connection, span, lang, quarters):
    """Review of this session: the card's PNG of twelve quarters of the four kinds of activity at a province's scale
    wrote no figure at all (3-digit counts wider than their bars), where the documents write each up its bar. The
    card's picture writes every one, as the documents do."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "activities_by_quarter")
    frame = _province_quarters(quarters)
    whole = Filter((), Quarter(2018, 1), Quarter(2018 + (quarters - 1) // 4, (quarters - 1) % 4 + 1))
    picture = _picture(spec.build(frame, lang), lang, whole, connection, span)
    written = labels.fitted(picture, *rendering.export_size(picture))
    bars = [trace for trace in written.data if trace.type == "bar"]
    assert len(bars) == 4
    for trace, column in zip(bars, ("consultation", "special_study", "notification", "secondment")):
        assert list(trace.text) == [str(value) for value in frame[column]], (trace.name, list(trace.text))


def _group_width(figure, width: float) -> float:
    """How wide one quarter's bars are together, in px, in a picture ``width`` px wide."""
    bars = [trace for trace in figure.data if trace.type == "bar" and trace.orientation != "h"]
    columns = len({value for trace in bars for value in trace.x})
    left = figure.layout.margin.l if figure.layout.margin.l is not None else TEMPLATE.layout.margin.l
    right = figure.layout.margin.r if figure.layout.margin.r is not None else TEMPLATE.layout.margin.r
    gap = figure.layout.bargap if figure.layout.bargap is not None else 0.2
    return (width - left - right) / columns * (1 - gap)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_one_quarters_upright_bars_are_bars_not_slabs(connection, span, lang):
    """Review of this session: one quarter (2020年第3季度) drew its four kinds of activity as four slabs 170 px wide
    across the card's picture, and its meetings beside the year before as two of 350 px (the document's picture,
    half as wide, the same). A quarter's bars together are no wider than in a year's column of the card's picture
    (``QUARTER_COLUMN_MAX_PX``), in the card's picture and the document's; a year of quarters is drawn as before."""
    one_quarter = span.resolve(Filter((), Quarter.parse("2020Q3"), Quarter.parse("2020Q3")))
    most = 0.8 * kinds.QUARTER_COLUMN_MAX_PX + 0.5
    for key in ("activities_by_quarter", "meetings_by_quarter", "reminders_by_quarter_form"):
        spec = next(spec for spec in catalog.all_charts() if spec.key == key)
        figure = spec.build(queries.run(connection, spec.query, one_quarter), lang)
        picture = _picture(figure, lang, one_quarter, connection, span)
        assert _group_width(picture, rendering.export_size(picture)[0]) <= most, key
        document = document_layout.document_figure(figure)
        assert _group_width(document, document_layout.DOCUMENT_WIDTH) <= most, key
        year = spec.build(queries.run(connection, spec.query, span.resolve(span.default_filter())), lang)
        assert _picture(year, lang, one_quarter, connection, span).layout.bargap == year.layout.bargap, key


def test_the_rest_rows_arrow_marks_only_a_bar_that_runs_past_the_plot(connection, span):
    """Review of this session (the scale data, 504 units): the row adding up 489 other units wrote "0 ▸" over "6 ▸"
    at the plot's end, its 0 issues marked as a bar cut there. The ▸ follows only a figure whose bar runs past."""
    spec = next(spec for spec in catalog.all_charts() if spec.key == "issues_suggestions_by_unit")
    units = [f"u{index:02d}" for index in range(20)]
    frame = pd.DataFrame(
        dict(
            unit_id=units,
            name_zh=[f"单位{index}" for index in range(20)],
            name_en=[f"Unit {index}" for index in range(20)],
            short_name_en=[f"Unit {index}" for index in range(20)],
            issues=[1] * 15 + [0] * 5,
            suggestions=[1] * 15 + [2] * 5,
        )
    )
    for lang in ("zh", "en"):
        figure = spec.build(frame, lang)
        (note,) = [note for note in figure.layout.annotations if note.y == figure.data[0].y[0]]
        assert note.text == "0<br>10 ▸", note.text  # the rest's 0 issues and 10 suggestions, issues on top
