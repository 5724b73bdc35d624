"""Every text of every chart, over ranges that bring out its notes: at least 12 px on screen, and at least 13 px in
the documents' pictures (580 px across 16 cm of A4: 10 pt printed; a 16:9 slide places them larger). The quarters'
short ticks were 11 px on screen and the heatmap's 10; the notes 上年同期无可比数据 and 百分比：较上年同期增减 printed
at 12 px (9.4 pt), 无可比 at 11."""

from __future__ import annotations

import pytest

from oversight import charts
from oversight.charts import catalog
from oversight.charts.style import TEMPLATE
from oversight.data import queries, store
from oversight.data.filters import Filter, Quarter
from oversight.export import document_layout

SCREEN_LEAST_PX, DOCUMENT_LEAST_PX = 12, 13
VIEWS = (
    Filter((), Quarter(2020, 1), Quarter(2020, 4)),
    Filter((), Quarter(2019, 1), Quarter(2020, 4)),  # eight quarters: short ticks; the first year uncompared
    Filter((), Quarter(2019, 3), Quarter(2020, 2)),  # a comparison partly covered: 无可比 over some bars
    Filter(("research",), Quarter(2020, 3), Quarter(2020, 3)),
)


def text_sizes(figure) -> list[tuple[str, float]]:
    """(what, px) of each text a reader sees: tick labels, notes, the legend, values on the marks."""
    layout = figure.to_dict()["layout"]
    base = (layout.get("font") or {}).get("size") or TEMPLATE.layout.font.size
    sizes = []
    for name, axis in layout.items():
        if name.startswith(("xaxis", "yaxis")) and axis.get("showticklabels") is not False:
            if axis.get("visible") is not False:
                sizes.append((f"ticks of {name}", (axis.get("tickfont") or {}).get("size") or base))
    sizes += [
        (f"note {note['text'][:20]!r}", (note.get("font") or {}).get("size") or base)
        for note in layout.get("annotations", ())
        if note.get("text")
    ]
    if layout.get("showlegend") is not False and any(trace.name for trace in figure.data):
        sizes.append(("legend", ((layout.get("legend") or {}).get("font") or {}).get("size") or base))
    for trace in figure.data:
        size = trace.textfont.size if "textfont" in trace else None
        if isinstance(size, (int, float)):
            sizes.append((f"values of a {trace.type}", size))
    return sizes


@pytest.fixture(scope="module")
def figures():
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    span = queries.data_span(connection)
    built = []
    for filter_ in VIEWS:
        resolved = span.resolve(filter_)
        for spec in catalog.all_charts():
            frame = queries.run(connection, spec.query, resolved)
            if not charts.is_empty(frame, spec.value_columns):
                built += [(spec.key, filter_, lang, spec.build(frame, lang)) for lang in ("zh", "en")]
    return built


def test_every_text_on_screen_is_12_px_or_more(figures):
    small = [(key, lang, what, px) for key, _, lang, figure in figures for what, px in text_sizes(figure) if px < 12]
    assert small == []
    notes = {what for *_, figure in figures for what, _ in text_sizes(figure) if what.startswith("note")}
    assert any("无可比" in note for note in notes)  # the views bring out the notes being measured


def test_every_text_in_a_documents_picture_is_13_px_or_more(figures):
    small = [
        (key, lang, what, px)
        for key, _, lang, figure in figures
        for what, px in text_sizes(document_layout.document_figure(figure))
        if px < DOCUMENT_LEAST_PX
    ]
    assert small == []
    assert document_layout.DOCUMENT_WIDTH == 580  # 16 cm of A4 across 580 px: 13 px is 10 pt printed
