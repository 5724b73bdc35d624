"""Value labels at the width a chart is drawn at: each stands apart from its neighbours, or is not written.

Review of 3 Dec: at 390 px the consultations/studies/notifications/secondments chart of 2019Q1–2020Q4 wrote 3 and 3
over neighbouring bars as "33", and the average meeting length's labels ran into "109111.8111" and were cut at the
plot's edge ("l15.5"). These tests work out each written label's extent in px from the figure itself.
"""

from __future__ import annotations

import itertools
import json

import pytest

from oversight.charts import catalog, labels
from oversight.charts.style import label_width
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from oversight.export import document_layout

TWO_YEARS = Filter((), Quarter(2019, 1), Quarter(2020, 4))
PHONE, HALF_ROW, DOCUMENT, SLIDE = 330, 480, 580, 1280


def _figure(connection, key, filter_=TWO_YEARS, lang="en"):
    spec = next(s for s in catalog.all_charts() if s.key == key)
    return spec.build(queries.run(connection, spec.query, filter_), lang)


def _plot(figure, width):
    margin = figure.layout.margin
    left, right = margin.l if margin.l is not None else 70, margin.r if margin.r is not None else 30
    top, bottom = margin.t if margin.t is not None else 90, margin.b if margin.b is not None else 60
    return left, top, width - left - right, figure.layout.height - top - bottom


def _bar_label_extents(figure, width):
    """(left, right) px of every label written over a vertical bar once fitted at ``width``, bar by bar left to right."""
    fitted = labels.fitted(figure, width)
    bars = [trace for trace in fitted.data if trace.type == "bar"]
    left, _, plot_w, _ = _plot(fitted, width)
    categories = len(bars[0].x)
    per_category = plot_w / categories
    bar_w = per_category * 0.8 / len(bars)
    extents = []
    for category, (slot, trace) in itertools.product(range(categories), enumerate(bars)):
        text = trace.text[category]
        centre = left + category * per_category + per_category * 0.1 + (slot + 0.5) * bar_w
        if text:
            extents.append((centre - label_width(text, 14) / 2, centre + label_width(text, 14) / 2, bar_w, text))
    return extents


@pytest.mark.parametrize("width", [PHONE, HALF_ROW, DOCUMENT, SLIDE])
def test_grouped_bar_labels_never_run_into_their_neighbours(connection, width):
    figure = _figure(connection, "activities_by_quarter")
    extents = _bar_label_extents(figure, width)
    for (_, right, _, _), (left, _, _, _) in zip(extents, extents[1:]):
        assert left - right >= labels.GAP_PX - 0.01, (width, extents)
    for left, right, bar_w, _ in extents:
        assert right - left <= bar_w  # over its own bar, not its neighbour's
    if width == SLIDE:
        assert len(extents) >= 28  # on a slide every count has room (only 2 zero-count secondments have none)
    if width == PHONE:
        assert extents == []  # 32 bars in a phone's card: none is wide enough for its count with air beside it


def test_a_bar_label_stays_in_the_hover_and_the_figure_keeps_every_count(connection):
    figure = _figure(connection, "activities_by_quarter")
    before = [list(trace.text) for trace in figure.data]
    labels.fitted(figure, PHONE)
    assert [list(trace.text) for trace in figure.data] == before  # the screen's figure is not touched
    assert all("%{y:,}" in trace.hovertemplate for trace in figure.data)  # the value, grouped as the card writes it


def test_every_grouped_bar_chart_is_fitted(connection, default_filter):
    """The class, not one chart: every chart with bars side by side and counts outside them."""
    grouped = 0
    for spec in catalog.all_charts():
        figure = spec.build(queries.run(connection, spec.query, TWO_YEARS), "en")
        bars = [t for t in figure.data if t.type == "bar" and t.textposition == "outside"]
        if len(bars) < 2 or figure.layout.barmode not in (None, "group"):
            continue
        grouped += 1
        shown = labels.labels_shown(figure, PHONE)
        assert set(shown) == {i for i, t in enumerate(figure.data) if t in bars}, spec.key
    assert grouped >= 2  # issues and suggestions by unit, activities per quarter


def _document_fitted(connection, key, filter_=TWO_YEARS):
    """The chart as the briefing draws it, laid out for a document's picture, and its labels fitted at that size."""
    figure = document_layout.document_figure(_figure(connection, key, filter_, lang="zh"))
    width, height = document_layout.document_size(figure)
    return figure, labels.fitted(figure, width, height), width, height


def test_a_stacked_part_too_thin_for_its_count_is_left_unlabelled_in_a_document(connection):
    """Review of 3 Dec: the reminders per quarter of 2019Q1–2020Q4 in the pack wrote 2019 Q1's one written reminder
    "1" half under the axis, and 2019 Q2's face-to-face 1 and at-a-meeting 1 one on the other ("1" over "1"): a part
    of 1 in a stack of 14 is 14 px tall in the document's picture, the count's line more."""
    _, fitted, _, _ = _document_fitted(connection, "reminders_by_quarter_form")
    written, face_to_face, at_a_meeting = (list(trace.text) for trace in fitted.data)
    assert written == ["", "4", "", "", "3", "4", "3", "5"]
    assert face_to_face == ["5", "", "7", "3", "6", "4", "3", "2"]
    assert at_a_meeting == ["4", "", "2", "", "5", "3", "2", "2"]
    assert [annotation.text for annotation in fitted.layout.annotations][:4] == ["10", "6", "9", "4"]  # totals stay


