"""The KPI cards: values, units and the change against a year earlier."""

from __future__ import annotations

from oversight.data import queries
from oversight.present import kpis


def _cards(connection, filter_, lang):
    current = queries.run(connection, "kpi_totals", filter_).iloc[0]
    previous = queries.run(connection, "kpi_totals", filter_.previous_year()).iloc[0]
    return {card.key: card for card in kpis.overview_kpis(current, previous, lang, "2019")}


def test_default_cards_in_chinese(connection, default_filter):
    cards = _cards(connection, default_filter, "zh")
    assert [c.display for c in cards.values()] == ["9家", "16个", "19条", "17次", "56.3%", "232次"]
    assert cards["issues"].delta == "+5个（+45.5%）"  # 16 against 11
    assert cards["meetings"].delta == "-109次（-32.0%）"  # 232 against 341
    assert cards["meetings"].delta_color == "inverse"  # fewer meetings is the good direction
    assert cards["rectification_rate"].delta == "-7.4个百分点"  # 9/16 against 7/11


def test_default_cards_in_english(connection, default_filter):
    cards = _cards(connection, default_filter, "en")
    assert cards["issues"].label == "Issues raised" and cards["issues"].display == "16"
    assert cards["rectification_rate"].delta == "-7.4 pp"
    assert cards["issues"].delta == "+5 (+45.5%)"


def test_rounding_is_half_up_as_people_round():
    assert str(kpis.round_half_up(56.25, 1)) == "56.3"
    assert str(kpis.round_half_up(0.125, 2)) == "0.13"


def test_no_change_without_a_previous_value():
    assert kpis.percent_change(5, 0) is None
    assert kpis.rate(3, 0) is None
