"""Quarter ticks fitted to the width a chart is drawn at: every quarter named where the names have room, else
every second (fourth …) one, so neighbouring ticks never run together.

On a phone (390 px) the heatmap of eight quarters beside the units' names had about 17 px a quarter: its 12 px
ticks read "Q1Q2Q3Q4" as one word. Type below 12 px is no answer (the least text on screen), so from the width
where the ticks no longer fit, only every ``step``-th quarter keeps its tick, counted from the first, ``step`` 2, 4,
8 …, the same quarters each year (Q1 and Q3); a year written under a quarter left without a tick moves to the next
quarter shown, so each tick shown stands under its own year (a year without any tick shown, over long ranges on a
phone, goes unnamed: the axis's order and the hover say it). A dropped tick's other lines (截至 / 8月14日) go with
it: the hover and the reading still say them. The categories stay the whole labels: hover and clicks are as before.
Before any tick is dropped, a not-begun quarter's dash (—) is: on a phone the Chinese （截至 / 11月18日） of a quarter to
date ran into the next quarter's — (36 px of 至 beside 11 px of dash, 25 px apart: measured in Noto Sans CJK SC), and
nine quarters lost every second tick, the remark with them — the cut quarter's short bar read as a whole quarter's,
where "(to / 18 Nov)" kept all nine in English. The hover and the reading still say 尚无数据.

The value axis under bars across (counts per unit or category) is fitted the same way: its ticks as many as their
numbers fit side by side, its title on the lines the plot's width needs. A chart built for a phone's card (0, 2,000
and "Issues /" over "suggestions") read as sparse and broken early on a wide column; ``value_axis_note`` keeps in
the layout's meta what to fit them again from, ``fitted_value_axis(layout, width)`` fits them at a width.

``screen_ticks(layout, widths)`` gives the page's script (``assets/chart_view.js``) each x axis's tick text from
each width on where it changes; ``fitted_ticks(layout, width)`` is the tick text at one width (a picture's, or the
phone's card for a page drawn without that script).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from oversight.charts.style import (
    AXIS_TITLE_LINE_PX,
    TEMPLATE,
    YEAR_ROW_BLANK,
    fitted_axis_title,
    label_width,
    ticks_across,
)
from oversight.core import i18n

GAP_PX = 4  # the least room between two ticks' texts
_YEAR_LINE = re.compile(r"^(\d{4})年?$")  # quarter_ticks' year line (2020年 / 2020)
_QUARTER_LINE = re.compile(r"^Q[1-4]$")  # and its quarter's line, over the year where it has one

TickTexts = dict[str, list[str]]  # x axis name (xaxis, xaxis4 …) → its tick text


def _margin(layout: dict, side: str) -> float:
    own = (layout.get("margin") or {}).get(side)
    return float(own if own is not None else getattr(TEMPLATE.layout.margin, side))


def _tick_axes(layout: dict) -> dict[str, dict]:
    """The x axes that write tick text of their own (``quarter_axis``)."""
    return {
        name: axis
        for name, axis in layout.items()
        if name.startswith("xaxis")
        and isinstance(axis, dict)
        and axis.get("tickmode") == "array"
        and axis.get("ticktext")
        and axis.get("showticklabels") is not False
    }


def _room_per_tick(layout: dict, axis: dict, width: float) -> float:
    """How many px one category of ``axis`` takes across a chart ``width`` px wide."""
    plot = max(width - _margin(layout, "l") - _margin(layout, "r"), 1.0)
    low, high = axis.get("domain") or (0.0, 1.0)
    count = len(axis.get("tickvals") or axis["ticktext"])
    ends = axis.get("range") or (-0.5, count - 0.5)
    return plot * (float(high) - float(low)) / max(abs(float(ends[1]) - float(ends[0])), 1e-9)


def _fits(ticks: list[str], size: float, room: float) -> bool:
    """Whether no line of a tick runs into the same line of the next tick that has one (Plotly writes each tick's
    lines from the same top, centred on its quarter): the year under Q1 is wider than a quarter, beside a Q2 of
    one line it touches nothing."""
    # a row left blank (``YEAR_ROW_BLANK``) takes no room
    widths = [[label_width(line.strip(), size) for line in tick.split("<br>")] if tick else [] for tick in ticks]
    for line in range(max((len(lines) for lines in widths), default=0)):
        placed = [(at, lines[line]) for at, lines in enumerate(widths) if len(lines) > line and lines[line] > 0]
        for (left, left_width), (right, right_width) in zip(placed, placed[1:]):
            if (left_width + right_width) / 2 + GAP_PX > (right - left) * room:
                return False
    return True


def _every(ticks: list[str], step: int, short_years: bool = False) -> list[str]:
    """Every ``step``-th tick from the first, each others' blank, the years without 年 where ``short_years``; a blanked tick's year line moved to the next tick
    kept, unless that one names its year itself: the year of the latest first quarter passed, so the tick kept
    stands under its own year."""
    thinned: list[str] = []
    year: str | None = None  # a year line waiting for the next tick kept
    for index, tick in enumerate(ticks):
        lines = [_YEAR_LINE.sub(r"\1", line) if short_years else line for line in tick.split("<br>")]
        own_year = next((line for line in lines if _YEAR_LINE.match(line)), None)
        if index % step:
            year = own_year or year
            thinned.append("")
            continue
        if own_year is None and year is not None:
            # on the year row: under the quarter's name (in place of a row left blank), or alone where the ticks
            # are years only — there it went under an empty first line, a row below every other year, and it
            # stands for its year, not for this quarter, whose remark goes (2021年 over 2021Q2's — read "no data
            # in 2021" beside 2021Q1's bars; the hover still says it)
            if _QUARTER_LINE.match(lines[0]):
                lines = [lines[0], year, *lines[1 + (len(lines) > 1 and lines[1] == YEAR_ROW_BLANK) :]]
            else:
                lines = [year]
        year = None
        thinned.append("<br>".join(lines))
    return thinned


_NOT_BEGUN_DASHES = frozenset(i18n.t("quarter.tick_no_data", lang) for lang in i18n.LANGUAGES)


def _without_dashes(ticks: list[str]) -> list[str]:
    """``ticks`` without a not-begun quarter's dash, nor the blank year row it stood under (Q2 / — → Q2)."""
    bare = []
    for tick in ticks:
        lines = tick.split("<br>")
        if lines[-1] in _NOT_BEGUN_DASHES:
            lines.pop()
            while lines and lines[-1] == YEAR_ROW_BLANK:
                lines.pop()
        bare.append("<br>".join(lines))
    return bare


