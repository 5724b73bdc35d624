"""Every line of every line chart can be seen, however the filter makes two lines coincide.

A line drawn over another of the same values hid it: in the meeting shares the 列席 line lay exactly under
合并召开's (a review saw it for 省信访局, 0 → 37.5%; in the sample 省外办 2020, 25.0% → 33.3%, read as one olive line),
and units compared side by side can coincide the same way. Where two lines share a point, the later one's marker must
leave at least 10 px² of the first one's showing (the symbols' shapes as plotly.js draws them); where they share a
stretch of line, the later one is dashed (the first shows through its gaps) or at least two pixels thinner. Each
pair is judged on the figure as Plotly draws it, over many filters: every unit alone and all together, and several
ranges; the hover gives every value (``hovermode`` "x": each line's label at the quarter, not only the top one's).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools

import pandas as pd

from oversight.charts import catalog
from oversight.data import queries
from oversight.data.filters import Quarter
from oversight.present import compare

# of the marker beneath, at least this much left uncovered (a ring 1.5 px wide round a 6 px marker is 33 px²);
# of a line beneath, at least 1 px either side of the one over it
_LEAST_UNCOVERED_PX2 = 10
_LEAST_LINE_EDGE_PX = 2
_STEP_PX = 0.1  # the grid the markers' areas are counted on


def _inside(symbol: str, size: float, x: float, y: float) -> bool:
    """Whether (x, y), in px from a marker's centre (y up), is inside it, drawn as plotly.js's symbol_defs draws it
    (r = size / 2; a diamond's points at 1.3 r; a triangle's apex at r, its base at -r/2, 2r/√3 either side)."""
    r = size / 2
    if symbol == "circle":
        return x * x + y * y <= r * r
    if symbol == "square":
        return abs(x) <= r and abs(y) <= r
    if symbol == "diamond":
        return abs(x) + abs(y) <= 1.3 * r
    if symbol == "triangle-up":
        half_base = 2 * r / 3**0.5
        return -r / 2 <= y <= r and abs(x) <= half_base * (r - y) / (1.5 * r)
    raise AssertionError(f"no geometry for the marker {symbol!r}")


def _uncovered_px2(below, above) -> float:
    """The area of ``below``'s marker that ``above``'s, at the same point, leaves showing."""
    return _showing(
        (below.marker.symbol or "circle", below.marker.size), (above.marker.symbol or "circle", above.marker.size)
    )


@functools.cache
def _showing(below: tuple[str, float], above: tuple[str, float]) -> float:
    reach = round(max(below[1], above[1]) / _STEP_PX)
    steps = [n * _STEP_PX for n in range(-reach, reach + 1)]
    showing = sum(1 for x in steps for y in steps if _inside(*below, x, y) and not _inside(*above, x, y))
    return showing * _STEP_PX * _STEP_PX


_RANGES = (
    (Quarter(2020, 1), Quarter(2020, 4)),
    (Quarter(2019, 1), Quarter(2020, 4)),
    (Quarter(2019, 1), Quarter(2019, 4)),
    (Quarter(2020, 1), Quarter(2020, 2)),
    (Quarter(2020, 3), Quarter(2020, 4)),
    (Quarter(2019, 3), Quarter(2019, 4)),
    (Quarter(2020, 2), Quarter(2020, 3)),
)


def _views(span):
    for units in [(), *((unit,) for unit in span.unit_ids)]:
        for start, end in _RANGES:
            yield dataclasses.replace(span.default_filter(), units=units, start=start, end=end)


def _lines(figure):
    """The drawn lines of a figure, each with its axes, in drawing order (a legend-only entry draws nothing)."""
    return [
        trace
        for trace in figure.data
        if trace.type == "scatter" and "lines" in (trace.mode or "") and any(y is not None for y in trace.y)
    ]


def _hidden(figure) -> list[str]:
    """Each pair of lines where the later one covers the earlier one's marker or stretch of line."""
    found = []
    lines = _lines(figure)
    for below, above in itertools.combinations(lines, 2):
        if (below.xaxis, below.yaxis) != (above.xaxis, above.yaxis):
            continue  # another small chart
        points_below = dict(zip(below.x, below.y))
        shared = [x for x, y in zip(above.x, above.y) if y is not None and points_below.get(x) == y]
        if not shared:
            continue
        if "markers" in below.mode and _uncovered_px2(below, above) < _LEAST_UNCOVERED_PX2:
            found.append(f"{above.name} covers {below.name}'s marker at {shared[0]}")
        order = list(above.x)
        stretch = any(order.index(b) == order.index(a) + 1 for a, b in itertools.pairwise(shared))
        dashed = (above.line.dash or "solid") != "solid"
        if stretch and not dashed and below.line.width - above.line.width < _LEAST_LINE_EDGE_PX:
            found.append(f"{above.name} covers {below.name}'s line ({below.line.width} under {above.line.width} px)")
    return found


