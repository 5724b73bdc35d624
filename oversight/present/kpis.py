"""The key-figure cards: values and their change against the same span a year earlier (同比),
and on the meeting page also against the span just before (环比).

A comparison is made only where the data covers the earlier span (``DataSpan.year_earlier``): the callers
pass ``None`` for it otherwise, and the card says 无可比数据 instead of a change against zeros that are
really unknowns. Counts show the absolute change beside the percentage (``+5个（+45.5%）``), and only the
absolute change from zero (``+6个``); shares show percentage points. Every figure rounds half up
(``oversight.core.numbers``). Each card's help text is its one-line definition from README's 口径说明.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from oversight.core import i18n
from oversight.core.numbers import (  # noqa: F401 (re-exported)
    is_missing,
    percent_change,
    plain,
    rate,
    round_half_up,
    signed,
    signed_plain,
)


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: float | None
    display: str
    delta: str | None  # the change, or 无可比数据 / "no comparable data" (then delta_arrow is "off")
    help: str
    secondary: str | None = None  # a second comparison shown under the card (环比)
    delta_arrow: Literal["auto", "off"] = "auto"  # "off" where the delta is no change or no comparison
    basis: str | None = None  # what the delta compares with, written beside it (同比 / year on year)


def format_number(value: float | None, unit_key: str, lang: str, digits: int = 0) -> str:
    if is_missing(value):
        return "—"
    return i18n.t(unit_key, lang, value=f"{round_half_up(value, digits):,}")  # type: ignore[arg-type]


def count_change(now: float, before: float, unit_key: str, lang: str, digits: int = 0) -> str:
    """``+5个（+45.5%）``; from zero only ``+6个``; ``-109次（-32.0%）``; no change: 持平."""
    difference = round_half_up(now - before, digits)
    if difference == 0:
        return i18n.t("kpi.unchanged", lang)
    # written as the figure is: -56小时 beside 38.8小时, not -56.0小时
    absolute = ("+" if difference > 0 else "-") + i18n.t(
        unit_key, lang, value=plain(abs(now - before), digits, grouping=True)
    )
    percent = signed(percent_change(now, before), 1, "%")
    return absolute if percent is None else i18n.t("kpi.change_both", lang, absolute=absolute, percent=percent)


def _unless_unchanged(change: float, written: str | None, lang: str) -> str | None:
    """持平 for a change that rounds to nothing, as a count's change says it: a card read 0.0个百分点 under 50.0%
    where the count cards beside it said 持平."""
    return i18n.t("kpi.unchanged", lang) if round_half_up(change, 1) == 0 else written


def _points(lang: str) -> str:
    return i18n.t("kpi.points", lang)


@dataclass(frozen=True)
class Comparison:
    """The figures of the span in view and of the span a year earlier (``None``: not covered by the data)."""

    current: Mapping[str, float]
    previous_year: Mapping[str, float] | None
    previous_year_label: str
    lang: str

    def _help(self, key: str) -> str:
        definition = i18n.t(f"kpi.def.{key}", self.lang)
        basis = (
            i18n.t("kpi.help", self.lang, period=self.previous_year_label)
            if self.previous_year is not None
            else i18n.t("kpi.help_none", self.lang, period=self.previous_year_label)
        )
        return i18n.t("kpi.help_line", self.lang, definition=definition, basis=basis)

    def _card(self, key: str, now: float | None, display: str, delta: str | None, why_none: str = "") -> Kpi:
        # no change to show: the earlier span is not covered by the data, or gives no figure (a rate of nothing)
        if delta is None:
            return Kpi(
                key,
                i18n.t(f"kpi.{key}", self.lang),
                now,
                display,
                why_none or i18n.t("kpi.no_comparison", self.lang),
                self._help(key),
                delta_arrow="off",
            )
        unchanged = not delta.startswith(("+", "-"))  # signed() and count_change() put a sign on every change
        return Kpi(
            key,
            i18n.t(f"kpi.{key}", self.lang),
            now,
            display,
            delta,
            self._help(key),
            delta_arrow="off" if unchanged else "auto",
            basis=i18n.t("kpi.basis_yoy", self.lang),
        )

    def count(self, key: str, column: str, unit_key: str, digits: int = 0) -> Kpi:
        now = self.current[column]
        delta = None
        if self.previous_year is not None and not is_missing(now) and not is_missing(self.previous_year[column]):
            delta = count_change(now, self.previous_year[column], unit_key, self.lang, digits)
        # with ``digits`` (hours), written as an average is: 38.8小时, 39小时, never 39.0小时
        shown = (
            i18n.t(unit_key, self.lang, value=plain(now, digits, grouping=True))
            if digits and not is_missing(now)
            else format_number(now, unit_key, self.lang, digits)
        )
        return self._card(key, now, shown, delta)

    def share(self, key: str, part: str, whole: str) -> Kpi:
        now = rate(self.current[part], self.current[whole])
        delta = None
        if self.previous_year is not None:
            before = rate(self.previous_year[part], self.previous_year[whole])
            if now is not None and before is not None:
                delta = _unless_unchanged(now - before, signed(now - before, 1, _points(self.lang)), self.lang)
        # a rate of nothing (no issue raised, none due): the card says why it shows "—", not "no comparable data"
        why_none = i18n.t(f"kpi.nothing_to_rate.{whole}", self.lang) if self.current[whole] == 0 else ""
        if not why_none and self.previous_year is not None and self.previous_year[whole] == 0:
            # the year before is covered and held nothing to rate: 无可比数据 read as if the data did not reach it
            why_none = i18n.t(f"kpi.nothing_before.{whole}", self.lang)
        return self._card(key, now, format_number(now, "unit.percent", self.lang, 1), delta, why_none)

    def average(
        self,
        key: str,
        column: str,
        unit_key: str,
        digits: int = 0,
        of_nothing: str | None = None,
        of_nothing_before: str | None = None,
    ) -> Kpi:
        """``of_nothing``: the ``kpi.nothing_to_rate`` reason a missing average gives (no meeting, no issue
        rectified): "—" above 无可比数据 read as if only the year before were missing. ``of_nothing_before``: the
        ``kpi.nothing_before`` reason where the year before is covered and has no average (上年同期无会议)."""
        now = self.current[column]
        delta = None
        if self.previous_year is not None and not is_missing(now) and not is_missing(self.previous_year[column]):
            change = now - self.previous_year[column]
            # count: the unit's ``.one`` form for a change of exactly one ("-1 day", not "-1 days")
            suffix = i18n.t(unit_key, self.lang, value="", count=abs(round_half_up(change, 1)))
            delta = _unless_unchanged(change, signed_plain(change, 1, suffix), self.lang)
        # with ``digits=1`` the card writes the mean as the summary, the tables and the pack do (72.6分钟, 70分钟): a
        # card of 73分钟 beside a pack's 72.6分钟 read as two figures, and 73 + 38.9 did not give the year before
        shown = (
            i18n.t(unit_key, self.lang, value=plain(now, digits), count=round_half_up(now, digits))
            if digits and not is_missing(now)
            else format_number(now, unit_key, self.lang, digits)
        )
        why_none = i18n.t(f"kpi.nothing_to_rate.{of_nothing}", self.lang) if of_nothing and is_missing(now) else ""
        if (
            not why_none
            and of_nothing_before
            and self.previous_year is not None
            and is_missing(self.previous_year[column])
        ):
            why_none = i18n.t(f"kpi.nothing_before.{of_nothing_before}", self.lang)
        return self._card(key, now, shown, delta, why_none)


def overview_kpis(
    current: Mapping[str, float], previous: Mapping[str, float] | None, lang: str, previous_period: str
) -> list[Kpi]:
    """The six Overview cards from one ``kpi_totals`` row and the row of the year before (None: not comparable)."""
    compare = Comparison(current, previous, previous_period, lang)
    return [
        compare.count("units", "units_consulted", "unit.units"),
        compare.count("issues", "issues", "unit.count"),
        compare.count("suggestions", "suggestions", "unit.items"),
        compare.count("special_studies", "special_studies", "unit.times"),
        compare.share("rectification_rate", "issues_rectified", "issues"),
        compare.count("meetings", "meetings", "unit.meetings"),
    ]


def span_change_line(
    current: Mapping[str, float], previous_span: Mapping[str, float] | None, lang: str, previous_span_label: str
) -> str:
    """The 环比 line under the meetings card: the change against the span just before, or 无可比数据."""
    if previous_span is None:  # no span to name: 较2017年第1季度… named quarters before the data began
        return i18n.t("kpi.delta_span_none", lang, delta=i18n.t("kpi.no_comparison", lang))
    delta = count_change(current["meetings"], previous_span["meetings"], "unit.meetings", lang)
    return i18n.t("kpi.delta_span", lang, delta=delta, period=previous_span_label)


def meeting_kpis(
    current: Mapping[str, float],
    previous_year: Mapping[str, float] | None,
    previous_span: Mapping[str, float] | None,
    lang: str,
    previous_year_label: str,
    previous_span_label: str | None,
) -> list[Kpi]:
    """The meeting-supervision cards (``meeting_totals`` rows): fewer, shorter, merged, reviewed, attended.

    ``previous_span_label`` None: the span before is the year before (a whole year), so no 环比 line repeats 同比.
    """
    compare = Comparison(current, previous_year, previous_year_label, lang)
    meetings = compare.count("meetings", "meetings", "unit.meetings")
    if previous_span_label is not None:
        # one short line under the card (it must not wrap); which span it is goes into the card's help
        meetings = replace(
            meetings,
            secondary=span_change_line(current, previous_span, lang, previous_span_label),
            help=meetings.help + i18n.t("kpi.help_span", lang, period=previous_span_label),
        )
    hours = {**current, "total_hours": current["total_minutes"] / 60}
    hours_before = (
        None if previous_year is None else {**previous_year, "total_hours": previous_year["total_minutes"] / 60}
    )
    return [
        meetings,
        compare.average(
            "avg_duration",
            "avg_duration_min",
            "unit.minutes",
            digits=1,
            of_nothing="meetings",
            of_nothing_before="meetings",
        ),
        # hours to one decimal: in whole hours a 20-minute meeting read 会议总时长 0小时, and a change under half an
        # hour 持平
        Comparison(hours, hours_before, previous_year_label, lang).count(
            "total_hours", "total_hours", "unit.hours", digits=1
        ),
        compare.share("merged_share", "merged", "meetings"),
        compare.share("prereviewed_share", "prereviewed", "meetings"),
        compare.share("attended_share", "attended", "meetings"),
    ]


def issue_kpis(
    current: Mapping[str, float], previous_year: Mapping[str, float] | None, lang: str, previous_year_label: str
) -> list[Kpi]:
    """Issues and rectification (``rectification_summary`` rows), in the office's vocabulary (口径说明)."""
    compare = Comparison(current, previous_year, previous_year_label, lang)
    return [
        compare.count("issues", "issues", "unit.count"),
        compare.count("due", "due", "unit.count"),
        compare.count("rectified", "rectified", "unit.count"),
        compare.share("rectification_rate", "rectified", "issues"),
        compare.share("on_time_rate", "on_time", "due"),
        compare.count("late", "late", "unit.count"),
        compare.count("overdue", "overdue", "unit.count"),
        compare.count("not_yet_due", "not_yet_due", "unit.count"),
        # a median of whole days is a whole or a half day: written as it is (57.5天), since 58天 beside a change of
        # -21.5天 gave a year before of 79.5 days, and the year before was 79
        # a median of nothing says why: no issue raised (as the rectification rate beside it says), or none of the
        # period's issues rectified yet — 本期无已整改问题 denied the issue raised earlier and rectified in the period
        # that the Overview counts as 新整改完成
        compare.average(
            "median_days_to_rectify",
            "median_days_to_rectify",
            "unit.days",
            digits=1,
            of_nothing="issues" if current["issues"] == 0 else "rectified",
            of_nothing_before="issues" if previous_year is not None and previous_year["issues"] == 0 else "rectified",
        ),
    ]


