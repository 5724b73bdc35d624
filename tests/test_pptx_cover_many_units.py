"""A pack of many units (a province's ~500): the slide deck's cover keeps the period and the data date on the slide.

The cover named every unit chosen at 18 pt in a box 2.2 inches tall: 30 units' names filled it to the slide's foot,
and a pack of 60 or 300 units ran past the slide's bottom edge, the period and the data date with them (a
300-unit deck's cover: names to the edge, no 统计期间, no 数据截至). The names fit the cover (smaller, down to 12 pt),
or go on slides of their own after it, which the cover and every slide's foot point to; none is left out.
"""

from __future__ import annotations

import dataclasses
import io
import math

import pytest
from pptx import Presentation
from pptx.util import Pt

from oversight import briefing
from oversight.charts.style import label_width
from oversight.data import queries, store
from oversight.devdata import scale
from oversight.ingest import checked_folder


@pytest.fixture(scope="module")
def scale_connection(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cover-scale")
    scale.write(folder, 2_000, csv=True)
    return store.connect(checked_folder.read_folder(folder))


def _report(connection, count: int, lang: str):
    span = queries.data_span(connection)
    chosen = dataclasses.replace(span.default_filter(), units=tuple(span.unit_ids[:count]))
    return briefing.collect_report(briefing.as_query_runner(connection), chosen, lang, [])


def _height_needed(shape) -> float:
    """The box's text height in points at its type size, each paragraph filled to the box's width, erring on
    fewer lines than a renderer (no break kept inside a name): a box this says overflows does overflow."""
    room = shape.width / Pt(1) - 14.4
    lines = 0
    for paragraph in shape.text_frame.paragraphs:
        size = paragraph.runs[0].font.size.pt
        lines += max(1, math.ceil(label_width(paragraph.text, size, 0.55) / room))
    return lines * size * 1.45


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("count", [3, 30, 60, 300])
def test_the_cover_keeps_its_period_and_date_on_the_slide_and_every_unit_is_named(scale_connection, count, lang):
    report = _report(scale_connection, count, lang)
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(report)))
    cover = deck.slides[0]
    meta = cover.placeholders[1]
    paragraphs = [paragraph.text for paragraph in meta.text_frame.paragraphs]
    period, data_as_of = report.meta_lines()[1:]
    assert paragraphs[-2:] == [period, data_as_of]
    assert meta.top + meta.height <= deck.slide_height
    assert Pt(_height_needed(meta)) <= meta.height, (count, lang, paragraphs)

    names = report.context.selected_names
    deck_text = "\n".join(
        shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
    ).replace("\n", "")
    assert [name for name in names if name not in deck_text] == []

    after = report.t("export.briefing.scope_after_cover", count=count)
    if paragraphs[1] == after:  # the names on slides of their own, right after the cover
        listed = [slide for slide in deck.slides if slide.shapes.title is not None][1:]
        titles = [slide.shapes.title.text for slide in listed]
        title = report.t("export.briefing.scope_list_title", count=count)
        pages = titles.count(title)
        assert pages >= 1 and titles[:pages] == [title] * pages
        bodies = [
            shape
            for slide in listed[:pages]
            for shape in slide.shapes
            if shape.has_text_frame
            and shape.shape_id != slide.shapes.title.shape_id
            and len(shape.text_frame.text) > 20
            and shape.text_frame.text.replace(" ", "") in report.context.scope().replace(" ", "")
        ]
        assert len(bodies) == pages
        assert "".join(body.text_frame.text for body in bodies).replace(" ", "") == report.context.scope().replace(
            " ", ""
        )
        assert all(Pt(_height_needed(body)) <= body.height for body in bodies)
        # every slide's foot sends the reader there, not to the cover
        feet = [shape.text_frame.text for shape in deck.slides[1].shapes if shape.has_text_frame]
        assert any(after in text for text in feet)
        assert not any(report.t("export.briefing.scope_on_cover", count=count) in text for text in feet)
    else:
        assert paragraphs[1] == report.t("export.briefing.scope", scope=report.context.scope())
    if count >= 60:
        assert paragraphs[1] == after or meta.text_frame.paragraphs[1].runs[0].font.size < Pt(18)
