"""The filter every page shares: selected units (empty = all) and a quarter range.

It turns into bound SQL parameters for the queries and into URL query
parameters (``?unit=…&from=2020Q1&to=2020Q4&lang=en``) for bookmarks.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal, cast

from oversight.core import i18n

Reach = Literal["not_begun", "to_date", "whole"]

# ASCII digits only: \d took any script's (٢٠٢٠Q1 read as 2020Q1) where nothing else of the app does. Full-width digits
# and Q, as a Chinese input method types them in a link (２０２０Ｑ１), are read as their ASCII ones first.
_QUARTER_TEXT = re.compile(r"^\s*([0-9]{4})\s*[Qq]\s*([1-4])\s*$")
# a link's day= as README writes it, YYYY-MM-DD in ASCII digits: date.fromisoformat alone also reads 20201120 and
# 2020-W47-5, forms no link of ours writes and a reader would not recognise as the day named back to them
_LINK_DAY_TEXT = re.compile(r"^\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*$")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｑｑ", "0123456789Qq")
# The years a quarter can be written for: "0000Q1" matched the pattern and then failed as a date (year 0)
FIRST_YEAR, LAST_YEAR = 1900, 2999


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER_TEXT.match((text or "").translate(_FULL_WIDTH))
        if not match or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise ValueError(f"not a quarter: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_key(cls, key: int) -> Quarter:
        return cls(key // 10, key % 10)

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def key(self) -> int:
        """``20201`` for 2020 Q1: the form the SQL compares (``year * 10 + quarter``)."""
        return self.year * 10 + self.quarter

    @property
    def index(self) -> int:
        return self.year * 4 + self.quarter - 1

    def __str__(self) -> str:
        return f"{self.year}Q{self.quarter}"

    def shift(self, quarters: int) -> Quarter:
        index = self.index + quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        return self.shift(1).first_day - timedelta(days=1)

    def reached_by(self, day: object) -> Reach | None:
        """How far data counted to ``day`` reach into the quarter: ``not_begun`` (尚无数据: no figure, not a zero),
        ``to_date`` (截至8月14日) or ``whole``; None where there is no day. Charts' ticks and labels, the readings
        and the data files all mark a quarter by this one answer."""
        import pandas as pd  # here, not at the top: the command line reads this module before it needs pandas

        if day is None or pd.isna(day):
            return None
        counted_to = pd.Timestamp(day).date()
        if counted_to < self.first_day:
            return "not_begun"
        return "to_date" if counted_to < self.last_day else "whole"


def quarter_range(start: Quarter, end: Quarter) -> list[Quarter]:
    return [start.shift(i) for i in range(end.index - start.index + 1)]


def same_day_years_earlier(day: date, years: int = 1) -> date:
    """The same calendar day ``years`` earlier; a month's last day is that month's last day (28 February 2021 is
    29 February 2020: "to the end of February" both years; 29 February becomes the 28th). Every comparison with a
    year earlier takes its day from here: the cards, the charts, the summary and the 会议增多 rule."""
    year = day.year - years
    last_then = calendar.monthrange(year, day.month)[1]
    month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return day.replace(year=year, day=last_then if month_end else min(day.day, last_then))


@dataclass(frozen=True)
class Filter:
    """Units (empty = all) and a quarter range; ``cutoff`` is the data date where the range ends after it.

    The as-of date of every figure is ``as_of``: the range's last day, or the cut-off where the data stops
    earlier (see ``DataSpan.resolve``). A comparison span keeps the same cut-off a year (or a span) earlier,
    so a year to date is compared with the same dates of the year before.
    """

    units: tuple[str, ...]
    start: Quarter
    end: Quarter
    cutoff: date | None = None
    # a day of the range's last quarter a link asked the figures to be taken at (``day=``, README's URL parameters):
    # a pushed digest's link to its own day, where the range's end or the data date gave another as-of date and the
    # page said 214 days overdue of an issue the digest had said 173 of. Kept apart from ``cutoff`` (the data date,
    # set by ``DataSpan.resolve``), so that only a link's day is written back into the address
    day: date | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"quarter range ends before it starts: {self.start}–{self.end}")
        if self.day is not None and not self.end.first_day <= self.day < self.end.last_day:
            raise ValueError(f"as-of day {self.day} is not a day of {self.end} before its last")

    @property
    def quarters(self) -> list[Quarter]:
        return quarter_range(self.start, self.end)

    @property
    def as_of(self) -> date:
        """The day every status, age and count is taken at: the range's end, or the data date or a link's day where
        either is earlier."""
        return min(day for day in (self.end.last_day, self.cutoff, self.day) if day is not None)

    @property
    def is_whole_year(self) -> bool:
        """One calendar year, Q1 to Q4: the title says 2020年 rather than a range of quarters."""
        return self.start.year == self.end.year and self.start.quarter == 1 and self.end.quarter == 4

    @property
    def is_to_date(self) -> bool:
        """True where the range ends after the data date: its figures run to the data date only."""
        return self.as_of < self.end.last_day

    @property
    def is_at_chosen_day(self) -> bool:
        """True where the figures are taken at a link's day (``day``), the data date and the range's end later: the
        page says so (各项数据截至所选日期…), and what is made of the view says it in the page's words."""
        return self.day is not None and self.as_of == self.day

    @property
    def is_not_begun(self) -> bool:
        """True where the range starts after the data date: there is nothing in it yet."""
        return self.as_of < self.start.first_day

    def previous_year(self) -> Filter:
        """The same span a year earlier, to the same day where this one is cut off: what 同比 compares with."""
        cutoff = same_day_years_earlier(self.as_of) if self.is_to_date else None
        return replace(self, start=self.start.shift(-4), end=self.end.shift(-4), cutoff=cutoff, day=None)

    def previous_span(self) -> Filter:
        """The span of the same length just before this one (cut off as many days in): what 环比 compares with."""
        length = len(self.quarters)
        start, end = self.start.shift(-length), self.end.shift(-length)
        cutoff = start.first_day + (self.as_of - self.start.first_day) if self.is_to_date else None
        return replace(self, start=start, end=end, cutoff=cutoff, day=None)

    def sql_params(self) -> dict[str, object]:
        """Every parameter a query file may use; ``oversight.data.queries`` binds those it names.

        ``period_end`` is the as-of date (the range's last day, or the data date where that is earlier);
        ``prev_end`` is the same day a year earlier, where a per-quarter query puts the year before beside it.
        """
        return {
            "units": list(self.units),
            "q_from": self.start.key,
            "q_to": self.end.key,
            "period_start": self.start.first_day,
            "period_end": self.as_of,
            "prev_start": same_day_years_earlier(self.start.first_day),
            "prev_end": same_day_years_earlier(self.as_of),
        }

    def with_units(self, units: Iterable[str]) -> Filter:
        return replace(self, units=tuple(units))

    def without_cutoff(self) -> Filter:
        return replace(self, cutoff=None)

    def to_query_params(self) -> dict[str, list[str] | str]:
        params: dict[str, list[str] | str] = {"unit": list(self.units)} if self.units else {}
        params.update({"from": str(self.start), "to": str(self.end)})
        if self.day is not None:
            params["day"] = self.day.isoformat()
        return params