def suggestion_kpis(
    current: Mapping[str, float], previous_year: Mapping[str, float] | None, lang: str, previous_year_label: str
) -> list[Kpi]:
    """Suggestions (``suggestion_totals`` rows): how many, how many adopted or implemented, how many follow an issue."""
    compare = Comparison(current, previous_year, previous_year_label, lang)
    return [
        compare.count("suggestions", "suggestions", "unit.items"),
        compare.share("adoption_rate", "adopted_or_implemented", "suggestions"),
        compare.share("implementation_rate", "implemented", "suggestions"),
        compare.share("linked_share", "linked", "suggestions"),
    ]


def reminder_kpis(
    current: Mapping[str, float], previous_year: Mapping[str, float] | None, lang: str, previous_year_label: str
) -> list[Kpi]:
    """Reminders and the joint work with the units (``reminder_totals`` rows)."""
    compare = Comparison(current, previous_year, previous_year_label, lang)
    return [
        compare.count("reminders", "reminders", "unit.times"),
        compare.count("consultations", "consultations", "unit.times"),
        compare.count("units", "units_consulted", "unit.units"),
        compare.count("special_studies", "special_studies", "unit.times"),
        compare.count("notifications", "notifications", "unit.times"),
        compare.count("secondments", "secondments", "unit.times"),
    ]


