"""Series told apart by every reader: about 5% of Chinese men are red-green colour-blind. Each two colours one chart
sets side by side (statuses, adoption, reminder forms, activities, a year beside the year before, units compared)
differ by a CIEDE2000 of at least ``LEAST_DIFFERENCE`` to normal vision and under a simulated deuteranopia,
protanopia and tritanopia (``tests/colour_vision.py``, written out apart from the app). The palettes are checked
whole, not only the colours the sample happens to draw: it has no 未整改 issue in its default view. On a dark page the
marks take their dark colours (``charts/dark.py``), which are told apart as well."""

from __future__ import annotations

import itertools

import pytest

from oversight.charts import COLOURS, FORM_COLOURS, SEQUENCE, catalog
from oversight.charts.dark import dark_mark
from oversight.charts.style import contrast_ratio, inside_text_colour
from oversight.data import queries
from tests.colour_vision import delta_e_2000_lab, least_difference, simulate
from tests.test_chart_contrast import PAPER, _marks

# Comfortably more than told apart side by side (a just noticeable difference is about 2.3), as palettes made for
# colour-blind readers keep (the leaf green and the red of 未整改 differed by 5.7 to a deuteranope)
LEAST_DIFFERENCE = 10

PALETTES = {
    "issue statuses": list(catalog.STATUS_COLOURS.values()),
    "suggestion statuses": list(catalog.ADOPTION_COLOURS.values()),
    "suggestion links": list(catalog.LINK_COLOURS.values()),
    "reminder forms": list(FORM_COLOURS.values()),
    "activities": [colour for _, _, colour in catalog.ACTIVITY_SERIES],
    "units compared": list(catalog.COMPARED_UNIT_COLOURS),
    "series in turn": list(SEQUENCE),
    "this year beside the year before, a unit beside the average": [COLOURS["primary"], COLOURS["muted"]],
}


def _too_alike(colours: list[str]) -> list[tuple[str, str, float, str]]:
    found = []
    for one, other in itertools.combinations(dict.fromkeys(colour.upper() for colour in colours), 2):
        difference, vision = least_difference(one, other)
        if difference < LEAST_DIFFERENCE:
            found.append((one, other, round(difference, 1), vision))
    return found


@pytest.mark.parametrize("palette", PALETTES)
def test_each_palettes_colours_are_told_apart_by_every_reader(palette):
    assert _too_alike(PALETTES[palette]) == [], palette


@pytest.mark.parametrize("palette", PALETTES)
def test_each_palettes_dark_page_colours_are_told_apart_by_every_reader(palette):
    """The same palettes as a dark page draws them: lifted as one (the plum as the blue), a fourth compared unit's
    plum met the third's blue at 7.8 to a protanope."""
    assert _too_alike([dark_mark(colour) for colour in PALETTES[palette]]) == [], palette


@pytest.mark.parametrize("palette", PALETTES)
def test_each_palettes_colours_read_on_paper_and_carry_a_readable_number(palette):
    """What ``test_chart_contrast`` checks of the colours the sample draws, for every colour a palette has."""
    for colour in PALETTES[palette]:
        assert contrast_ratio(colour, PAPER) >= 3, (palette, colour)
        assert contrast_ratio(inside_text_colour(colour), colour) >= 4.5, (palette, colour)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_charts_series_are_told_apart_by_every_reader(connection, span, lang):
    looked_at = 0
    for spec in catalog.all_charts():
        figure = spec.build(queries.run(connection, spec.query, span.default_filter()), lang)
        colours = [c for trace in figure.data for c in _marks(trace) if isinstance(c, str) and c.startswith("#")]
        assert _too_alike(colours) == [], spec.key
        assert _too_alike([dark_mark(colour) for colour in colours]) == [], (spec.key, "dark page")
        looked_at += len(set(colours)) > 1
    assert looked_at >= 12, looked_at


def test_the_rectified_green_was_the_unrectified_red_to_a_deuteranope():
    """The defect this file keeps away, measured with the helper: 已整改's old leaf green beside 未整改's red."""
    assert least_difference("#B3261E", "#2E7D32") == (pytest.approx(5.7, abs=0.1), "deuteranopia")
    assert least_difference(catalog.STATUS_COLOURS["open"], catalog.STATUS_COLOURS["rectified"])[0] >= 14


def test_the_simulation_and_the_difference_are_the_published_ones():
    # CIEDE2000: Sharma, Wu & Dalal (2005), table 1, pairs 1, 7, 17 and 25
    for one, other, expected in (
        ((50, 2.6772, -79.7751), (50, 0, -82.7485), 2.0425),
        ((50, 0, 0), (50, -1, 2), 2.3669),
        ((50, 2.5, 0), (73, 25, -18), 27.1492),
        ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ):
        assert delta_e_2000_lab(one, other) == pytest.approx(expected, abs=1e-4)
    # Machado's matrices keep a grey grey (each row sums to 1) and take red and green to one yellow axis
    for vision in ("protanopia", "deuteranopia", "tritanopia"):
        assert simulate("#808080", vision) in {"#808080", "#7F7F7F", "#818181"}
    assert least_difference("#FF0000", "#00FF00")[1] in {"protanopia", "deuteranopia"}
