"""Long ranges on a phone: eight to twelve quarters (the sample's two years with next year's first half imported as
the clerk does it, ``tests/test_next_year``, and quarters not yet begun), drawn in a phone's chart card.

Review of 5 Dec, every quarter chart's picture at 326 px: the year-on-year changes over the meetings' bars stood in
two staggered rows 16 px apart, less than their own line, each change half over its neighbour's in the other row;
over twelve quarters -65% and -100% ran into one another in a row ("-65%-100%"). The boxes here are worked out from
the figure itself: each change over its quarter's slot, as wide as ``label_width`` and as tall as its line.
"""

from __future__ import annotations

import itertools
import re

import pytest

from oversight import charts
from oversight.charts import catalog, labels
from oversight.charts.style import label_width
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.export import rendering
from tests import svg_texts
from tests.test_next_year import next_year_folder

SCREEN_LEAST_PX = 12  # tests/test_legibility
FOUR = (Quarter(2020, 1), Quarter(2020, 4))
PHONE_CARDS = (320, 326)  # the narrowest chart card, and a 390 px phone's as Chromium draws it
RANGES = {
    8: (Quarter(2019, 1), Quarter(2020, 4)),
    9: (Quarter(2019, 1), Quarter(2021, 1)),
    10: (Quarter(2019, 1), Quarter(2021, 2)),
    12: (Quarter(2019, 1), Quarter(2021, 4)),  # into quarters after the data's last import
}


@pytest.fixture(scope="module")
def next_year(tmp_path_factory):
    return store.open_folder(next_year_folder(tmp_path_factory.mktemp("next")))


def _margin(layout, side: str, default: float) -> float:
    own = getattr(layout.margin, side)
    return float(own if own is not None else default)


def _change_boxes(figure, width: float) -> tuple[list[tuple[str, labels.Box]], float]:
    """Each change written over a quarter (x0, y0, x1, y1 px, y downwards) at ``width``, and the plot's top."""
    layout = figure.layout
    left, right = _margin(layout, "l", 70), _margin(layout, "r", 30)
    top, bottom = _margin(layout, "t", 90), _margin(layout, "b", 60)
    plot_w, plot_h = width - left - right, layout.height - top - bottom
    quarters = list(figure.data[-1].x)
    low, high = layout.yaxis.range
    boxes = []
    for note in layout.annotations:
        if note.xref == "paper":
            continue  # the note over the plot, on what the changes are against
        size = note.font.size
        centre = left + (quarters.index(note.x) + 0.5) * plot_w / len(quarters)
        base = top + plot_h * (1 - (note.y - low) / (high - low)) - note.yshift
        w, h = label_width(note.text, size), size * labels.LINE_HEIGHT
        boxes.append((note.text, (centre - w / 2, base - h, centre + w / 2, base)))
    return boxes, top


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("count", sorted(RANGES))
def test_the_changes_over_a_long_range_of_bars_stand_apart_on_a_phone(next_year, lang, count):
    frame = queries.run(next_year, "meetings_by_quarter", Filter((), *RANGES[count]))
    figure = charts.make_meetings_by_quarter_figure(frame, lang)
    for width in PHONE_CARDS:
        boxes, plot_top = _change_boxes(figure, width)
        assert len(boxes) >= 4, boxes  # 2020 against 2019 at least
        for (one, a), (other, b) in itertools.combinations(boxes, 2):
            assert not labels._overlaps(a, b, labels.GAP_PX), (width, one, a, other, b)
        for text, (_, y0, _, _) in boxes:
            assert y0 >= plot_top, (width, text)  # under the note above the plot, not on it


def _pictures(connection, keys, counts, langs=("zh", "en")):
    """Each chart of ``keys`` over each range of ``counts`` quarters, as SVG at each phone card's width."""
    jobs, names = [], []
    for count, key, lang, width in itertools.product(counts, keys, langs, PHONE_CARDS):
        spec = next(s for s in catalog.all_charts() if s.key == key)
        figure = spec.build(queries.run(connection, spec.query, Filter((), *RANGES[count])), lang)
        jobs.append((figure, {"format": "svg", "width": width, "height": int(figure.layout.height), "scale": 1}))
        names.append((key, count, lang, width))
    return zip(names, rendering._render(jobs))


LINES = ("unit_trends", "meeting_duration_by_quarter", "meeting_shares_by_quarter")


def test_a_lines_first_label_stands_apart_from_the_value_axis_ticks_on_a_phone(next_year):
    """Twelve quarters on a phone: the meetings' first label 87 sat 2 px right of the axis's 100 at its height, and
    read 10087; the reminders' first 10 beside the tick 10 read 1010. Measured in the rendered picture."""
    labelled = 0
    for name, svg in _pictures(next_year, LINES, (9, 12)):
        found = svg_texts.texts(svg)
        written = [text for text in found if text.kind == "textpoint"]
        ticks = [text for text in found if re.fullmatch(r"y\d*tick", text.kind)]
        assert ticks, name
        labelled += len(written)
        assert svg_texts.overlapping(written + ticks, labels.GAP_PX - 0.5, across=True) == [], name
    assert labelled > 100  # the lines' labels are still written


def test_a_heatmaps_counts_are_written_at_the_least_text_or_not_at_all(next_year):
    """Nine to twelve quarters beside the units' names on a phone: Plotly fitted the counts to their cells, down to
    8 px (12 px is the least text on screen), and 12, 10, 11 ran together into one number along a row. Where the
    cells cannot hold them at the least size they are left to the cells' colour and the hover; where they can (a
    wider card), every one is written. Measured in the rendered picture."""
    spec = next(s for s in catalog.all_charts() if s.key == "meetings_by_unit_quarter")
    jobs, names = [], []
    for count, lang, width in itertools.product((8, 9, 10, 12), ("zh", "en"), (*PHONE_CARDS, 480)):
        figure = spec.build(queries.run(next_year, spec.query, Filter((), *RANGES[count])), lang)
        jobs.append((figure, {"format": "svg", "width": width, "height": int(figure.layout.height), "scale": 1}))
        names.append((count, lang, width))
    for (count, lang, width), svg in zip(names, rendering._render(jobs)):
        counts = [text for text in svg_texts.texts(svg) if text.kind == "heatmap-label"]
        assert all(text.size >= SCREEN_LEAST_PX for text in counts), (count, lang, width, counts[:3])
        if width == 480:
            assert len(counts) == 9 * count, (count, lang)  # every unit's every quarter
    for count, lang in itertools.product((4, 12), ("zh", "en")):
        figure = spec.build(queries.run(next_year, spec.query, Filter((), *RANGES.get(count, FOUR))), lang)
        meta = labels.for_screen(figure.to_dict())["data"][0]["meta"][labels.META_KEY]
        assert len(set(meta["from"])) == 1 and meta["text"] == [list(row) for row in figure.data[0].text]
        assert meta["from"][0] <= (280 if count == 4 else 480)  # on the page's script from that width on
