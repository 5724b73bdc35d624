"""The order of the charts in the Word report and the PDF, so that two share each page wherever they can.

Every picture is placed 16 cm wide (its text printed at 10 pt), so two of the tallest (11 to 12 cm, units on their
rows) with their captions and readings are more than an A4 page holds: where they came one after the other, the first
stood alone on a page half blank (the full pack's page 9; in English pages 9 to 11). Within each page's run of
charts (the briefing chooser's groups, which stay whole and in their order), the charts are put in the order that
takes the fewest pages, a tall one beside a shorter one; where the given order takes no more, it is kept.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from oversight.briefing.report import ChartSection, picture_width_cm
from oversight.charts.style import label_width

# A4 inside the 1.5 cm (15 mm) top and bottom margins of both documents, less a millimetre for the estimate's error
PAGE_CM = 29.7 - 2 * 1.5 - 0.1
PICTURE_CM = 16.0  # the width each picture is placed at
# What a chart takes beside its picture, as the PDF lays it out (the Word report sets its caption and reading closer):
# the 10 pt between two charts and its caption's line (10 pt at 1.6, 4 pt above), then each line of its reading
# (10.5 pt at 1.6), 48 squares across the 17.8 cm of text. Measured on the printed pack: charts 7 and 8 of the English
# one, reckoned 26.4 cm, took 26.5 cm of the page's 26.7
_FRAME_CM, _READING_LINE_CM, _READING_LINE_SQUARES = 1.06, 0.59, 48
_EMPTY_CM = 1.6  # an empty chart's sentence and caption
_MOST_PERMUTED = 5  # charts of one run (120 orders; the chooser's groups hold 4 at most); a longer run keeps its order
_STATES_KEPT = 16


def block_cm(section: ChartSection) -> float:
    """About how much of a page's height ``section`` takes, as the Word report and the PDF lay it out."""
    if section.png is None:
        return _EMPTY_CM
    width, height = section.pixel_size
    picture = picture_width_cm(section.pixel_size, PICTURE_CM) * height / width
    lines = math.ceil(label_width(section.takeaway or "", 1.0, 0.55) / _READING_LINE_SQUARES)
    return picture + _FRAME_CM + _READING_LINE_CM * lines


def _laid(used: float, blocks: Sequence[float]) -> tuple[int, float]:
    """(pages begun, the last one's used height) when ``blocks`` follow a page ``used`` cm full."""
    begun = 0
    for block in blocks:
        if used and used + block > PAGE_CM:
            begun, used = begun + 1, 0.0
        used += block
    return begun, used


def _runs(sections: Sequence[ChartSection], group_of: Callable[[str], str]) -> list[list[ChartSection]]:
    """``sections`` cut into runs that may be reordered: consecutive pictured charts of one group (an empty chart's
    sentence is a run of its own, where it was)."""
    runs: list[list[ChartSection]] = []
    for section in sections:
        last = runs[-1] if runs else None
        if (
            last is not None
            and section.png is not None
            and last[-1].png is not None
            and group_of(section.spec.key) == group_of(last[-1].spec.key)
        ):
            last.append(section)
        else:
            runs.append([section])
    return runs


def ordered_for_pages(sections: Sequence[ChartSection], group_of: Callable[[str], str]) -> list[ChartSection]:
    """``sections`` with each run of pictured charts of one group (``group_of`` a chart's key) in the order that,
    with the runs after it, takes the fewest pages; of those, the one that moves the fewest charts. The charts are
    assumed to begin a page (三、分项情况 and its lead paragraph end the first)."""
    # the orders so far, by how full they leave their last page: (pages begun, charts moved, the order)
    states: dict[float, tuple[int, int, list[ChartSection]]] = {0.0: (0, 0, [])}
    for run in _runs(sections, group_of):
        orders = itertools.permutations(run) if len(run) <= _MOST_PERMUTED else [tuple(run)]
        height = {id(section): block_cm(section) for section in run}
        laid = [
            (order, sum(a is not b for a, b in zip(order, run)), [height[id(section)] for section in order])
            for order in orders
        ]
        following: dict[float, tuple[int, int, list[ChartSection]]] = {}
        for used, (pages, moved, so_far) in states.items():
            for order, order_moved, blocks in laid:
                begun, now_used = _laid(used, blocks)
                candidate = (pages + begun, moved + order_moved, [*so_far, *order])
                key = round(now_used, 2)
                if key not in following or candidate[:2] < following[key][:2]:
                    following[key] = candidate
        # the best few are enough (two charts to a page leave few ways to fill one) and keep the time bounded
        states = dict(sorted(following.items(), key=lambda item: item[1][:2])[:_STATES_KEPT])
    return min(states.values(), key=lambda state: state[:2])[2]