def fitted_ticks(layout: dict, width: float) -> TickTexts:
    """Each quarter axis's tick text at ``width`` px: every tick where none runs into the next, else every
    ``step``-th one (every second, fourth, eighth …: the same quarters each year), the least where they do not."""
    fitted: TickTexts = {}
    for name, axis in _tick_axes(layout).items():
        ticks = [str(tick) for tick in axis["ticktext"]]
        size = float((axis.get("tickfont") or {}).get("size") or (layout.get("font") or {}).get("size") or 14)
        room = _room_per_tick(layout, axis, width)
        steps = (1, 2, *range(4, max(len(ticks), 4) + 1, 4))  # the same quarters of every year: Q1 Q3, or Q1
        # at each step the years as written, else without 年 (2019年 is wider than four quarters of a phone's
        # heatmap of twelve: 2019 keeps every year named where 2019年 would leave one out); every tick without the
        # not-begun dashes before every second tick
        candidates = [
            _every(texts, step, short)
            for step in steps
            for texts in ((ticks, _without_dashes(ticks)) if step == 1 else (ticks,))
            for short in (False, True)
        ]
        fitted[name] = next((texts for texts in candidates if _fits(texts, size, room)), candidates[-1])
    return fitted


def apply(layout: dict, ticks: TickTexts) -> dict:
    """``layout`` (changed in place and returned) with each axis's tick text from ``ticks``."""
    for name, texts in ticks.items():
        layout[name]["ticktext"] = texts
    return layout


def screen_ticks(layout: dict, widths: Sequence[int]) -> list[dict[str, Any]]:
    """For the page's script: each quarter axis's tick text (``axes``) from each width of ``widths`` on
    (``from``) where it changes, the first entry from the narrowest. Empty where every tick fits at every width."""
    variants: list[dict[str, Any]] = []
    drawn: TickTexts | None = None
    for width in widths:
        ticks = fitted_ticks(layout, width)
        if ticks != drawn:
            variants.append({"from": width, "axes": ticks})
            drawn = ticks
    original = {name: [str(tick) for tick in axis["ticktext"]] for name, axis in _tick_axes(layout).items()}
    return [] if len(variants) == 1 and variants[0]["axes"] == original else variants


VALUE_AXIS_META = "oversight_value_axis"  # in the layout's meta: what the value axis across is fitted from


def value_axis_note(top: float, most: int, title: str, bottom: float) -> dict[str, Any]:
    """The layout's ``meta`` for bars across whose value axis is fitted at each width: the largest value, the most
    ticks, the axis title whole and the bottom margin without the title's further lines."""
    return {VALUE_AXIS_META: {"top": top, "most": most, "title": title, "bottom": bottom}}


def fitted_value_axis(layout: dict, width: float) -> dict[str, Any] | None:
    """The layout's changes for its value axis across at ``width`` px (``xaxis``: the ticks' step, the title's
    lines; ``margin``: the bottom those lines need); None for a chart without ``value_axis_note``."""
    meta = layout.get("meta")
    note = meta.get(VALUE_AXIS_META) if isinstance(meta, dict) else None
    if not note:
        return None
    plot = max(width - _margin(layout, "l") - _margin(layout, "r"), 1.0)
    title = fitted_axis_title(note["title"], plot, _margin(layout, "r"))
    return {
        "xaxis": {**ticks_across(note["top"], plot, note["most"]), "title": {"text": title}},
        "margin": {"b": note["bottom"] + AXIS_TITLE_LINE_PX * title.count("<br>")},
    }


def screen_value_axes(layout: dict, widths: Sequence[int]) -> list[dict[str, Any]]:
    """For the page's script: the value axis's changes (``fitted_value_axis``) from each width of ``widths`` on
    (``from``) where they change, the first entry from the narrowest. Empty for a chart without the note."""
    variants: list[dict[str, Any]] = []
    for width in widths:
        fitted = fitted_value_axis(layout, width)
        if fitted is None:
            return []
        if not variants or {k: v for k, v in variants[-1].items() if k != "from"} != fitted:
            variants.append({"from": width, **fitted})
    return variants