# The unit each profile measure is counted in, as the other pages' cards count it: issues 个, suggestions 条,
# meetings and the rest 次.
PROFILE_UNITS = {
    "issues": "unit.count",
    "suggestions": "unit.items",
    "consultations": "unit.times",
    "special_studies": "unit.times",
    "reminders": "unit.times",
    "meetings": "unit.meetings",
}


def unit_profile_kpis(beside: object, lang: str, unit_name: str, with_average: bool = True) -> list[Kpi]:
    """A unit's figures, each with its difference from the average of all units (``unit_beside_average`` rows),
    value, difference and average in the measure's unit (``3个``, ``+1.2个``, ``全部单位平均 1.8个``).

    ``with_average=False`` for an account that sees one unit only: the average of all units, times
    their number, would give away the totals it may not see.
    """
    cards = []
    for row in beside.itertuples(index=False):  # type: ignore[attr-defined]
        unit_key = PROFILE_UNITS[row.measure]
        label, display = i18n.t(f"measure.{row.measure}", lang), format_number(row.unit, unit_key, lang)
        if not with_average:
            cards.append(Kpi(row.measure, label, row.unit, display, None, unit_name))
            continue
        gap = row.unit - row.average
        level = round_half_up(gap, 1) == 0
        cards.append(
            Kpi(
                row.measure,
                label,
                row.unit,
                display,
                # one decimal without a trailing .0, as the average under it and the chart's bars are written (a
                # gap of -1.0条 stood beside the chart's 1 and 2); a gap that rounds to nothing reads 持平 / level,
                # as a change of an average does ("0.0次 较平均" stood under 2 beside an average of 2.0)
                i18n.t("kpi.level_with_average", lang)
                if level
                else signed_plain(gap, 1, i18n.t(unit_key, lang, value="")),
                i18n.t("kpi.help_average", lang, unit=unit_name),
                secondary=i18n.t("kpi.average_is", lang, value=average_as_charted(row.average, unit_key, lang)),
                delta_arrow="off" if level else "auto",
                basis=i18n.t("kpi.basis_average", lang),
            )
        )
    return cards


def average_as_charted(value: float | None, unit_key: str, lang: str) -> str:
    """The all-unit average in its unit, as the unit-beside-average chart labels its bar: one decimal, no trailing
    .0 (``2个`` beside the chart's 2, not ``2.0个``); ``—`` where unknown."""
    if is_missing(value):
        return "—"
    return i18n.t(unit_key, lang, value=plain(value, 1, grouping=True))  # type: ignore[arg-type]


def all_unit_averages(beside: object, lang: str) -> list[str]:
    """Each measure's average over all units (``unit_beside_average`` rows), in its unit: ``指出问题1.8个`` (no space
    between Chinese and a number) — said once above units side by side, where each card gives only its gap to it."""
    return [
        i18n.t(
            "kpi.measure_average",
            lang,
            measure=i18n.t(f"measure.{row.measure}", lang),
            value=average_as_charted(row.average, PROFILE_UNITS[row.measure], lang),
        )
        for row in beside.itertuples(index=False)  # type: ignore[attr-defined]
    ]
