"""The key-figure cards: values and their change against the same span a year earlier (同比),
and on the meeting page also against the span just before (环比)."""
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
    secondary: str | None = None  # a second comparison shown under the card (环比)

    def __post_init__(self) -> None:
        assert self.delta_color in _DELTA_COLOURS, self.delta_color


def percent_change(now: float | None, before: float | None) -> float | None:
    if now is None or before is None or before != before or before == 0:
        return None
    return (now - before) / before * 100


def rate(part: float | None, whole: float | None) -> float | None:
    return None if not whole else (part or 0) / whole * 100


def round_half_up(value: float, digits: int = 1) -> Decimal:
    """9 of 16 is 56.3%, as a leader rounds it (Python's own rounding gives 56.2)."""
    return Decimal(str(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _is_missing(value: float | None) -> bool:
    return value is None or value != value  # None or NaN


def format_number(value: float | None, unit_key: str, lang: str, digits: int = 0) -> str:
    if _is_missing(value):
        return "—"
    return i18n.t(unit_key, lang, value=f"{round_half_up(value, digits):,}")


def signed(value: float | None, suffix: str) -> str | None:
    if _is_missing(value):
        return None
    rounded = round_half_up(value, 1)
    return f"{'+' if rounded >= 0 else ''}{rounded}{suffix}"


def _points(lang: str) -> str:
    return "个百分点" if lang == "zh" else " pp"


def _difference(now: float | None, before: float | None) -> float | None:
    return None if _is_missing(now) or _is_missing(before) else now - before


@dataclass(frozen=True)
class Comparison:
    """The figures of the span in view and of the spans it is compared with."""

    current: Mapping[str, float]
    previous_year: Mapping[str, float]
    previous_year_label: str
    lang: str

    @property
    def help(self) -> str:
        return i18n.t("kpi.help", self.lang, period=self.previous_year_label)

    def count(self, key: str, column: str, unit_key: str, colour: str = "off") -> Kpi:
        now, before = self.current[column], self.previous_year[column]
        return Kpi(key, i18n.t(f"kpi.{key}", self.lang), now, format_number(now, unit_key, self.lang),
                   signed(percent_change(now, before), "%"), colour, self.help)

    def share(self, key: str, part: str, whole: str, colour: str = "normal") -> Kpi:
        now = rate(self.current[part], self.current[whole])
        before = rate(self.previous_year[part], self.previous_year[whole])
        return Kpi(key, i18n.t(f"kpi.{key}", self.lang), now, format_number(now, "unit.percent", self.lang, 1),
                   signed(_difference(now, before), _points(self.lang)), colour, self.help)

    def average(self, key: str, column: str, unit_key: str, colour: str = "off", digits: int = 0) -> Kpi:
        now, before = self.current[column], self.previous_year[column]
        # the card shows whole units (a card is narrow); the change keeps one decimal
        return Kpi(key, i18n.t(f"kpi.{key}", self.lang), now, format_number(now, unit_key, self.lang, digits),
                   signed(_difference(now, before), i18n.t(unit_key, self.lang, value="")), colour,
                   self.help)


def overview_kpis(current: Mapping[str, float], previous: Mapping[str, float], lang: str, previous_period: str) -> list[Kpi]:
    """The six Overview cards from one ``kpi_totals`` row and the row of the year before."""
    compare = Comparison(current, previous, previous_period, lang)
    return [
        compare.count("units", "units_consulted", "unit.units"),
        compare.count("issues", "issues", "unit.count"),
        compare.count("suggestions", "suggestions", "unit.items"),
        compare.count("special_studies", "special_studies", "unit.times", "normal"),
        compare.share("rectification_rate", "issues_rectified", "issues"),
        compare.count("meetings", "meetings", "unit.meetings", "inverse"),
    ]


def meeting_kpis(current: Mapping[str, float], previous_year: Mapping[str, float], previous_span: Mapping[str, float],
                 lang: str, previous_year_label: str, previous_span_label: str) -> list[Kpi]:
    """The meeting-supervision cards (``meeting_totals`` rows): fewer, shorter, merged, reviewed, attended."""
    compare = Comparison(current, previous_year, previous_year_label, lang)
    meetings = compare.count("meetings", "meetings", "unit.meetings", "inverse")
    span_change = signed(percent_change(current["meetings"], previous_span["meetings"]), "%")
    meetings = Kpi(**{**meetings.__dict__, "secondary": i18n.t(
        "kpi.delta_span", lang, delta=span_change or "—", period=previous_span_label)})
    hours = {**current, "total_hours": current["total_minutes"] / 60}
    hours_before = {**previous_year, "total_hours": previous_year["total_minutes"] / 60}
    return [
        meetings,
        compare.average("avg_duration", "avg_duration_min", "unit.minutes", "inverse"),
        Comparison(hours, hours_before, previous_year_label, lang).count("total_hours", "total_hours", "unit.hours", "inverse"),
        compare.share("merged_share", "merged", "meetings"),
        compare.share("prereviewed_share", "prereviewed", "meetings"),
        compare.share("attended_share", "attended", "meetings"),
    ]


def issue_kpis(current: Mapping[str, float], previous_year: Mapping[str, float], lang: str,
               previous_year_label: str) -> list[Kpi]:
    """Issues and rectification (``rectification_summary`` rows)."""
    compare = Comparison(current, previous_year, previous_year_label, lang)
    return [
        compare.count("issues", "issues", "unit.count"),
        compare.count("rectified", "rectified", "unit.count", "normal"),
        compare.share("rectification_rate", "rectified", "issues"),
        compare.count("overdue", "overdue", "unit.count", "inverse"),
        compare.average("median_days_to_rectify", "median_days_to_rectify", "unit.days", "inverse", digits=0),
    ]


def suggestion_kpis(current: Mapping[str, float], previous_year: Mapping[str, float], lang: str,
                    previous_year_label: str) -> list[Kpi]:
    """Suggestions (``suggestion_totals`` rows): how many, how many adopted or implemented, how many follow an issue."""
    compare = Comparison(current, previous_year, previous_year_label, lang)
    return [
        compare.count("suggestions", "suggestions", "unit.items"),
        compare.share("adoption_rate", "adopted_or_implemented", "suggestions"),
        compare.share("implementation_rate", "implemented", "suggestions"),
        compare.share("linked_share", "linked", "suggestions", "off"),
    ]


def reminder_kpis(current: Mapping[str, float], previous_year: Mapping[str, float], lang: str,
                  previous_year_label: str) -> list[Kpi]:
    """Reminders and the joint work with the units (``reminder_totals`` rows)."""
    compare = Comparison(current, previous_year, previous_year_label, lang)
    return [
        compare.count("reminders", "reminders", "unit.times", "normal"),
        compare.count("consultations", "consultations", "unit.times", "normal"),
        compare.count("units", "units_consulted", "unit.units", "normal"),
        compare.count("special_studies", "special_studies", "unit.times", "normal"),
        compare.count("notifications", "notifications", "unit.times"),
        compare.count("secondments", "secondments", "unit.times"),
    ]


def unit_profile_kpis(beside: "object", lang: str, unit_name: str, with_average: bool = True) -> list[Kpi]:
    """A unit's figures, each with its difference from the average of all units (``unit_beside_average`` rows).

    ``with_average=False`` for an account that sees one unit only: the average of all units, times
    their number, would give away the totals it may not see.
    """
    cards = []
    for row in beside.itertuples(index=False):  # type: ignore[attr-defined]
        label, display = i18n.t(f"measure.{row.measure}", lang), format_number(row.unit, "unit.plain", lang)
        if not with_average:
            cards.append(Kpi(row.measure, label, row.unit, display, None, "off", unit_name))
            continue
        cards.append(Kpi(row.measure, label, row.unit, display, signed(row.unit - row.average, ""), "off",
                         i18n.t("kpi.help_average", lang, unit=unit_name),
                         secondary=i18n.t("kpi.average_is", lang, value=format_number(row.average, "unit.plain", lang, 1))))
    return cards