def test_no_line_of_a_page_chart_hides_another_under_any_filter(connection, span):
    hidden: dict[str, list[str]] = {}
    looked_at = 0
    default = span.default_filter()
    line_charts = [
        spec for spec in catalog.all_charts() if _lines(spec.build(queries.run(connection, spec.query, default), "zh"))
    ]
    # the catalogue's line charts are found by their figures (a new one is looked at without being listed here)
    assert {spec.key for spec in line_charts} >= {
        "meeting_duration_by_quarter",
        "meeting_shares_by_quarter",
        "unit_trends",
    }
    for view in _views(span):
        for spec in line_charts:
            frame = queries.run(connection, spec.query, view)
            figure = spec.build(frame, "zh")
            if len(_lines(figure)) < 2:
                continue
            looked_at += 1
            if len({(line.xaxis, line.yaxis) for line in _lines(figure)}) < len(_lines(figure)):
                # lines that can meet: the hover gives every line's value at the quarter, shared or not
                assert figure.layout.hovermode == "x", spec.key
            for problem in _hidden(figure):
                hidden.setdefault(f"{spec.key} {view.units} {view.start}–{view.end}", []).append(problem)
    assert looked_at > 100
    assert hidden == {}, "\n".join(f"{view}: {problems}" for view, problems in hidden.items())


def test_no_unit_compared_side_by_side_hides_another(connection, span):
    """Every four of the nine units, over two years, as the profile page compares them (each unit's own line)."""
    units = queries.run(connection, "units", span.default_filter())
    view = dataclasses.replace(span.default_filter(), start=Quarter(2019, 1), end=Quarter(2020, 4))
    trends = {unit: queries.run(connection, "trends_by_quarter", view.with_units([unit])) for unit in span.unit_ids}
    looked_at = 0
    for chosen in itertools.combinations(span.unit_ids, 4):
        figure = catalog.make_compared_trends_figure(compare.trends_side_by_side(trends.get, chosen, units), "zh")
        assert _hidden(figure) == [], chosen
        looked_at += 1
    assert looked_at == 126


def test_lines_of_one_value_throughout_each_stay_visible():
    """The same shares and lengths made up so that every line meets every other at every quarter: the worst case
    any filter can make, for the three shares and for this year's length beside the year before's."""
    quarters = pd.DataFrame({"quarter_key": ["2020Q1", "2020Q2", "2020Q3"], "year": 2020, "quarter": [1, 2, 3]})
    shares = quarters.assign(meetings=8, merged=3, prereviewed=3, attended=3)
    lengths = quarters.assign(avg_duration_min=60.0, prev_avg_duration_min=60.0)
    for figure in (
        catalog.make_meeting_shares_figure(shares, "en"),
        catalog.make_meeting_duration_figure(lengths, "en"),
    ):
        assert len(_lines(figure)) in (2, 3)
        assert _hidden(figure) == [], figure.layout.title.text