@dataclass(frozen=True)
class DataSpan:
    """What the data holds: the known unit ids (in display order), the first and last quarter with records,
    and the data date (``last_day``, the newest date recorded in any ledger).

    The data covers whole quarters from ``first`` (the quarter of the earliest record) to the data date.
    """

    unit_ids: tuple[str, ...]
    first: Quarter
    last: Quarter
    last_day: date | None = None

    def chosen_units(self, units: Iterable[str]) -> tuple[str, ...]:
        return chosen_units(units, self.unit_ids)

    def default_filter(self) -> Filter:
        """The latest year in the data, all units."""
        return Filter((), max(Quarter(self.last.year, 1), self.first), Quarter(self.last.year, 4))

    def resolve(self, filter_: Filter) -> Filter:
        """The filter with the data date as its cut-off where the range ends after it (a year to date)."""
        cutoff = self.last_day if self.last_day and self.last_day < filter_.end.last_day else None
        return replace(filter_, cutoff=cutoff)

    def covers(self, filter_: Filter) -> bool:
        """True where the data reaches back to the filter's first quarter, so its zeros are real zeros."""
        return filter_.start >= self.first

    def before_data(self, filter_: Filter) -> bool:
        """Whether the whole range ends before the data's first quarter: nothing is recorded for it, so its zeros
        are not zeros but unknowns (a pack of 2015 read 指出问题0个 as if nothing had happened)."""
        return filter_.end < self.first

    def has_data_in(self, filter_: Filter) -> bool:
        """False for a range that starts after the data date: nothing in it can be known yet."""
        return self.last_day is None or filter_.start.first_day <= self.last_day

    def comparable(self, filter_: Filter, earlier: Filter) -> bool:
        """A comparison of ``filter_`` with ``earlier`` is made only where the data covers all of ``earlier``.

        A span partly before the first records would compare with zeros that are really unknowns
        (the "+68%" against a year with no records): such a comparison is not made at all.
        """
        return self.covers(earlier) and self.has_data_in(filter_)

    def year_earlier(self, filter_: Filter) -> Filter | None:
        """What 同比 compares ``filter_`` with, or None where the data does not cover it (无可比数据)."""
        earlier = filter_.previous_year()
        return earlier if self.comparable(filter_, earlier) else None

    def span_before(self, filter_: Filter) -> Filter | None:
        """What 环比 compares ``filter_`` with, or None where the data does not cover it (无可比数据)."""
        earlier = filter_.previous_span()
        return earlier if self.comparable(filter_, earlier) else None

    @classmethod
    def from_row(cls, row: Mapping[str, object], unit_ids: Sequence[str] = ()) -> DataSpan:
        """From a ``data_span`` query row (``first_quarter``, ``last_quarter``, ``last_day``)."""
        last_day = row.get("last_day")
        return cls(
            tuple(unit_ids),
            Quarter.from_key(int(cast(int, row["first_quarter"]))),
            Quarter.from_key(int(cast(int, row["last_quarter"]))),
            None if last_day is None or last_day != last_day else _as_date(last_day),
        )

    @property
    def quarters(self) -> list[Quarter]:
        return quarter_range(self.first, Quarter(self.last.year, 4))

    def nearest_quarter(self, quarter: Quarter) -> Quarter:
        """``quarter`` where it is one of the quarter slider's choices (``quarters``), else the nearest of them."""
        known = self.quarters
        return min(max(quarter, known[0]), known[-1])

    def within(self, filter_: Filter) -> Filter:
        """``filter_`` with each end moved to the nearest quarter the data offers (a range kept from before an undo
        or a replacing import that took its quarters out of the data)."""
        end = self.nearest_quarter(filter_.end)
        # a link's day belongs to its quarter: where that quarter has gone, so has the day
        day = filter_.day if end == filter_.end else None
        return replace(filter_, start=self.nearest_quarter(filter_.start), end=end, day=day)


