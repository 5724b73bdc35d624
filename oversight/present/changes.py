"""What changed since last quarter: the filter's last quarter against the quarter before, as a short list for
the Overview (new issues, newly rectified, new suggestions, meetings).

Every number is read from existing queries, nothing is recounted here: issues raised, suggestions made and
meetings held in a quarter are ``kpi_totals``' own figures for that one quarter; issues newly rectified are
counted by ``issues_rectified_in_span`` (every issue raised since the data start, as it stood at the quarter's
as-of date, whose rectification date falls in the quarter: one count, where reading the list of every issue cost
a filter change at 1M meetings about 40 ms). The quarter before is the 环比 span (``DataSpan.span_before``):
for a quarter running to the data date, the same number of days of the quarter before; None where the data
does not cover it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import pandas as pd

from oversight.core import i18n
from oversight.data.filters import DataSpan, Filter
from oversight.present.kpis import count_change, format_number

QueryRunner = Callable[[str, Filter], pd.DataFrame]

# (key, how its count is written)
MEASURES = (
    ("issues", "unit.count"),
    ("rectified", "unit.count"),
    ("suggestions", "unit.items"),
    ("meetings", "unit.meetings"),
)


@dataclass(frozen=True)
class QuarterChanges:
    quarter: Filter  # the filter's last quarter, cut at the data date (or a link's day) where it runs past it
    before: Filter | None  # the quarter before, or None where the data does not cover it
    now: dict[str, int]
    earlier: dict[str, int] | None

    def lines(self, lang: str) -> list[str]:
        """``新指出问题 5个（上季度 3个）：+2个（+66.7%）`` …, one per measure."""
        lines = []
        for key, unit_key in MEASURES:
            label, now = i18n.t(f"changes.{key}", lang), format_number(self.now[key], unit_key, lang)
            if self.earlier is None:
                lines.append(i18n.t("changes.line_no_before", lang, label=label, now=now))
                continue
            before = self.earlier[key]
            change = count_change(self.now[key], before, unit_key, lang)
            lines.append(
                i18n.t(
                    "changes.line_same_days" if self._same_days else "changes.line",
                    lang,
                    label=label,
                    now=now,
                    before=format_number(before, unit_key, lang),
                    change=change,
                )
            )
        return lines

    @property
    def _same_days(self) -> bool:
        """The quarter runs to the data date, so the one before is cut to as many days: 上季度 alone read as the
        whole quarter (25 beside the chart's 49)."""
        return self.before is not None and self.before.is_to_date

    def heading(self, lang: str) -> str:
        quarter = i18n.span_label(self.quarter, lang)
        if self._same_days:
            before = cast(Filter, self.before)
            return i18n.t(
                "changes.heading_same_days",
                lang,
                quarter=quarter,
                before=i18n.quarter_label(before.end, lang),
                **i18n.day_parts(before.as_of),
            )
        return i18n.t("changes.heading", lang, quarter=quarter)


def _counts(run: QueryRunner, quarter: Filter) -> dict[str, int]:
    totals = run("kpi_totals", quarter).iloc[0]
    rectified = run("issues_rectified_in_span", quarter).iloc[0]
    return {
        "issues": int(totals["issues"]),
        "rectified": int(rectified["rectified"]),
        "suggestions": int(totals["suggestions"]),
        "meetings": int(totals["meetings"]),
    }


def quarter_changes(run: QueryRunner, span: DataSpan, filter_: Filter) -> QuarterChanges | None:
    """The last quarter of the filter that the data reaches against the one before; None where the filter holds
    no such quarter. The default view, a year whose last quarter has not begun, showed no box at all while the
    strip above it spoke of the quarter under way."""
    last = min(filter_.end, span.last)
    if last < filter_.start:
        return None
    # a link's day (``day=``) is a day of the filter's last quarter: that quarter is taken at it, as every other figure
    # is (the box read the whole of 2020年第4季度 under a page 截至所选日期2020年11月20日); a day of a quarter the data
    # does not reach is past the data date, where the data date cuts the quarter anyway
    day = filter_.day if last == filter_.end else None
    quarter = span.resolve(Filter(filter_.units, last, last, day=day))
    if quarter.end < span.first or not span.has_data_in(quarter):
        return None
    before = span.span_before(quarter)
    return QuarterChanges(quarter, before, _counts(run, quarter), None if before is None else _counts(run, before))
