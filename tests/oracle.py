"""An independent recomputation of every figure, straight from the spreadsheets with pandas.

Nothing here goes through the project's ingest, queries, kpis or schema: the sheets are read with
``pandas.read_excel`` under their Chinese headers, values are mapped with this module's own small tables,
and each figure is computed from the definitions written in README's 口径说明 — restated here once:

- **as-of date** = the earlier of the range's last day and the data date (the newest date in any ledger,
  rectification dates included), and of a link's day (``day=``, a day of the range's last quarter) where one is
  given. Statuses, overdue, ages and every count are taken at it.
- **in the period**: first day of the first quarter ≤ date ≤ as-of date.
- **per quarter**: a quarter of the range before the data start's quarter (the quarter of the first record) or
  starting after the as-of date has no figures (unknown, not zero); a quarter still running counts to the as-of date.
- **span before (环比)**: the span of the same length just before, cut as many days in for a range to date; compared
  only where the data wholly covers it, like 同比.
- **year earlier (同比)**: the same quarters a year earlier, to the same day where the range runs past the data
  date. Compared only where the data covers it: its first quarter is not before the quarter of the first record
  (and the range does not start after the data date); otherwise "no comparable data".
- **rectified by D**: status 已整改 and rectified on or before D. **overdue at D**: deadline before D and not
  rectified by D, whenever raised. **due**: deadline on or before D. **on time**: due and rectified by the deadline.
  **late**: rectified by D after the deadline. **not yet due**: deadline after D and not rectified.
- Rounding: half up, once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd

STATUS = {"已整改": "rectified", "整改中": "in_progress", "未整改": "open"}
ADOPTION = {"已提出": "proposed", "已采纳": "adopted", "已落实": "implemented"}
FORMS = {"书面提醒": "written", "面对面提醒": "in_person", "会议提醒": "meeting"}
KINDS = {
    "定期会商": "consultation",
    "专题研究": "special_study",
    "工作通报": "notification",
    "抽调参与办案": "secondment",
}
YES = {"是": True, "否": False}
CATEGORIES = {
    "主体责任落实": "primary_responsibility",
    "作风建设": "conduct",
    "廉洁风险": "integrity",
    "决策程序": "decision_procedure",
    "民主集中制": "democratic_centralism",
    "会风会纪": "meeting_discipline",
    "其他": "other",
}
SOURCES = {
    "定期会商": "consultation",
    "列席会议": "attended_meeting",
    "日常监督": "daily",
    "专题研究": "special_study",
    "其他": "other",
}
FORM_CODES = tuple(FORMS.values())
KIND_CODES = tuple(KINDS.values())
ADOPTION_CODES = tuple(ADOPTION.values())


def percent(part: float, whole: float) -> Fraction:
    """``part`` of ``whole`` in percent, exactly: 23 of 80 is 28.75, not floating point's 28.749999999999996."""
    return _exact(part) * 100 / _exact(whole)


def _exact(value: float | Fraction) -> Fraction:
    """A number exactly as it is written (a sheet's 90.1 is 901/10, not the binary float nearest it)."""
    return value if isinstance(value, Fraction) else Fraction(repr(float(value)))


def mean(values) -> Fraction | None:
    """The mean of ``values``, exactly: their sum over their count, as a Fraction; None of nothing. The one place an
    average is taken, so that it and the difference of two are rounded half up once, at the place 口径说明 says:
    1,943 minutes over 4 meetings against 1,943 over 5 is 485.75 − 388.6 = 97.15, written 97.2 (the float means
    gave 97.14999… and 97.1)."""
    values = list(values)
    return sum((_exact(value) for value in values), Fraction(0)) / len(values) if values else None


def means_by(frame: pd.DataFrame, key: str, column: str) -> dict:
    """``mean`` of ``column`` per value of ``key`` (a unit's mean length), only keys with a row."""
    return {group: mean(rows[column]) for group, rows in frame.groupby(key)}


def average_of_units(metrics: dict[str, dict], key: str) -> Fraction:
    """The all-unit average of a measure (the unit profile's 全部单位平均), exactly: 101 meetings over 20 units is
    5.05, rounded half up 5.1 (in floating point 5 − 5.05 is −0.04999…, whose half-up −0.0 said 持平 where the card
    rightly says −0.1)."""
    return mean(figures[key] for figures in metrics.values())


def hours(minutes: float) -> Fraction:
    """Minutes in hours, exactly (695 minutes less 1,325 is 10.5 hours, not 10.499999999999998)."""
    return _exact(minutes) / 60


def half_up(value: float | Fraction, digits: int = 1) -> Decimal:
    """Half up as a person rounds: a Fraction exactly, a float as Python writes it."""
    exact = (
        Decimal(value.numerator) / Decimal(value.denominator)
        if isinstance(value, Fraction)
        else Decimal(str(float(value)))
    )
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return rounded.copy_abs() if rounded == 0 else rounded


def quarter_first(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_last(year: int, quarter: int) -> date:
    return date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])