def _as_date(value: object) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value  # type: ignore[return-value]


def chosen_units(units: Iterable[str], every_unit: Iterable[str]) -> tuple[str, ...]:
    """``units`` as a filter holds them: every unit chosen one by one (the sidebar's 全选, a link or ``--unit`` naming
    all nine) is no unit filter, so the scope line, the exports' covers and file names and the written summary say
    全部9家综合监督单位 as for no choice at all, not nine names."""
    chosen, every = tuple(dict.fromkeys(unit for unit in units if isinstance(unit, str))), set(every_unit)
    return () if every and set(chosen) == every else chosen


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


# The parameters a view's link carries; any other name is named back to the user, not dropped in silence.
URL_KEYS = ("unit", "from", "to", "day", "lang")
# unit= values read from a link: more than the largest office measured (504 units, the scale data set) can name.
# More is a mistake or an attack: past the bound values are not read, and the user is told how many there were.
# (Streamlit itself drops a query of more than 1,000 fields or 512Ki characters whole, before the app sees it.)
MAX_URL_UNIT_VALUES = 600


@dataclass(frozen=True)
class UrlNotes:
    """What a URL asked for that the view could not take as it was, to tell the user: ``ignored`` values made
    no sense (an unknown unit, a quarter that is not one, a range that ends before it starts), ``moved`` quarters
    lay outside the data and were replaced by the nearest quarter the data has."""

    ignored: tuple[str, ...] = ()
    moved: tuple[str, ...] = ()
    # a range that ends before it starts (from, to as written): the default range is shown instead
    reversed: tuple[str, ...] = ()
    # parameter names the view does not read (a typo such as quartr=): it shows as if they were not there
    unknown: tuple[str, ...] = ()
    # how many unit= values the link had, when more than MAX_URL_UNIT_VALUES (those past the bound are not read)
    unit_values: int = 0
    # units the session's filter held that the view does not offer: an import removed them since, or a widget's
    # value was forged (a unit of another account's scope, a made-up id); they are dropped, as a link's are
    dropped: tuple[str, ...] = ()
    dropped_count: int = 0  # how many there were (``dropped`` holds at most MAX_URL_UNIT_VALUES, the data's first)
    # quarters of the session's filter the data no longer offers (an undo or a replacing import took them out): moved
    # to the nearest it offers, as a link's are; a leader on 2021 Q1 when the clerk undid its import met a traceback
    outside: tuple[Quarter, ...] = ()
    # a second from, to or lang (and any after it), as written: the first is read; these are not, whatever they say
    # (a valid lang=en after lang=zh was listed as "not recognised")
    repeated: tuple[str, ...] = ()
    # a link's day= that is a date but not one of the last quarter shown (as written): the range is shown whole
    day_outside: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(
            self.ignored
            or self.moved
            or self.reversed
            or self.unknown
            or self.unit_values
            or self.dropped
            or self.outside
            or self.repeated
            or self.day_outside
        )

    def after_choosing(self, quarters: bool, units: bool) -> UrlNotes:
        """What is still true once the reader has chosen the filter's quarters or units on screen: a note on the
        link's quarters (moved, reversed, outside the data) said "现显示…" of the range the leader had just chosen on
        the slider, as if a link's quarter had been moved to make it; one on its units, of units chosen since."""
        notes = self
        if quarters:
            # a link's day= belongs to the quarters it came with: once others are chosen, its note is past too
            ignored = tuple(value for value in notes.ignored if not value.startswith("day="))
            notes = replace(notes, moved=(), reversed=(), outside=(), ignored=ignored, day_outside=())
        if units:
            ignored = tuple(value for value in notes.ignored if not value.startswith("unit="))
            notes = replace(notes, ignored=ignored, dropped=(), dropped_count=0, unit_values=0)
        return notes

    def beyond_the_filter(self) -> UrlNotes:
        """What a page the unit and quarter filter does not shape (数据管理, 审计日志) still has to say of the link: the
        names it does not read and a language it could not take. The rest speak of the filter (已改为最近的季度，现显示
        2019年第1季度 over the data page's whole ledgers read as if the page showed that quarter); they stay in the
        session for the next page the filter shapes."""
        return UrlNotes(
            ignored=tuple(value for value in self.ignored if value.startswith("lang=")),
            unknown=self.unknown,
            repeated=tuple(value for value in self.repeated if value.startswith("lang=")),
        )


