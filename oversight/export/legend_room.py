"""How tall a horizontal legend is drawn in a picture, worked out as Plotly lays it out, in the font it is drawn in.

The screen's estimate (``style.legend_rows``) errs on more rows, for browsers whose fonts differ; in a picture
kaleido draws in Noto Sans CJK SC, whose widths ``drawn_width.drawn_em`` knows. Plotly (``legend/draw.js``,
``computeLegendDimensions``) puts the entries of a horizontal legend on one row where they fit side by side; else it
lays them on a grid whose every column is as wide as the widest entry, wrapping where the next would reach the plot's
width. Each entry is its text and 40 px (the symbol and its gaps), 5 px apart. The screen's estimate, taken for a
picture, kept 40 to 50 px of blank above the legend of grouped and stacked bars (two rows counted for one drawn, four
for three, at 26 px a row where Plotly takes 21).
"""

from __future__ import annotations

import math

from oversight.core.drawn_width import drawn_em

_ENTRY_TEXT_GAP_PX = 40  # Plotly's itemwidth (30) and itemGap (5) on each side of the symbol
_ENTRY_GAP_PX = 5  # Plotly's itemGap between entries
_LINE_EM = 1.3  # Plotly's line height, in the legend's font size
_ENTRY_PAD_PX = 3  # and a little more each entry (a row of 14 px type is 21.2 px tall, measured in kaleido's SVG)


def _entry_width(name: str, font_px: float) -> float:
    return max(drawn_em(line) for line in name.split("<br>")) * font_px + _ENTRY_TEXT_GAP_PX


def _entry_height(name: str, font_px: float) -> float:
    return (name.count("<br>") + 1) * font_px * _LINE_EM + _ENTRY_PAD_PX


def legend_rows_px(names: list[str], plot_width: float, font_px: float) -> list[float]:
    """The height of each row of a horizontal legend of ``names`` over a plot ``plot_width`` px wide."""
    if not names:
        return []
    widths = [_entry_width(name, font_px) for name in names]
    one_row = sum(widths) + (len(names) - 1) * _ENTRY_GAP_PX < plot_width
    widest = max(widths)
    rows: list[float] = [0.0]
    offset = 0.0
    for name, width in zip(names, widths):
        step = (width if one_row else widest) + _ENTRY_GAP_PX
        if offset and step + offset - _ENTRY_GAP_PX >= plot_width:
            rows.append(0.0)
            offset = 0.0
        rows[-1] = max(rows[-1], _entry_height(name, font_px))
        offset += step
    return rows


def extra_rows_px(names: list[str], plot_width: float, font_px: float) -> int:
    """How much taller than one row of 14 px type the legend is drawn, in whole px (0 for a legend of one row)."""
    rows = legend_rows_px(names, plot_width, font_px)
    return max(0, math.ceil(sum(rows) - _entry_height("", 14)))
