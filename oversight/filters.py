"""The filter every page shares: selected units (empty = all) and a quarter range.

It turns into bound SQL parameters for the queries and into URL query
parameters (``?unit=…&from=2020Q1&to=2020Q4&lang=en``) for bookmarks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Iterable, Mapping, Sequence

_QUARTER_TEXT = re.compile(r"^\s*(\d{4})\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    quarter: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        match = _QUARTER_TEXT.match(text or "")
        if not match:
            raise ValueError(f"not a quarter: {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_key(cls, key: int) -> "Quarter":
        return cls(key // 10, key % 10)

    @classmethod
    def of(cls, day: date) -> "Quarter":
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

    def shift(self, quarters: int) -> "Quarter":
        index = self.index + quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        return self.shift(1).first_day - timedelta(days=1)


def quarter_range(start: Quarter, end: Quarter) -> list[Quarter]:
    return [start.shift(i) for i in range(end.index - start.index + 1)]


@dataclass(frozen=True)
class Filter:
    units: tuple[str, ...]
    start: Quarter
    end: Quarter

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"quarter range ends before it starts: {self.start}–{self.end}")

    @property
    def quarters(self) -> list[Quarter]:
        return quarter_range(self.start, self.end)

    def previous_year(self) -> "Filter":
        """The same span a year earlier: what 同比 compares with."""
        return replace(self, start=self.start.shift(-4), end=self.end.shift(-4))

    def previous_span(self) -> "Filter":
        """The span of the same length just before this one: what 环比 compares with."""
        length = len(self.quarters)
        return replace(self, start=self.start.shift(-length), end=self.end.shift(-length))

    def sql_params(self) -> dict[str, object]:
        """Every parameter a query file may use; ``oversight.queries`` binds those it names."""
        return {
            "units": list(self.units),
            "q_from": self.start.key,
            "q_to": self.end.key,
            "period_start": self.start.first_day,
            "period_end": self.end.last_day,
        }

    def with_units(self, units: Iterable[str]) -> "Filter":
        return replace(self, units=tuple(units))

    def to_query_params(self) -> dict[str, list[str] | str]:
        params: dict[str, list[str] | str] = {"unit": list(self.units)} if self.units else {}
        params.update({"from": str(self.start), "to": str(self.end)})
        return params


@dataclass(frozen=True)
class DataSpan:
    """What the data holds: the known unit ids (in display order) and the first and last quarter."""

    unit_ids: tuple[str, ...]
    first: Quarter
    last: Quarter
    last_day: date | None = None

    def default_filter(self) -> Filter:
        """The latest year in the data, all units."""
        return Filter((), max(Quarter(self.last.year, 1), self.first), Quarter(self.last.year, 4))

    @property
    def quarters(self) -> list[Quarter]:
        return quarter_range(self.first, Quarter(self.last.year, 4))


def _as_list(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return list(value)


def from_query_params(params: Mapping[str, str | Sequence[str]], span: DataSpan) -> tuple[Filter, list[str]]:
    """The filter a URL asks for, and the values that made no sense (ignored, so the user can be told)."""
    default = span.default_filter()
    ignored: list[str] = []
    units = []
    for unit in _as_list(params.get("unit")):
        if unit in span.unit_ids and unit not in units:
            units.append(unit)
        elif unit not in span.unit_ids:
            ignored.append(f"unit={unit}")
    bounds = {}
    for name, fallback in (("from", default.start), ("to", default.end)):
        values = _as_list(params.get(name))
        bounds[name] = fallback
        if values:
            try:
                quarter = Quarter.parse(values[0])
            except ValueError:
                quarter = None
            # a quarter outside the data could not be shown on the quarter slider either
            if quarter in span.quarters:
                bounds[name] = quarter
            else:
                ignored.append(f"{name}={values[0]}")
    start, end = bounds["from"], bounds["to"]
    if end < start:
        ignored.append(f"from={start}&to={end}")
        start, end = default.start, default.end
    return Filter(tuple(units), start, end), ignored
