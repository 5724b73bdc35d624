"""信息无障碍 (GB/T 37668, WCAG 2.1 AA) for every chart as the sample data draws it, in both languages: each bar,
slice and line at least 3:1 against the white paper it is drawn on (non-text contrast), and each number written
inside a bar or a slice at least 4.5:1 against that fill. The ratio is WCAG's formula, written out here again."""

from __future__ import annotations

import pytest

from oversight.charts import catalog
from oversight.data import queries

PAPER = "#FFFFFF"


def _luminance(colour: str) -> float:
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _ratio(one: str, other: str) -> float:
    high, low = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _as_list(value, length: int) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value] * length


def _marks(trace) -> list[str]:
    """The colours a trace draws its data in: a bar's or a slice's fill, a line's stroke."""
    if trace.type == "pie":
        return list(trace.marker.colors or [])
    if trace.type == "bar":
        return _as_list(trace.marker.color, len(trace.x if trace.x is not None else trace.y))
    if trace.type == "scatter" and trace.mode and "lines" in trace.mode and trace.line.color:
        return [trace.line.color]
    return []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_charts_marks_and_the_numbers_inside_them_read_against_their_background(connection, span, lang):
    looked_at = {"marks": 0, "inside": 0}
    for spec in catalog.all_charts():
        frame = queries.run(connection, spec.query, span.default_filter())
        figure = spec.build(frame, lang)
        for trace in figure.data:
            if not getattr(trace, "showlegend", True) and trace.type == "scatter" and not trace.x:
                continue  # the legend's "…: 0" entry draws nothing
            fills = [colour for colour in _marks(trace) if isinstance(colour, str) and colour.startswith("#")]
            for colour in fills:
                assert _ratio(colour, PAPER) >= 3, (spec.key, trace.name, colour, round(_ratio(colour, PAPER), 2))
                looked_at["marks"] += 1
            inside = trace.type == "pie" or (trace.type == "bar" and trace.textposition == "inside")
            if inside and trace.text is not None and any(str(text) for text in trace.text):
                inks = _as_list(trace.insidetextfont.color, len(fills))
                assert None not in inks, (spec.key, trace.name)  # Plotly's own pick: a grey #444 on amber, 4.4:1
                for ink, fill in zip(inks, fills):
                    assert _ratio(ink, fill) >= 4.5, (spec.key, trace.name, ink, fill, round(_ratio(ink, fill), 2))
                    looked_at["inside"] += 1
    assert looked_at["marks"] > 50 and looked_at["inside"] > 10, looked_at
