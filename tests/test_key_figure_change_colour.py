"""A key figure's change is grey wherever it is written: the screen's cards write it in one grey whatever its
direction (the team does not judge a change good or bad, tests/browser/test_dark_browser.py), and the slide of key
figures, laid out as those cards are (a grey label, the figure in red, the change under it), wrote "+3次（+21.4%）"
in the ink of the figures' words, as if it were the news of the card."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation

from oversight import briefing
from oversight.charts.style import COLOURS, INK
from oversight.core import i18n


def _colours(shape) -> set[str]:
    return {str(run.font.color.rgb) for paragraph in shape.text_frame.paragraphs for run in paragraph.runs}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_slides_changes_are_the_cards_grey_not_the_ink(connection, default_filter, lang):
    report = briefing.collect_report(briefing.as_query_runner(connection), default_filter, lang, [])
    deck = Presentation(io.BytesIO(briefing.pptx_bytes(report)))
    slide = deck.slides[1]
    written = {shape.text_frame.text: _colours(shape) for shape in slide.shapes if shape.has_text_frame}
    changes = [
        i18n.t("kpi.delta_yoy", lang, delta=kpi.delta)
        if kpi.delta and kpi.basis
        else kpi.delta or i18n.t("kpi.delta_none", lang)
        for kpi in report.kpis
    ]
    assert len(changes) == 6 and all(change in written for change in changes), (changes, list(written))
    grey = COLOURS["muted_text"].lstrip("#")
    assert {change: written[change] for change in changes} == {change: {grey} for change in changes}
    assert INK.lstrip("#") not in set().union(*(written[change] for change in changes))
    # the rest of a card as it was: its label grey, its figure red
    for kpi in report.kpis:
        assert written[kpi.label] == {grey} and written[kpi.display] == {COLOURS["primary"].lstrip("#")}, kpi