def shift(year: int, quarter: int, by: int) -> tuple[int, int]:
    index = year * 4 + quarter - 1 + by
    return index // 4, index % 4 + 1


def year_before(day: date) -> date:
    """The same day a year earlier; a month's last day is that month's last day (口径说明, 同比): to 28 February 2021
    is compared with to 29 February 2020, the end of February both years (this said the 28th, a day short)."""
    last_then = calendar.monthrange(day.year - 1, day.month)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(day.year - 1, day.month, last_then)
    return date(day.year - 1, day.month, min(day.day, last_then))


@dataclass
class Ledgers:
    units: pd.DataFrame
    meetings: pd.DataFrame
    issues: pd.DataFrame
    suggestions: pd.DataFrame
    reminders: pd.DataFrame
    activities: pd.DataFrame

    @property
    def first_day(self) -> date:
        return min(self._dates())

    @property
    def first_quarter(self) -> tuple[int, int]:
        """The data start's quarter: before it every figure is unknown, not zero."""
        return (self.first_day.year, (self.first_day.month - 1) // 3 + 1)

    @property
    def data_date(self) -> date:
        return max(self._dates())

    def _dates(self) -> list[date]:
        columns = [
            self.meetings["date"],
            self.issues["raised"],
            # the day an issue marked 已整改 was rectified: on one still in progress it is a planned day
            self.issues.loc[self.issues["status"] == "rectified", "rectified"].dropna(),
            self.suggestions["made"],
            self.reminders["date"],
            self.activities["date"],
        ]
        return [d for column in columns for d in column]


def _day(value) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


def read_ledgers(folder: Path) -> Ledgers:
    def sheet(name: str) -> pd.DataFrame:
        return pd.read_excel(Path(folder) / f"{name}.xlsx", engine="openpyxl")

    units = sheet("units").rename(columns={"单位编码": "unit_id", "单位名称": "name_zh", "英文名称": "name_en"})
    unit_of = dict(zip(units["name_zh"], units["unit_id"]))
    m = sheet("meetings")
    meetings = pd.DataFrame(
        {
            "meeting_id": m["会议编号"],
            "unit": m["单位"].map(unit_of),
            "date": m["会议日期"].map(_day),
            "minutes": m["时长(分钟)"].astype(float),
            "prereviewed": m["议题提前报送审核"].map(YES),
            "attended": m["纪检监察组列席"].map(YES),
            "merged": m["合并召开"].map(YES),
        }
    )
    i = sheet("issues")
    issues = pd.DataFrame(
        {
            "issue_id": i["问题编号"],
            "unit": i["单位"].map(unit_of),
            "raised": i["发现日期"].map(_day),
            "source": i["问题来源"].map(SOURCES),
            "category": i["问题类别"].map(CATEGORIES),
            "status": i["整改状态"].map(STATUS),
            # no 整改期限 (the column is optional) is NaT: every comparison with it is False, so such an issue is never
            # 应整改, 按期, 逾期 or 未到期 (口径说明, 无整改期限)
            "due": pd.Series(
                [pd.NaT if d is None else d for d in i["整改期限"].map(_day)], index=i.index, dtype=object
            ),
            "rectified": i["整改完成日期"].map(_day),
        }
    )
    s = sheet("suggestions")
    suggestions = pd.DataFrame(
        {
            "suggestion_id": s["建议编号"],
            "unit": s["单位"].map(unit_of),
            "made": s["提出日期"].map(_day),
            "issue_id": s["关联问题编号"],
            "category": s["类别"].map(CATEGORIES),
            "status": s["采纳状态"].map(ADOPTION),
        }
    )
    r = sheet("reminders")
    reminders = pd.DataFrame(
        {"unit": r["单位"].map(unit_of), "date": r["提醒日期"].map(_day), "form": r["提醒方式"].map(FORMS)}
    )
    a = sheet("activities")
    activities = pd.DataFrame(
        {"unit": a["单位"].map(unit_of), "date": a["活动日期"].map(_day), "kind": a["活动类型"].map(KINDS)}
    )
    for frame in (meetings, issues, suggestions, reminders, activities):
        assert frame.notna().drop(columns=[c for c in ("rectified", "issue_id", "due") if c in frame]).all().all()
    return Ledgers(units[["unit_id", "name_zh", "name_en"]], meetings, issues, suggestions, reminders, activities)


def cut_copy(source: Path, target: Path, day: date) -> None:
    """The sample as it stood on ``day``: later records gone, later rectifications not yet made."""
    target.mkdir(parents=True, exist_ok=True)
    dates = {
        "meetings": "会议日期",
        "issues": "发现日期",
        "suggestions": "提出日期",
        "reminders": "提醒日期",
        "activities": "活动日期",
    }
    for path in Path(source).glob("*.xlsx"):
        frame = pd.read_excel(path, engine="openpyxl")
        column = dates.get(path.stem)
        if column:
            frame = frame[pd.to_datetime(frame[column]).dt.date <= day]
        if path.stem == "issues":
            later = pd.to_datetime(frame["整改完成日期"]).dt.date > day
            frame.loc[later, "整改状态"] = "整改中"
            frame["整改完成日期"] = frame["整改完成日期"].astype(object)
            frame.loc[later, "整改完成日期"] = None
        frame.to_excel(target / path.name, index=False)


def recorded_on(folder: Path, day: date) -> None:
    """Make ``day`` the data date of a cut copy: where no ledger records anything on it, one written reminder on it
    (the first reminder's unit and subject), so the edges of the calendar can be the data date."""
    if read_ledgers(folder).data_date == day:
        return
    path = Path(folder) / "reminders.xlsx"
    frame = pd.read_excel(path, engine="openpyxl")
    row = frame.iloc[[0]].copy()
    row["提醒编号"], row["提醒日期"], row["提醒方式"] = f"TX{day:%Y%m%d}-EDGE", pd.Timestamp(day), "书面提醒"
    pd.concat([frame, row], ignore_index=True).to_excel(path, index=False)


def leap_copy(source: Path, target: Path) -> None:
    """The sample run on to 28 February 2021, a year after 29 February: one meeting on 29 February 2020 and one on
    each of 20 January, 27 and 28 February 2021, so a 同比 cut a day short of the month's end counts differently."""
    target.mkdir(parents=True, exist_ok=True)
    for path in Path(source).glob("*.xlsx"):
        frame = pd.read_excel(path, engine="openpyxl")
        if path.stem == "meetings":
            days = [date(2020, 2, 29), date(2021, 1, 20), date(2021, 2, 27), date(2021, 2, 28)]
            extra = pd.concat([frame.iloc[[-1]]] * len(days), ignore_index=True)
            extra["会议编号"] = [f"HY{day:%Y%m%d}-LEAP" for day in days]
            extra["会议日期"] = [pd.Timestamp(day) for day in days]
            frame = pd.concat([frame, extra], ignore_index=True)
        frame.to_excel(target / path.name, index=False)


@dataclass
class View:
    """The figures of one filter, as the definitions above give them."""

    ledgers: Ledgers
    units: tuple[str, ...]  # empty = all
    start: tuple[int, int]
    end: tuple[int, int]
    cutoff: date | None = None  # for a year-earlier view: the same day a year before the as-of date
    # a link's day= (README's URL parameters): a day of the range's last quarter every figure is taken at, where it is
    # earlier than the range's end and the data date; the views compared with it (同比, 环比) are cut as for a range to
    # date, from the as-of date it gives
    day: date | None = None
    _cache: dict = field(default_factory=dict)

    @property
    def as_of(self) -> date:
        end = quarter_last(*self.end)
        limit = self.cutoff if self.cutoff is not None else self.ledgers.data_date
        return min(end, limit, *(() if self.day is None else (self.day,)))

    @property
    def period_start(self) -> date:
        return quarter_first(*self.start)

    @property
    def to_date(self) -> bool:
        return self.as_of < quarter_last(*self.end)

    def year_earlier(self) -> View | None:
        first = self.ledgers.first_day
        earlier_start = shift(*self.start, -4)
        if quarter_first(*earlier_start) < quarter_first(first.year, (first.month - 1) // 3 + 1):
            return None
        if self.period_start > self.ledgers.data_date:
            return None
        cutoff = year_before(self.as_of) if self.to_date else quarter_last(*shift(*self.end, -4))
        return View(self.ledgers, self.units, earlier_start, shift(*self.end, -4), cutoff)

    def year_earlier_begins_before_the_data(self) -> bool:
        """The span a year earlier begins before the data start's quarter and ends inside the data: not compared,
        and the words say why (上年同期始于数据起始（2019年第1季度）之前，不作比较), not 无可比数据."""
        first = self.ledgers.first_quarter
        return shift(*self.start, -4) < first <= shift(*self.end, -4) and self.period_start <= self.ledgers.data_date

    # ------------------------------------------------------------ rows in scope
    def scoped(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame if not self.units else frame[frame["unit"].isin(self.units)]

    def in_period(self, frame: pd.DataFrame, column: str) -> pd.DataFrame:
        frame = self.scoped(frame)
        return frame[(frame[column] >= self.period_start) & (frame[column] <= self.as_of)]

    @property
    def meetings(self) -> pd.DataFrame:
        return self.in_period(self.ledgers.meetings, "date")

    @property
    def issues(self) -> pd.DataFrame:
        return self.in_period(self.ledgers.issues, "raised")

    @property
    def suggestions(self) -> pd.DataFrame:
        return self.in_period(self.ledgers.suggestions, "made")

    @property
    def reminders(self) -> pd.DataFrame:
        return self.in_period(self.ledgers.reminders, "date")

    @property
    def activities(self) -> pd.DataFrame:
        return self.in_period(self.ledgers.activities, "date")

    # ------------------------------------------------------------ rectification vocabulary
    def rectified_by(self, issues: pd.DataFrame, day: date) -> pd.Series:
        return (issues["status"] == "rectified") & issues["rectified"].map(lambda d: d is not None and d <= day)

    def overdue_at(self, issues: pd.DataFrame, day: date) -> pd.Series:
        return (issues["due"] < day) & ~self.rectified_by(issues, day)

    def status_at(self, issues: pd.DataFrame, day: date) -> pd.Series:
        rectified = self.rectified_by(issues, day)
        return (
            issues["status"]
            .where(~rectified, "rectified")
            .where(rectified | (issues["status"] != "rectified"), "in_progress")
        )

    # ------------------------------------------------------------ figures
    def totals(self) -> dict[str, float]:
        issues, day = self.issues, self.as_of
        rectified = self.rectified_by(issues, day)
        # due: the deadline has passed, or is today and the issue is rectified (an issue due today is not late yet)
        due = (issues["due"] < day) | ((issues["due"] == day) & rectified)
        backlog = self.scoped(self.ledgers.issues)
        backlog = backlog[backlog["raised"] <= day]
        meetings, activities, suggestions = self.meetings, self.activities, self.suggestions
        days = [(r - d).days for r, d, ok in zip(issues["rectified"], issues["raised"], rectified) if ok]
        return {
            "units_consulted": activities.loc[activities["kind"] == "consultation", "unit"].nunique(),
            "issues": len(issues),
            "issues_rectified": int(rectified.sum()),
            "rectified": int(rectified.sum()),
            "due": int(due.sum()),
            "on_time": int(
                (due & rectified & (issues["rectified"].map(lambda d: d or date.max) <= issues["due"])).sum()
            ),
            "late": int((rectified & (issues["rectified"].map(lambda d: d or date.min) > issues["due"])).sum()),
            "not_yet_due": int(((issues["due"] >= day) & ~rectified).sum()),
            "overdue": int(self.overdue_at(backlog, day).sum()),
            "median_days_to_rectify": float(pd.Series(days).median()) if days else None,
            "suggestions": len(suggestions),
            "adopted_or_implemented": int(suggestions["status"].isin(["adopted", "implemented"]).sum()),
            "implemented": int((suggestions["status"] == "implemented").sum()),
            "linked": int(suggestions["issue_id"].notna().sum()),
            "special_studies": int((activities["kind"] == "special_study").sum()),
            "consultations": int((activities["kind"] == "consultation").sum()),
            "notifications": int((activities["kind"] == "notification").sum()),
            "secondments": int((activities["kind"] == "secondment").sum()),
            "reminders": len(self.reminders),
            "meetings": len(meetings),
            "avg_duration_min": mean(meetings["minutes"]),
            "total_minutes": float(meetings["minutes"].sum()),
            "merged": int(meetings["merged"].sum()),
            "prereviewed": int(meetings["prereviewed"].sum()),
            "attended": int(meetings["attended"].sum()),
        }

    def quarters(self) -> list[tuple[int, int]]:
        out, current = [], self.start
        while current <= self.end:
            out.append(current)
            current = shift(*current, 1)
        return out

    def recorded(self, quarter: tuple[int, int]) -> bool:
        """A quarter of the range whose figures are known: from the data start's quarter to the as-of date."""
        return self.ledgers.first_quarter <= quarter and quarter_first(*quarter) <= self.as_of

    def meetings_by_quarter(self) -> list[dict]:
        """Per quarter: meetings (None before the data start and after the data date) and the year-earlier count
        where it is known and not itself a quarter of the range."""
        first_quarter = self.ledgers.first_quarter
        rows = []
        all_meetings = self.scoped(self.ledgers.meetings)
        for quarter in self.quarters():
            recorded = self.recorded(quarter)
            current = all_meetings[
                (all_meetings["date"] >= quarter_first(*quarter))
                & (all_meetings["date"] <= min(quarter_last(*quarter), self.as_of))
            ]
            earlier_quarter = shift(*quarter, -4)
            # a quarter to date is set against its quarter a year earlier to the same day, also where that quarter
            # is itself a (whole) bar of the range: 同比 of a span to date (README's 口径说明)
            to_date = self.as_of < quarter_last(*quarter)
            known = recorded and earlier_quarter >= first_quarter and (earlier_quarter < self.start or to_date)
            earlier = all_meetings[
                (all_meetings["date"] >= quarter_first(*earlier_quarter))
                & (all_meetings["date"] <= min(quarter_last(*earlier_quarter), year_before(self.as_of)))
            ]
            rows.append(
                {
                    "quarter_key": quarter[0] * 10 + quarter[1],
                    "meetings": len(current) if recorded else None,
                    "prev_meetings": len(earlier) if known else None,
                    "through_day": min(quarter_last(*quarter), self.as_of),
                }
            )
        return rows

    def per_unit(self, frame: pd.DataFrame, value: str | None = None) -> dict[str, int]:
        ids = list(self.units) or list(self.ledgers.units["unit_id"])
        counts = frame.groupby("unit").size() if value is None else frame.groupby("unit")[value].sum()
        return {unit: int(counts.get(unit, 0)) for unit in ids}

    def overdue_list(self) -> list[tuple[str, int]]:
        backlog = self.scoped(self.ledgers.issues)
        backlog = backlog[backlog["raised"] <= self.as_of]
        overdue = backlog[self.overdue_at(backlog, self.as_of)]
        return sorted(
            ((row.issue_id, (self.as_of - row.due).days) for row in overdue.itertuples()),
            key=lambda pair: (-pair[1], pair[0]),
        )

    def issue_rows(self) -> dict[str, tuple[str, date | None]]:
        """Each issue of the period: its status and rectified date as of the as-of date."""
        issues = self.issues
        rectified = self.rectified_by(issues, self.as_of)
        status = self.status_at(issues, self.as_of)
        return {
            row.issue_id: (s, row.rectified if ok else None)
            for row, s, ok in zip(issues.itertuples(), status, rectified)
        }

    def unit_meeting_change(self) -> dict[str, tuple[int, int | None]]:
        earlier = self.year_earlier()
        now = self.per_unit(self.meetings)
        before = earlier.per_unit(earlier.meetings) if earlier else {}
        return {unit: (count, before.get(unit) if earlier else None) for unit, count in now.items()}

    def as_of_note(self, lang: str) -> str | None:
        """The line under a page's caption on what the figures run to: a range starting after the data date has no
        data yet; one running past the as-of date is taken at it (a range starting on it included: one day of data),
        compared with the same day a year earlier where the data cover that year; a whole range needs no line."""

        def long(day: date) -> str:
            return (
                f"{day.year}年{day.month}月{day.day}日"
                if lang == "zh"
                else f"{day.day} {MONTHS[day.month - 1]} {day.year}"
            )

        if self.period_start > self.as_of:
            if lang == "zh":
                return f"所选期间在数据日期（{long(self.as_of)}）之后才开始，尚无数据。"
            return f"The selected period starts after the data date ({long(self.as_of)}): there is no data for it yet."
        if not self.to_date:
            return None
        at_day = self.day is not None and self.as_of == self.day
        if lang == "zh":
            head = (
                f"各项数据截至所选日期{long(self.as_of)}"
                if at_day
                else f"所选期间止于数据日期之后：各项数据截至{long(self.as_of)}"
            )
            earlier = f"，同比与上年同期截至{long(year_before(self.as_of))}的数据比较。"
            return head + (earlier if self.year_earlier() else "。")
        head = (
            f"Every figure is as of the chosen day, {long(self.as_of)}"
            if at_day
            else f"The selected period runs past the data date: every figure is as of {long(self.as_of)}"
        )
        earlier = f", compared with the same dates a year earlier (to {long(year_before(self.as_of))})."
        return head + (earlier if self.year_earlier() else ".")

    def span_before(self) -> View | None:
        """环比: the span of the same length just before, cut as many days in for a range to date; None where
        the data does not wholly cover it (or the range starts after the data date)."""
        length = len(self.quarters())
        start, end = shift(*self.start, -length), shift(*self.end, -length)
        first = self.ledgers.first_day
        if quarter_first(*start) < quarter_first(first.year, (first.month - 1) // 3 + 1):
            return None
        if self.period_start > self.ledgers.data_date:
            return None
        cutoff = quarter_first(*start) + (self.as_of - self.period_start) if self.to_date else quarter_last(*end)
        return View(self.ledgers, self.units, start, end, cutoff)

    # ------------------------------------------------------------ per quarter
    def _quarter_rows(
        self, frame: pd.DataFrame, column: str = "date"
    ) -> list[tuple[tuple[int, int], pd.DataFrame | None]]:
        """Each quarter of the range with its rows in the period (None for a quarter whose figures are unknown:
        before the data start or after the as-of date)."""
        frame = self.in_period(frame, column)
        out = []
        for quarter in self.quarters():
            if not self.recorded(quarter):
                out.append((quarter, None))
                continue
            out.append(
                (quarter, frame[(frame[column] >= quarter_first(*quarter)) & (frame[column] <= quarter_last(*quarter))])
            )
        return out

    def meeting_quarters(self) -> list[dict]:
        """The duration and shares charts: per quarter the meetings, their mean length, merged, pre-reviewed and
        attended counts, and the year-earlier mean length where the year-earlier bar is drawn."""
        bars = {row["quarter_key"]: row for row in self.meetings_by_quarter()}
        all_meetings = self.scoped(self.ledgers.meetings)
        rows = []
        for quarter, meetings in self._quarter_rows(self.ledgers.meetings):
            key = quarter[0] * 10 + quarter[1]
            earlier_quarter = shift(*quarter, -4)
            earlier = all_meetings[
                (all_meetings["date"] >= quarter_first(*earlier_quarter))
                & (all_meetings["date"] <= min(quarter_last(*earlier_quarter), year_before(self.as_of)))
            ]
            known = bars[key]["prev_meetings"] is not None
            rows.append(
                {
                    "quarter_key": key,
                    "avg_duration_min": mean(meetings["minutes"]) if meetings is not None else None,
                    "merged": None if meetings is None else int(meetings["merged"].sum()),
                    "prereviewed": None if meetings is None else int(meetings["prereviewed"].sum()),
                    "attended": None if meetings is None else int(meetings["attended"].sum()),
                    "prev_avg_duration_min": mean(earlier["minutes"]) if known else None,
                }
            )
        return rows

    def by_quarter(self, frame: pd.DataFrame, column: str, codes: tuple[str, ...]) -> list[dict]:
        """Per quarter, the rows of each code (reminders by form, activities by kind); None after the as-of date."""
        return [
            {
                "quarter_key": quarter[0] * 10 + quarter[1],
                **{code: None if rows is None else int((rows[column] == code).sum()) for code in codes},
            }
            for quarter, rows in self._quarter_rows(frame)
        ]

    def trends(self) -> list[dict]:
        """The unit profile's trend lines: meetings, their mean length, issues, suggestions, reminders per quarter."""
        ledgers = self.ledgers
        series = zip(
            self._quarter_rows(ledgers.meetings),
            self._quarter_rows(ledgers.issues, "raised"),
            self._quarter_rows(ledgers.suggestions, "made"),
            self._quarter_rows(ledgers.reminders),
        )
        rows = []
        for (quarter, meetings), (_, issues), (_, suggestions), (_, reminders) in series:
            known = meetings is not None
            rows.append(
                {
                    "quarter_key": quarter[0] * 10 + quarter[1],
                    "meetings": len(meetings) if known else None,
                    "avg_duration_min": mean(meetings["minutes"]) if known else None,
                    "issues": len(issues) if known else None,
                    "suggestions": len(suggestions) if known else None,
                    "reminders": len(reminders) if known else None,
                }
            )
        return rows

    def unit_quarter_meetings(self) -> dict[tuple[str, int], int | None]:
        """The heatmap: every unit in scope × every quarter of the range."""
        ids = list(self.units) or list(self.ledgers.units["unit_id"])
        out: dict[tuple[str, int], int | None] = {}
        for quarter, meetings in self._quarter_rows(self.ledgers.meetings):
            counts = {} if meetings is None else meetings.groupby("unit").size().to_dict()
            for unit in ids:
                out[(unit, quarter[0] * 10 + quarter[1])] = None if meetings is None else int(counts.get(unit, 0))
        return out

    # ------------------------------------------------------------ per unit and per code
    def per_unit_code(self, frame: pd.DataFrame, column: str, codes: tuple[str, ...]) -> dict[str, dict[str, int]]:
        """Per unit in scope (zeros included): the rows of each code."""
        ids = list(self.units) or list(self.ledgers.units["unit_id"])
        counts = frame.groupby(["unit", column]).size().to_dict()
        return {unit: {code: int(counts.get((unit, code), 0)) for code in codes} for unit in ids}

    @staticmethod
    def per_code(frame: pd.DataFrame, column: str) -> dict[str, int]:
        """Rows per code, codes without rows left out."""
        return {code: int(count) for code, count in frame.groupby(column).size().items() if count}

    def suggestion_links(self) -> dict[str, int]:
        linked = int(self.suggestions["issue_id"].notna().sum())
        counts = {"linked": linked, "standalone": len(self.suggestions) - linked}
        return {link: count for link, count in counts.items() if count}

    def suggestion_rows(self) -> list[tuple]:
        """The suggestions table: newest first, then by id."""
        rows = self.suggestions.sort_values(["made", "suggestion_id"], ascending=[False, True])
        return [
            (r.suggestion_id, r.unit, r.made, r.category, r.status, None if pd.isna(r.issue_id) else r.issue_id)
            for r in rows.itertuples()
        ]

    def units_without_consultation(self) -> list[tuple[str, date | None]]:
        """Units in scope with no 定期会商 in the period, and their last one up to the as-of date (None: never);
        never-consulted first, then the longest ago, then by id."""
        consulted = set(self.activities.loc[self.activities["kind"] == "consultation", "unit"])
        history = self.ledgers.activities
        history = history[(history["kind"] == "consultation") & (history["date"] <= self.as_of)]
        last = history.groupby("unit")["date"].max().to_dict()
        ids = list(self.units) or list(self.ledgers.units["unit_id"])
        rows = [(unit, last.get(unit)) for unit in ids if unit not in consulted]
        return sorted(rows, key=lambda row: (row[1] is not None, row[1] or date.min, row[0]))

    def unit_metrics(self) -> dict[str, dict[str, float | None]]:
        """Every unit's figures for the period, whatever units are selected (the profile's all-unit average)."""
        everyone = View(self.ledgers, (), self.start, self.end, self.cutoff, self.day)
        issues, activities, meetings = everyone.issues, everyone.activities, everyone.meetings
        rectified = issues[everyone.rectified_by(issues, everyone.as_of)]
        columns = {
            "issues": issues.groupby("unit").size(),
            "rectified": rectified.groupby("unit").size(),
            "suggestions": everyone.suggestions.groupby("unit").size(),
            "consultations": activities[activities["kind"] == "consultation"].groupby("unit").size(),
            "special_studies": activities[activities["kind"] == "special_study"].groupby("unit").size(),
            "reminders": everyone.reminders.groupby("unit").size(),
            "meetings": meetings.groupby("unit").size(),
        }
        lengths = means_by(meetings, "unit", "minutes")
        return {
            unit: {
                **{name: int(counts.get(unit, 0)) for name, counts in columns.items()},
                "avg_duration_min": lengths.get(unit),
            }
            for unit in self.ledgers.units["unit_id"]
        }

    def latest_meetings(self, limit: int) -> list[tuple[str, date, float]]:
        rows = self.meetings.sort_values(["date", "meeting_id"], ascending=[False, False]).head(limit)
        return [(r.meeting_id, r.date, r.minutes) for r in rows.itertuples()]

    def unresolved(self) -> list[tuple[str, str, bool, int]]:
        """Issues raised by the as-of date and not rectified by it, oldest first: status, overdue, age in days."""
        backlog = self.scoped(self.ledgers.issues)
        backlog = backlog[(backlog["raised"] <= self.as_of) & ~self.rectified_by(backlog, self.as_of)]
        backlog = backlog.assign(
            at=self.status_at(backlog, self.as_of), late=self.overdue_at(backlog, self.as_of)
        ).sort_values(["raised", "issue_id"])
        return [(r.issue_id, r.at, bool(r.late), (self.as_of - r.raised).days) for r in backlog.itertuples()]

    def overdue_rows(self) -> dict[str, tuple[str, int]]:
        """The overdue table: each overdue issue's status and age (days since raised) at the as-of date."""
        backlog = self.scoped(self.ledgers.issues)
        backlog = backlog[(backlog["raised"] <= self.as_of)]
        backlog = backlog[self.overdue_at(backlog, self.as_of)]
        status = self.status_at(backlog, self.as_of)
        return {r.issue_id: (s, (self.as_of - r.raised).days) for r, s in zip(backlog.itertuples(), status)}

    def issue_overdue(self) -> dict[str, int | None]:
        """For the period's issues: days overdue at the as-of date (None where not overdue)."""
        issues = self.issues
        late = self.overdue_at(issues, self.as_of)
        return {r.issue_id: (self.as_of - r.due).days if ok else None for r, ok in zip(issues.itertuples(), late)}

    def days_to_rectify(self) -> dict[str, int | None]:
        """The issue table's 整改用时: rectified date − date raised, for the issues rectified by the as-of date."""
        issues = self.issues
        rectified = self.rectified_by(issues, self.as_of)
        return {
            r.issue_id: (r.rectified - r.raised).days if ok else None for r, ok in zip(issues.itertuples(), rectified)
        }

    def unit_meeting_reduction(self) -> dict[str, dict[str, float | None]]:
        """The reduction table, per unit: meetings, the year-earlier count, change, change in percent (None from
        zero), mean lengths now and a year earlier, merged and pre-reviewed meetings."""
        earlier = self.year_earlier()
        meetings = self.meetings
        lengths = means_by(meetings, "unit", "minutes")
        merged = meetings.groupby("unit")["merged"].sum()
        prereviewed = meetings.groupby("unit")["prereviewed"].sum()
        earlier_lengths = {} if earlier is None else means_by(earlier.meetings, "unit", "minutes")
        out = {}
        for unit, (now, before) in self.unit_meeting_change().items():
            out[unit] = {
                "meetings": now,
                "prev_meetings": before,
                "change": None if before is None else now - before,
                "change_pct": None if not before else percent(now - before, before),
                "avg_duration_min": lengths.get(unit),
                "prev_avg_duration_min": earlier_lengths.get(unit),
                "merged": int(merged.get(unit, 0)),
                "prereviewed": int(prereviewed.get(unit, 0)),
            }
        return out


# ---------------------------------------------------------------- the cards, written as the definitions say

UNITS_ZH = {
    "units": "家",
    "count": "个",
    "items": "条",
    "times": "次",
    "meetings": "次",
    "hours": "小时",
    "minutes": "分钟",
    "days": "天",
}
UNITS_EN = {"hours": " h", "minutes": " min", "days": " days"}  # English counts are bare numbers
NO_COMPARISON = {"zh": "无可比数据", "en": "no comparable data"}


def count_text(value: float, unit: str, lang: str, digits: int = 0) -> str:
    """A count (or, with ``digits``, hours) half up, with thousands separators and no trailing .0."""
    number = _no_trailing_zero(f"{half_up(value, digits):,}", digits)
    return f"{number}{UNITS_ZH[unit]}" if lang == "zh" else f"{number}{UNITS_EN.get(unit, '')}"


def _no_trailing_zero(text: str, digits: int) -> str:
    return text[: -(digits + 1)] if digits and text.endswith("." + "0" * digits) else text


def average_text(value: float, unit: str, lang: str) -> str:
    """A mean as the cards, the summary and the tables write it: one decimal, half up, no trailing .0 (72.6分钟, 70分钟)."""
    number = half_up(value, 1)
    text = str(number.to_integral()) if number == number.to_integral() else str(number)
    return f"{text}{UNITS_ZH[unit]}" if lang == "zh" else f"{text}{UNITS_EN.get(unit, '')}"


NOTHING_TO_AVERAGE = {
    "minutes": ("本期无会议", "no meetings"),
    "days": ("本期指出的问题尚无已整改", "none rectified yet"),
    "days_of_no_issue": ("本期未指出问题", "no issues raised"),
}


def average_delta(
    now: float | None, before: float | None, unit: str, lang: str, nothing_before: str | None = None
) -> str:
    """The change of an average: the difference in its unit, one decimal, no trailing .0 (``-38.2分钟``, ``-37分钟``);
    an average of nothing says what there was none of (本期无会议), not that the year before is missing; a year
    before covered with nothing to average (``nothing_before``: what there was none of) says so (上年同期无会议)."""
    if now is None:
        return NOTHING_TO_AVERAGE[unit][lang == "en"]
    if before is None:
        return NOTHING_BEFORE[nothing_before][lang] if nothing_before else NO_COMPARISON[lang]
    difference = half_up(now - before, 1)
    if difference == 0:  # 口径说明, change of an average: one that rounds to 0 reads 持平 (677.56 against 677.52)
        return "持平" if lang == "zh" else "unchanged"
    suffix = UNITS_ZH[unit] if lang == "zh" else UNITS_EN[unit]
    text = str(difference.to_integral()) if difference == difference.to_integral() else str(difference)
    return f"{'+' if difference > 0 else ''}{text}{suffix}"


def count_delta(now: float, before: float | None, unit: str, lang: str, digits: int = 0) -> str:
    if before is None:
        return NO_COMPARISON[lang]
    difference = half_up(now - before, digits)
    if difference == 0:
        return "持平" if lang == "zh" else "unchanged"
    absolute = ("+" if difference > 0 else "-") + count_text(abs(difference), unit, lang, digits)
    if before == 0:
        return absolute
    change = half_up(percent(now - before, before), 1)
    percent_text = f"{'+' if change > 0 else ''}{change}%"
    return f"{absolute}（{percent_text}）" if lang == "zh" else f"{absolute} ({percent_text})"


def share_text(part: float, whole: float) -> str | None:
    return None if not whole else f"{half_up(percent(part, whole), 1)}%"


# what a rate's card says in place of a change when there is nothing to take a rate of (its whole is 0)
NOTHING_TO_RATE = {
    "issues": {"zh": "本期未指出问题", "en": "no issues raised"},
    "meetings": {"zh": "本期无会议", "en": "no meetings"},
    "due": {"zh": "本期无到期应整改问题", "en": "no issue due for rectification"},
    "suggestions": {"zh": "本期未提出意见建议", "en": "no suggestions made"},
}


# what it says where the year before is covered but held nothing to rate (its whole is 0)
NOTHING_BEFORE = {
    "issues": {"zh": "上年同期未指出问题", "en": "no issues raised a year earlier"},
    "meetings": {"zh": "上年同期无会议", "en": "no meetings a year earlier"},
    "due": {"zh": "上年同期无到期应整改问题", "en": "none due a year earlier"},
    "suggestions": {"zh": "上年同期未提出意见建议", "en": "no suggestions a year earlier"},
    "rectified": {"zh": "上年同期指出的问题无已整改", "en": "none rectified a year earlier"},
}


def share_delta(now: tuple[float, float], before: tuple[float, float] | None, lang: str, whole: str = "") -> str:
    if not now[1] and whole:
        return NOTHING_TO_RATE[whole][lang]
    if before is not None and not before[1] and whole:
        return NOTHING_BEFORE[whole][lang]
    if before is None or not now[1] or not before[1]:
        return NO_COMPARISON[lang]
    points = half_up(percent(now[0], now[1]) - percent(before[0], before[1]), 1)
    if points == 0:
        return "持平" if lang == "zh" else "unchanged"
    suffix = "个百分点" if lang == "zh" else " pp"
    return f"{'+' if points > 0 else ''}{points}{suffix}"


def day_label(day: date) -> str:
    return f"{day.month}月{day.day}日"


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # written out: %B follows the process's locale


def quarter_label(quarter: tuple[int, int], through: date, lang: str) -> str:
    """A quarter of a per-quarter chart as labelled when its figures run to ``through``: a quarter starting after it
    has no data yet (尚无数据), one it falls inside runs to it (截至7月1日 where it is the quarter's first day), one it
    ends on or after is whole."""
    year, number = quarter
    label = f"{year}年第{number}季度" if lang == "zh" else f"{year} Q{number}"
    if through < quarter_first(*quarter):
        return f"{label}（尚无数据）" if lang == "zh" else f"{label} (no data yet)"
    if through < quarter_last(*quarter):
        return (
            f"{label}（截至{day_label(through)}）"
            if lang == "zh"
            else f"{label} (to {through.day} {MONTHS[through.month - 1]})"
        )
    return label


__all__ = [
    "View",
    "Ledgers",
    "read_ledgers",
    "cut_copy",
    "leap_copy",
    "recorded_on",
    "count_delta",
    "share_delta",
    "NOTHING_BEFORE",
    "share_text",
    "count_text",
    "average_delta",
    "average_text",
    "half_up",
    "mean",
    "means_by",
    "average_of_units",
]