def test_every_stacked_count_written_in_a_document_fits_its_part(connection):
    """The class: every chart of stacked parts with counts inside them, across (units) and up (quarters)."""
    checked = set()
    for spec in catalog.all_charts():
        if not any(t.type == "bar" and t.textposition == "inside" for t in _figure(connection, spec.key).data):
            continue
        figure, fitted, width, _ = _document_fitted(connection, spec.key)
        left, top, plot_w, plot_h = _plot(figure, width)
        bars = [trace for trace in figure.data if trace.type == "bar"]
        across = bars[0].orientation == "h"
        values = [[float(count) for count in (trace.x if across else trace.y)] for trace in bars]
        axis = figure.layout.xaxis if across else figure.layout.yaxis
        top_value = axis.range[1] if axis.range else max(map(sum, zip(*values))) * 1.05
        per_unit = (plot_w if across else plot_h) / top_value
        for trace, counts in zip([trace for trace in fitted.data if trace.type == "bar"], values):
            for text, count in zip(trace.text, counts):
                if text:
                    room = label_width(text, 14) + 6 if across else 14 * 1.25 + 6
                    assert count * per_unit >= room, (spec.key, trace.name, text)
        checked.add(spec.key)
    assert {"reminders_by_quarter_form", "reminders_by_unit", "issues_by_unit_status"} <= checked


def _line_label_boxes(figure, width):
    fitted = labels.fitted(figure, width)
    left, top, plot_w, plot_h = _plot(fitted, width)
    low, high = fitted.layout.xaxis.range
    bottom_value, top_value = fitted.layout.yaxis.range
    boxes = []
    for trace in fitted.data:
        radius = trace.marker.size / 2
        for at, (value, text, position) in enumerate(zip(trace.y, trace.text, trace.textposition)):
            if not text:
                continue
            x = left + (at - low) / (high - low) * plot_w
            y = top + plot_h - (value - bottom_value) / (top_value - bottom_value) * plot_h
            w, h = label_width(text, 14), 14 * 1.25
            vertical, horizontal = position.split()
            y0 = y - radius - 3 - h if vertical == "top" else y + radius + 3
            x0 = {"center": x - w / 2, "right": x + radius, "left": x - radius - w}[horizontal]
            boxes.append((x0, y0, x0 + w, y0 + h, text, (left, top, left + plot_w, top + plot_h)))
    return boxes


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [PHONE, 358, HALF_ROW, SLIDE])
def test_line_labels_never_overlap_nor_leave_the_plot(connection, lang, width):
    figure = _figure(connection, "meeting_duration_by_quarter", lang=lang)
    boxes = _line_label_boxes(figure, width)
    texts = [box[4] for box in boxes]
    for a, b in itertools.combinations(boxes, 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, (width, a[4], b[4])
    for x0, y0, x1, y1, text, (left, top, right, bottom) in boxes:
        assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (width, text)  # never cut at the edge
    assert "115.5" in texts  # the first quarter's, which read "l15.5"
    if width == SLIDE:
        assert texts == ["115.5", "109", "111.8", "111", "73.3", "75.3", "74.7", "72.1"]


def test_a_line_label_keeps_off_its_line(connection):
    """73.3 sat on the line coming down from 111 to it: a valley's label goes below, a peak's above."""
    figure = labels.fitted(_figure(connection, "meeting_duration_by_quarter"), SLIDE)
    positions = dict(zip(figure.data[0].text, figure.data[0].textposition))
    assert positions["73.3"].startswith("bottom") and positions["111.8"].startswith("top")


def test_the_page_gets_every_label_with_the_width_it_is_written_from(connection):
    figure = _figure(connection, "meeting_duration_by_quarter")
    plain = labels.for_screen(json.loads(figure.to_json()))
    fit = plain["data"][0]["meta"][labels.META_KEY]
    assert fit["text"] == list(figure.data[0].text)
    for width in (PHONE, 400, 800):
        # a label the greedy placing gives room at this width but takes again at a wider one is left out: the page
        # writes only labels that fit at every wider width, so never one that would overlap
        on_page = [start is not None and width >= start for start in fit["from"]]
        fits = labels.labels_shown(figure, width)[0]
        assert all(fits[at] for at, flag in enumerate(on_page) if flag), width
        assert on_page[0] and on_page[-1] or width == PHONE  # first and last where there is room
    assert all(start is not None and start <= 800 for start in fit["from"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_year_earlier_point_keeps_its_label_beside_the_other_line(connection, lang):
    """The English pack of the Counsellors' Office, 2020 Q1–Q2: the average length's "a year earlier" point of 2020
    Q1 (90.6) had no label. Its line rises to Q2, so its label went under the point, onto the label of this year's
    69.2 above the point beneath, and was left out. A label takes the side away from another line's point at the
    same quarter: every value is written, at every width and in the document's picture, as the ledger gives it."""
    from oversight.core.numbers import plain
    from oversight.data import store
    from tests import oracle

    view = oracle.View(oracle.read_ledgers(store.SAMPLE_DATA_DIR), ("counsellors",), (2020, 1), (2020, 2))
    expected = sorted(
        plain(oracle.half_up(row[column]))  # as the chart writes a mean: 65, 69.2
        for row in view.meeting_quarters()
        for column in ("avg_duration_min", "prev_avg_duration_min")
    )
    assert "90.6" in expected and len(expected) == 4
    counsellors = Filter(("counsellors",), Quarter(2020, 1), Quarter(2020, 2))
    figure = _figure(connection, "meeting_duration_by_quarter", counsellors, lang)
    pictures = [(figure, width, None) for width in (PHONE, HALF_ROW, SLIDE)]
    document = document_layout.document_figure(_figure(connection, "meeting_duration_by_quarter", counsellors, lang))
    pictures.append((document, *document_layout.document_size(document)))
    for picture, width, height in pictures:
        fitted = labels.fitted(picture, width, height)
        written = sorted(text for trace in fitted.data for text in trace.text if text)
        assert written == expected, (width, written)
