"""The unit profile's and units side by side's differences from the all-unit average are written as the figures
they compare and as the unit-beside-average chart labels its bars: no trailing .0 (the card read -1.0条 beside the
chart's 1 and 2)."""

from __future__ import annotations

import pandas as pd
import pytest

from oversight.charts import catalog
from oversight.core import i18n
from oversight.present import kpis

# one unit's figures beside the all-unit average: a whole gap, a fractional one, none, and an average of 1,234.5
BESIDE = pd.DataFrame(
    {
        "measure": ["issues", "suggestions", "consultations", "meetings"],
        "unit": [3.0, 1.0, 2.0, 1200.0],
        "average": [1.75, 2.0, 2.0, 1234.5],
    }
)
EXPECTED = {
    "zh": {
        "issues": ("+1.3个", "全部单位平均1.8个"),  # 1.25 half up
        "suggestions": ("-1条", "全部单位平均2条"),
        "consultations": ("持平", "全部单位平均2次"),
        "meetings": ("-34.5次", "全部单位平均1,234.5次"),
    },
    "en": {
        "issues": ("+1.3", "Average of all units: 1.8"),
        "suggestions": ("-1", "Average of all units: 2"),
        "consultations": ("level", "Average of all units: 2"),
        "meetings": ("-34.5", "Average of all units: 1,234.5"),
    },
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_cards_difference_and_average_are_written_as_the_chart_labels_them(lang):
    cards = {card.key: card for card in kpis.unit_profile_kpis(BESIDE, lang, "U")}
    assert {key: (card.delta, card.secondary) for key, card in cards.items()} == EXPECTED[lang]
    figure = catalog.make_unit_vs_average_figure(BESIDE, lang, "U")
    # grouped in thousands as the card writes the average (1,234.5): the bar read 1234.5 beside it
    assert list(figure.data[0].text) == ["3", "1", "2", "1,200"]
    assert list(figure.data[1].text) == ["1.8", "2", "2", "1,234.5"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_units_side_by_side_say_the_averages_as_the_cards_do(lang):
    said = kpis.all_unit_averages(BESIDE, lang)
    averages = [
        secondary.removeprefix("全部单位平均") if lang == "zh" else secondary.split(": ")[1]
        for _, secondary in EXPECTED[lang].values()
    ]
    # 指出问题1.8个: no space between Chinese and a number; Issues 1.8
    joiner = "" if lang == "zh" else " "
    assert said == [
        f"{i18n.t(f'measure.{key}', lang)}{joiner}{average}"
        for key, average in zip(EXPECTED[lang], averages, strict=True)
    ]