def from_query_params(params: Mapping[str, str | Sequence[str]], span: DataSpan) -> tuple[Filter, UrlNotes]:
    """The filter a URL asks for, and what in it was ignored or moved into the data's range (so the user can be told)."""
    default = span.default_filter()
    ignored: list[str] = []
    moved: list[str] = []
    repeated: list[str] = []
    languages = _as_list(params.get("lang"))
    for language in languages[:1]:  # the language is read elsewhere; here only whether it is one
        if not i18n.is_language(language):
            ignored.append(f"lang={language}")
    repeated += [f"lang={language}" for language in languages[1:]]  # read once: a second value is not the view's
    unit_values = _as_list(params.get("unit"))
    units = []
    known_units = set(span.unit_ids)
    for written in unit_values[:MAX_URL_UNIT_VALUES]:
        # spaces around a value (a link pasted from a document, %20 typed before a code) as for a quarter
        unit = written.strip()
        if unit in known_units and unit not in units:
            units.append(unit)
        elif unit not in known_units:
            ignored.append(f"unit={unit}")
    bounds = {}
    as_written: dict[str, Quarter] = {}
    known = span.quarters  # the quarter slider's choices: a quarter outside them could not be shown there
    for name, fallback in (("from", default.start), ("to", default.end)):
        values = _as_list(params.get(name))
        bounds[name] = fallback
        if not values:
            continue
        repeated += [f"{name}={value}" for value in values[1:]]
        try:
            quarter = Quarter.parse(values[0])
        except ValueError:
            ignored.append(f"{name}={values[0]}")
            continue
        as_written[name] = quarter
        if quarter in known:
            bounds[name] = quarter
        else:  # a real quarter before the first records or after the data's last year: the nearest one shown
            bounds[name] = span.nearest_quarter(quarter)
            moved.append(f"{name}={values[0]}")
    start, end = bounds["from"], bounds["to"]
    backwards: tuple[str, ...] = ()
    if len(as_written) == 2 and as_written["to"] < as_written["from"]:
        # judged on the quarters as written: from=2100Q4&to=1999Q1 was said to be 2020Q4 to 2019Q1 and, beside it,
        # "moved to the nearest quarter" while the default range was shown; 1999Q1 to 1998Q1 was shown as 2019Q1
        backwards = (str(as_written["from"]), str(as_written["to"]))
        moved = [note for note in moved if not note.startswith(("from=", "to="))]
        start, end = default.start, default.end
    elif end < start:  # one end written, the other the default's (to=2019Q2 before the default's 2020Q1)
        backwards = (str(start), str(end))
        start, end = default.start, default.end
    day, day_ignored, day_repeated = _link_day(_as_list(params.get("day")), end)
    day_outside = tuple(value for value in day_ignored if _is_a_date(value.removeprefix("day=")))
    ignored += [value for value in day_ignored if value not in day_outside]
    repeated += day_repeated
    unknown = tuple(name for name in params if name not in URL_KEYS)
    too_many = len(unit_values) if len(unit_values) > MAX_URL_UNIT_VALUES else 0
    return Filter(span.chosen_units(units), start, end, day=day), UrlNotes(
        tuple(ignored), tuple(moved), backwards, unknown, too_many, repeated=tuple(repeated), day_outside=day_outside
    )


def _link_day(values: list[str], end: Quarter) -> tuple[date | None, list[str], list[str]]:
    """A link's ``day=`` (``YYYY-MM-DD``): the day the figures are taken at, where it is a day of the range's last
    quarter as shown (a pushed digest's link to its day); the range's last day itself is no day to add. Anything else
    (not a date, a day of another quarter, a quarter moved or a range replaced) is ignored and named back, as an
    unknown unit is: the view is then the range's own, and the page says so."""
    if not values:
        return None, [], []
    written, repeated = values[0], [f"day={value}" for value in values[1:]]
    day = _link_date(written)
    if day is None or not end.first_day <= day <= end.last_day:
        return None, [f"day={written}"], repeated
    return (day if day < end.last_day else None), [], repeated


def _link_date(text: str) -> date | None:
    """``text`` as a ``YYYY-MM-DD`` day, or None where it is not one (2020-02-30 included)."""
    found = _LINK_DAY_TEXT.match(text)
    if found is None:
        return None
    try:
        return date(*(int(part) for part in found.groups()))
    except ValueError:
        return None


def _is_a_date(text: str) -> bool:
    return _link_date(text) is not None
