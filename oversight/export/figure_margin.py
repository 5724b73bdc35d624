"""A figure's margin on one side, as Plotly lays it out: the figure's own, else its template's, else a default."""

from __future__ import annotations

import plotly.graph_objects as go


def margin_px(figure: go.Figure, side: str, default: int) -> int:
    own = getattr(figure.layout.margin, side)
    if own is not None:
        return int(own)
    # the template only when the figure sets nothing: reading it builds Plotly objects (0.6 ms a call, 160 calls
    # in a full pack)
    template = figure.layout.template.layout.margin if figure.layout.template else None
    return int((getattr(template, side, None) if template else None) or default)
