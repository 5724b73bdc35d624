"""The key-figure cards: values and their change against the same span a year earlier (同比)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping

from oversight import i18n

_DELTA_COLOURS = ("normal", "inverse", "off")


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | None
    display: str
    delta: str | None  # starts with + or -, which is how st.metric picks the arrow
    delta_color: str  # "normal": up is good; "inverse": down is good (fewer meetings); "off": neither
    help: str


def percent_change(now: float | None, before: float | None) -> float | None:
    if now is None or before in (None, 0):
        return None
    return (now - before) / before * 100


def rate(part: float | None, whole: float | None) -> float | None:
    return None if not whole else (part or 0) / whole * 100


def round_half_up(value: float, digits: int = 1) -> Decimal:
    """9 of 16 is 56.3%, as a leader rounds it (Python's own rounding gives 56.2)."""
    return Decimal(str(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _number(value: float | None, unit_key: str, lang: str, digits: int = 0) -> str:
    if value is None:
        return "—"
    return i18n.t(unit_key, lang, value=f"{round_half_up(value, digits):,}")


def _signed(value: float | None, suffix: str) -> str | None:
    if value is None:
        return None
    rounded = round_half_up(value, 1)
    return f"{'+' if rounded >= 0 else ''}{rounded}{suffix}"


def overview_kpis(current: Mapping[str, float], previous: Mapping[str, float], lang: str, previous_period: str) -> list[Kpi]:
    """The six Overview cards from one ``kpi_totals`` row and the row of the year before."""
    help_text = i18n.t("kpi.help", lang, period=previous_period)
    points = "个百分点" if lang == "zh" else " pp"

    def count_card(key: str, column: str, unit_key: str, colour: str = "off") -> Kpi:
        now, before = current[column], previous[column]
        return Kpi(key, i18n.t(f"kpi.{key}", lang), now, _number(now, unit_key, lang),
                   _signed(percent_change(now, before), "%"), colour, help_text)

    rate_now = rate(current["issues_rectified"], current["issues"])
    rate_before = rate(previous["issues_rectified"], previous["issues"])
    rate_delta = None if rate_now is None or rate_before is None else rate_now - rate_before
    cards = [
        count_card("units", "units_consulted", "unit.units"),
        count_card("issues", "issues", "unit.count"),
        count_card("suggestions", "suggestions", "unit.items"),
        count_card("special_studies", "special_studies", "unit.times", "normal"),
        Kpi("rectification_rate", i18n.t("kpi.rectification_rate", lang), rate_now,
            _number(rate_now, "unit.percent", lang, 1), _signed(rate_delta, points), "normal", help_text),
        count_card("meetings", "meetings", "unit.meetings", "inverse"),
    ]
    assert all(card.delta_color in _DELTA_COLOURS for card in cards)
    return cards
