"""In-memory roll-ups: the key figures and the Overview's charts answered from running totals, not by a query.

DuckDB spends a few milliseconds binding and planning any statement, however small the table it reads (README,
Performance): the Overview's six questions cost ~35 ms at 1M meetings whichever tables they read. Here each ledger
is held once, when the store opens, as its rows sorted by group (the unit, with the category, status, form or
kind where a figure splits by it) and then by day, with a running total of every figure beside them, and as
running totals per label over the days with records for every unit together. Any group's figure over any range
of days is then two binary searches and a difference, for all the units of a view at once: exact for every span
(no split into whole quarters and a tail), whatever the data date.

The definitions stay those of ``queries/<name>.sql``: ``oversight.data.queries.run`` answers the names in
``ANSWERS`` from here where the store has every ledger, ``run_rows`` runs the SQL on the rows, and
tests/test_rollups.py checks the two equal, frame for frame, over ~1,500 query pairs on each of three stores.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

import duckdb
import numpy as np
import pandas as pd

from oversight import config
from oversight.data.filters import Quarter, quarter_range

_EPOCH = date(1970, 1, 1)
# Per ledger: whether every unit's figures are asked one by one (units_consulted; issues and suggestions per unit),
# so its rows are also kept in order of days.
_BY_DAY = {"meetings": False, "issues": True, "suggestions": True, "reminders": False, "activities": True}
LEDGERS = tuple(_BY_DAY)
# The order reminders_by_form shows its forms in (queries/reminders_by_form.sql); any other form comes after.
_FORM_ORDER = {"written": 1, "in_person": 2}
# What a DataFrame from DuckDB holds for text, so a figure from here and one from SQL compare equal.
_TEXT = pd.StringDtype(na_value=np.nan)


def _day(value: date) -> int:
    return (value - _EPOCH).days


@dataclass(frozen=True)
class _Sums:
    """One ledger's figures over any range of days: per unit and label from its rows sorted by unit, label and
    day beside their running totals; for every unit at once from running totals per label and day recorded."""

    keys: np.ndarray  # (unit * labels + label) * span + (day - first_day) of each row, ascending
    first_day: int
    span: int
    totals: Mapping[str, np.ndarray]  # each figure's running total over the sorted rows, one longer (0 first)
    labels: tuple[object, ...]  # the values of the ledger's second dimension (one "" where it has none)
    days: np.ndarray  # every day with a row, ascending
    everyone: Mapping[str, np.ndarray]  # per label, each figure's running total over those days, 0 first
    ordered_days: np.ndarray  # where kept: the days of the rows in order, each row's unit × label and count
    ordered_groups: np.ndarray
    ordered_rows: np.ndarray
    unit_count: int

    @classmethod
    def build(
        cls,
        units: np.ndarray,
        dims: np.ndarray,
        days: np.ndarray,
        figures: Mapping[str, np.ndarray],
        labels: tuple[object, ...],
        *,
        unit_count: int,
        by_day: bool,
    ) -> _Sums:
        """From one row per unit, label and day, sorted so (SQL sums and sorts them; here the memory would
        double), with the day's figures, ``rows`` (the records) among them."""
        first = int(days.min()) if len(days) else 0
        span = int(days.max()) - first + 1 if len(days) else 1
        # every unit a filter may choose, not only those this ledger names: a key past 32 bits would wrap into
        # another unit's range (at ~15,000 units, or ~1,200 with one date typed in year 1)
        wide = (max(unit_count, 1) * len(labels) + 1) * span >= 2**31
        kind = np.int64 if wide else np.int32
        keys = (units.astype(kind) * len(labels) + dims.astype(kind)) * span + (days - first).astype(kind)
        totals = {}
        for name, values in figures.items():
            running = np.empty(len(values) + 1, dtype=_width(values))
            running[0] = 0
            np.cumsum(values, out=running[1:])
            totals[name] = running
        seen = np.unique(days)
        cell = dims * len(seen) + np.searchsorted(seen, days)
        everyone = {}
        for name, values in figures.items():
            # whole numbers below 2**53: the float sums of bincount are exact
            per_day = np.bincount(cell, weights=values, minlength=len(labels) * len(seen)).astype(np.int64)
            running = np.zeros((len(labels), len(seen) + 1), dtype=np.int64)
            np.cumsum(per_day.reshape(len(labels), len(seen)), axis=1, out=running[:, 1:])
            everyone[name] = running
        # every unit's figures one by one (units_consulted, the per-unit chart): the rows of a range, counted
        order = np.argsort(days, kind="stable") if by_day else np.empty(0, dtype=np.int64)
        groups = (units.astype(np.int64) * len(labels) + dims)[order]
        ordered = (days[order], groups, figures["rows"][order])
        return cls(keys, first, span, totals, labels, seen, everyone, *ordered, unit_count)

    def between(
        self, units: np.ndarray | None, first_days: np.ndarray, last_days: np.ndarray, *, per_unit: bool = False
    ) -> dict[str, np.ndarray]:
        """Each figure (``rows`` among them) per unit × label × range of days, shape (units, labels, ranges); for
        ``units=None``, every unit's together (shape (1, labels, ranges)), or with ``per_unit`` each unit's
        (``rows`` only, one range, from the rows of the range where the ledger keeps them in order of days)."""
        first_days, last_days = np.asarray(first_days, dtype=np.int64), np.asarray(last_days, dtype=np.int64)
        if units is None and per_unit:
            return {"rows": self._counted_by_unit(int(first_days[0]), int(last_days[0]))}
        if units is None:
            low = np.searchsorted(self.days, first_days, side="left")
            high = np.maximum(np.searchsorted(self.days, last_days, side="right"), low)
            return {name: (total[:, high] - total[:, low])[None] for name, total in self.everyone.items()}
        groups = (units[:, None] * len(self.labels) + np.arange(len(self.labels))[None, :])[:, :, None]
        # a range's days inside this ledger's own (a day before its first or after its last holds nothing)
        low = np.clip(first_days - self.first_day, 0, self.span)[None, None, :]
        high = np.clip(last_days - self.first_day, -1, self.span - 1)[None, None, :]
        kind = self.keys.dtype  # searching with another integer type would copy the keys at every call
        start = np.searchsorted(self.keys, (groups * self.span + low).astype(kind), side="left")
        end = np.maximum(np.searchsorted(self.keys, (groups * self.span + high).astype(kind), side="right"), start)
        return {name: total[end].astype(np.int64) - total[start] for name, total in self.totals.items()}

    def _counted_by_unit(self, first_day: int, last_day: int) -> np.ndarray:
        if len(self.ordered_days) != len(self.keys):
            raise ValueError("this ledger does not keep its rows in order of days")
        start = int(np.searchsorted(self.ordered_days, first_day, side="left"))
        end = max(int(np.searchsorted(self.ordered_days, last_day, side="right")), start)
        units = self.unit_count
        counts = np.bincount(
            self.ordered_groups[start:end], weights=self.ordered_rows[start:end], minlength=units * len(self.labels)
        )
        return counts.astype(np.int64).reshape(units, len(self.labels))[:, :, None]


def _width(values: np.ndarray) -> type[np.integer]:
    """32 bits where every running total fits them (rows, flags, minutes at up to a million meetings), else 64."""
    return np.int32 if int(values.sum(dtype=np.int64)) < 2**31 and (len(values) == 0 or values.min() >= 0) else np.int64


@dataclass(frozen=True)
class _Rectified:
    """Issues in the order raised, with the day each was rectified (where it was): "rectified by the as-of date"
    looks at two days of one issue, which running totals of one day cannot."""

    raised: np.ndarray
    units: np.ndarray
    rectified: np.ndarray  # a day number, or the largest 32-bit integer where not rectified (by no day)

    def count(self, selected: np.ndarray, first_day: int, last_day: int) -> int:
        """The issues raised from ``first_day`` to ``last_day`` by the units ``selected`` (a mask) and rectified by
        ``last_day``."""
        start = int(np.searchsorted(self.raised, first_day, side="left"))
        end = int(np.searchsorted(self.raised, last_day, side="right"))
        if end <= start:
            return 0
        return int(np.count_nonzero(selected[self.units[start:end]] & (self.rectified[start:end] <= last_day)))


@dataclass(frozen=True)
class RunningTotals:
    """Every ledger's running totals, and what the units and the data's first day are."""

    unit_ids: tuple[str, ...]  # every unit in a ledger or in the units table, ascending (an index is its rank)
    unit_rows: Mapping[str, np.ndarray]  # the units table's columns, in its own order, and each unit's index
    first_on_record: int | None  # the quarter key of the data's first day
    ledgers: Mapping[str, _Sums]
    rectified: _Rectified

    def chosen(self, units: Iterable[str]) -> np.ndarray | None:
        """The indices a filter's units select, ``None`` for every unit (``in_units``: none listed is every unit,
        including a unit a ledger names that the units table lacks; an id no ledger knows selects nothing)."""
        listed = set(units)
        if not listed:
            return None
        return np.array([i for i, unit in enumerate(self.unit_ids) if unit in listed], dtype=np.int64)

    def each(self, chosen: np.ndarray | None) -> np.ndarray:
        return np.arange(len(self.unit_ids)) if chosen is None else chosen

    def mask(self, chosen: np.ndarray | None) -> np.ndarray:
        selected = np.zeros(len(self.unit_ids), dtype=bool)
        selected[self.each(chosen)] = True
        return selected


_STORES: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, RunningTotals] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def build(connection: duckdb.DuckDBPyConnection) -> RunningTotals:
    """Read every ledger once (the store's own typed tables) and keep its running totals with the connection."""
    cursor = connection.cursor()
    try:
        totals = _read(cursor)
    finally:
        cursor.close()
    with _LOCK:
        _STORES[connection] = totals
    return totals


def of(connection: duckdb.DuckDBPyConnection) -> RunningTotals | None:
    """The running totals ``build`` made for this store, or ``None`` (a store without every ledger)."""
    with _LOCK:
        return _STORES.get(connection)


# The statements that read the ledgers (queries/running_totals/*.sql), run once per store.
_SQL = config.QUERY_DIR / "running_totals"


def _statement(name: str) -> str:
    return (_SQL / f"{name}.sql").read_text(encoding="utf-8")


def _read(cursor: duckdb.DuckDBPyConnection) -> RunningTotals:
    unit_ids = tuple(row[0] for row in cursor.execute(_statement("unit_index")).fetchall())
    index = pd.DataFrame({"unit": list(unit_ids), "unit_index": np.arange(len(unit_ids), dtype=np.int32)})
    cursor.register("running_totals_unit_index", index)
    sizes = cursor.execute(_statement("ledger_sizes")).fetchnumpy()
    ledgers = {
        name: _ledger(cursor, name, unit_count=len(unit_ids), records=int(sizes[name][0]), by_day=by_day)
        for name, by_day in _BY_DAY.items()
    }
    issues = cursor.execute(_statement("issues_rectified")).fetchnumpy()
    rectified = _Rectified(*(np.ma.getdata(issues[name]) for name in ("raised", "unit_index", "fixed")))
    units = {name: _text(values) for name, values in cursor.execute(_statement("units")).fetchnumpy().items()}
    ranks = {unit: i for i, unit in enumerate(unit_ids)}
    units["unit_index"] = np.array([ranks[unit] for unit in units["unit_id"]], dtype=np.int64)
    first = cursor.execute(_statement("first_day")).fetchone()
    first_day = first[0] if first else None
    return RunningTotals(
        unit_ids=unit_ids,
        unit_rows=units,
        first_on_record=Quarter.of(first_day).key if first_day else None,
        ledgers=ledgers,
        rectified=rectified,
    )


# Records read per statement, at most: DuckDB's join and sums over a ledger of 1M rows at once held ~80 MB more at
# their peak than the answer (the server's memory in `make bench`), 200k at a time ~20 MB.
_RECORDS_AT_A_TIME = 200_000


def _ledger(cursor: duckdb.DuckDBPyConnection, name: str, *, unit_count: int, records: int, by_day: bool) -> _Sums:
    """One ledger as its statement reads it, a few units at a time where it is large: one row per unit, label and
    day, sorted so, each label's text beside its code (a ledger without labels has one, ""), and the day's
    figures."""
    step = max(1, unit_count * _RECORDS_AT_A_TIME // max(records, 1))
    parts = [
        cursor.execute(_statement(name), {"first_unit": first, "last_unit": first + step - 1}).fetchnumpy()
        for first in range(0, max(unit_count, 1), step)
    ]
    rows = {column: np.concatenate([np.ma.getdata(part[column]) for part in parts]) for column in parts[0]}
    labels: tuple[object, ...] = ("",)
    if "label_text" in rows:
        del rows["label_text"]  # text comes masked: read it as text
        texts = np.concatenate([_text(part["label_text"]) for part in parts])
        codes, first = np.unique(rows["label"], return_index=True)
        found = dict(zip(codes.tolist(), texts[first], strict=True))
        labels = tuple(found.get(code) for code in range(max(found, default=-1) + 1)) or ("",)
    del parts
    return _Sums.build(
        rows.pop("unit_index"), rows.pop("label"), rows.pop("day"), rows, labels, unit_count=unit_count, by_day=by_day
    )


def _text(values: np.ndarray) -> np.ndarray:
    """A text column as Python objects, a null as ``None``."""
    if not isinstance(values, np.ma.MaskedArray):
        return values
    out = np.ma.getdata(values).astype(object)  # filled(None) would fill with the array's own fill value
    out[np.ma.getmaskarray(values)] = None
    return out


# ---------------------------------------------------------------- the answers, one per queries/<name>.sql


def _units(params: Mapping[str, object]) -> list[str]:
    return cast(list[str], params["units"])


def _period(params: Mapping[str, object]) -> tuple[int, int]:
    """The filter's own days (in_period): its first day to the as-of date."""
    return _day(cast(date, params["period_start"])), _day(cast(date, params["period_end"]))


def _in_period(
    totals: RunningTotals, ledger: str, params: Mapping[str, object], *, per_unit: bool = False
) -> dict[str, np.ndarray]:
    """A ledger's figures for the filter's units and period, per label, and per unit where asked (else the
    units' axis may hold one row for all of them); the range axis dropped."""
    first, last = _period(params)
    found = totals.ledgers[ledger].between(
        totals.chosen(_units(params)), np.array([first]), np.array([last]), per_unit=per_unit
    )
    return {name: values[:, :, 0] for name, values in found.items()}


def _units_consulted(totals: RunningTotals, activities: Mapping[str, np.ndarray]) -> int:
    """count(distinct unit) of the consultations: the units with at least one."""
    kinds = totals.ledgers["activities"].labels
    if "consultation" not in kinds:
        return 0
    return int(np.count_nonzero(activities["rows"][:, kinds.index("consultation")]))


def _by_label(totals: RunningTotals, ledger: str, figures: Mapping[str, np.ndarray]) -> dict[object, int]:
    counts = figures["rows"].sum(axis=0)
    return dict(zip(totals.ledgers[ledger].labels, (int(n) for n in counts), strict=True))


def _average(minutes: int, timed: int) -> float:
    return minutes / timed if timed else float("nan")


def _one_row(values: Mapping[str, object]) -> pd.DataFrame:
    return pd.DataFrame({name: [value] for name, value in values.items()})


def kpi_totals(totals: RunningTotals, params: Mapping[str, object]) -> pd.DataFrame:
    activities = _in_period(totals, "activities", params, per_unit=True)
    meetings = _in_period(totals, "meetings", params)
    return _one_row(
        {
            "units_consulted": _units_consulted(totals, activities),
            "issues": int(_in_period(totals, "issues", params)["rows"].sum()),
            "issues_rectified": totals.rectified.count(totals.mask(totals.chosen(_units(params))), *_period(params)),
            "suggestions": int(_in_period(totals, "suggestions", params)["rows"].sum()),
            "special_studies": _by_label(totals, "activities", activities).get("special_study", 0),
            "meetings": int(meetings["rows"].sum()),
            "avg_duration_min": _average(int(meetings["minutes"].sum()), int(meetings["timed"].sum())),
        }
    )


def meeting_totals(totals: RunningTotals, params: Mapping[str, object]) -> pd.DataFrame:
    meetings = {name: int(values.sum()) for name, values in _in_period(totals, "meetings", params).items()}
    return _one_row(
        {
            "meetings": meetings["rows"],
            "total_minutes": meetings["minutes"],
            "avg_duration_min": _average(meetings["minutes"], meetings["timed"]),
            "merged": meetings["merged"],
            "prereviewed": meetings["prereviewed"],
            "attended": meetings["attended"],
            "agenda_items": meetings["agenda_items"],
        }
    )


def reminder_totals(totals: RunningTotals, params: Mapping[str, object]) -> pd.DataFrame:
    activities = _in_period(totals, "activities", params, per_unit=True)
    kinds = _by_label(totals, "activities", activities)
    return _one_row(
        {
            "reminders": int(_in_period(totals, "reminders", params)["rows"].sum()),
            "consultations": kinds.get("consultation", 0),
            "units_consulted": _units_consulted(totals, activities),
            "special_studies": kinds.get("special_study", 0),
            "notifications": kinds.get("notification", 0),
            "secondments": kinds.get("secondment", 0),
        }
    )


def suggestion_totals(totals: RunningTotals, params: Mapping[str, object]) -> pd.DataFrame:
    suggestions = _in_period(totals, "suggestions", params)
    statuses = _by_label(totals, "suggestions", suggestions)
    return _one_row(
        {
            "suggestions": sum(statuses.values()),
            "adopted_or_implemented": statuses.get("adopted", 0) + statuses.get("implemented", 0),
            "implemented": statuses.get("implemented", 0),
            "linked": int(suggestions["linked"].sum()),
        }
    )


def _text_column(values: np.ndarray | list[object]) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """Text as DuckDB hands it to pandas: its string type, or plain objects (``None``) where no value is known."""
    values = np.asarray(values, dtype=object)
    if any(value is not None for value in values):
        return pd.array(values, dtype=_TEXT)
    return values


def _counted(labels: list[object], counts: list[int], label: str, count: str) -> pd.DataFrame:
    """Labels and their counts as DuckDB returns them."""
    return pd.DataFrame({label: _text_column(labels), count: np.array(counts, dtype=np.int64)})


def issues_by_category(totals: RunningTotals, params: Mapping[str, object]) -> pd.DataFrame:
    counts = [(label, n) for label, n in _by_label(totals, "issues", _in_period(totals, "issues", params)).items() if n]
    counts.sort(key=lambda pair: (-pair[1], pair[0] is None, str(pair[0] or "")))
    return _counted([label for label, _ in counts], [n for _, n in counts], "category", "issues")


def reminders_by_form(totals: RunningTotals, params: Mapping[str, object]) -> pd.DataFrame:
    forms = _by_label(totals, "reminders", _in_period(totals, "reminders", params))
    counts = sorted(((form, n) for form, n in forms.items() if n), key=lambda pair: _FORM_ORDER.get(str(pair[0]), 3))
    return _counted([form for form, _ in counts], [n for _, n in counts], "form", "reminders")


_UNIT_COLUMNS = ("unit_id", "name_zh", "name_en", "short_name_en")


def issues_suggestions_by_unit(totals: RunningTotals, params: Mapping[str, object]) -> pd.DataFrame:
    rows = totals.unit_rows
    listed = set(_units(params))
    shown = np.array([not listed or unit in listed for unit in rows["unit_id"]], dtype=bool)
    at = rows["unit_index"][shown]
    issues = _in_period(totals, "issues", params, per_unit=True)["rows"].sum(axis=1)
    suggestions = _in_period(totals, "suggestions", params, per_unit=True)["rows"].sum(axis=1)
    # _in_period's units are the chosen ones in index order; a unit's place among them is its rank there
    place = np.searchsorted(totals.each(totals.chosen(_units(params))), at)
    counts = issues[place].astype(np.int64), suggestions[place].astype(np.int64)
    # most issues first, then most suggestions, then the unit id (an index is the id's rank)
    order = np.lexsort((at, -counts[1], -counts[0]))
    out = {name: _text_column(rows[name][shown][order]) for name in _UNIT_COLUMNS}
    return pd.DataFrame({**out, "issues": counts[0][order], "suggestions": counts[1][order]})


def meetings_by_quarter(totals: RunningTotals, params: Mapping[str, object]) -> pd.DataFrame:
    chosen = totals.chosen(_units(params))
    q_from = Quarter.from_key(cast(int, params["q_from"]))
    q_to = Quarter.from_key(cast(int, params["q_to"]))
    period_start, period_end = cast(date, params["period_start"]), cast(date, params["period_end"])
    prev_end = cast(date, params["prev_end"])
    series = quarter_range(q_from, q_to)
    keys = np.array([q.key for q in series], dtype=np.int64)
    first_on_record = totals.first_on_record
    recorded = np.array(
        [q.first_day <= period_end and first_on_record is not None and q.key >= first_on_record for q in series],
        dtype=bool,
    )
    # this quarter's days within the period; the same quarter a year earlier from the range's first quarter a
    # year earlier, before the period and up to the year-earlier cut-off (queries/meetings_by_quarter.sql)
    earliest = q_from.shift(-4).first_day
    current_first = [max(q.first_day, period_start) for q in series]
    current_last = [min(q.last_day, period_end) for q in series]
    earlier_first = [max(q.shift(-4).first_day, earliest) for q in series]
    # a quarter to date is set against its quarter a year earlier cut at the same day, even where that quarter is a
    # (whole) bar of the range: 2020年第4季度（截至11月18日） beside 2019年第4季度（截至11月18日）, not against nothing
    to_date = [min(q.last_day, period_end) < q.last_day for q in series]
    earlier_last = [
        min(q.shift(-4).last_day, prev_end)
        if now_to_date
        else min(q.shift(-4).last_day, period_start - timedelta(days=1), prev_end)
        for q, now_to_date in zip(series, to_date)
    ]
    meetings = totals.ledgers["meetings"]
    now = meetings.between(chosen, _days(current_first), _days(current_last))
    then = meetings.between(chosen, _days(earlier_first), _days(earlier_last))
    now = {name: values.sum(axis=(0, 1)) for name, values in now.items()}
    then = {name: values.sum(axis=(0, 1)) for name, values in then.items()}
    compared = recorded & np.array(
        [
            first_on_record is not None
            and first_on_record <= q.shift(-4).key
            and (q.shift(-4).key < q_from.key or now_to_date)
            for q, now_to_date in zip(series, to_date)
        ],
        dtype=bool,
    )
    return pd.DataFrame(
        {
            "quarter_key": keys,
            "year": keys // 10,
            "quarter": keys % 10,
            "through_day": np.array([min(q.last_day, period_end) for q in series], dtype="datetime64[us]"),
            "meetings": _unless(recorded, now["rows"]),
            "avg_duration_min": _averages(now["minutes"], now["timed"]),
            "merged": _unless(recorded, now["merged"]),
            "prereviewed": _unless(recorded, now["prereviewed"]),
            "attended": _unless(recorded, now["attended"]),
            "prev_meetings": _unless(compared, then["rows"]),
            "prev_avg_duration_min": np.where(compared, _averages(then["minutes"], then["timed"]), np.nan),
        }
    )


def _days(days: list[date]) -> np.ndarray:
    return np.array([_day(day) for day in days], dtype=np.int64)


def _averages(minutes: np.ndarray, timed: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(timed > 0, minutes / np.maximum(timed, 1), np.nan)


def _unless(known: np.ndarray, counts: np.ndarray) -> np.ndarray | pd.arrays.IntegerArray:
    """Counts where known, null where not: int64 as DuckDB returns a column without nulls, else nullable."""
    counts = counts.astype(np.int64)
    if known.all():
        return counts
    nullable = pd.array(counts, dtype="Int64")
    nullable[~known] = pd.NA
    return nullable


ANSWERS: dict[str, Callable[[RunningTotals, Mapping[str, object]], pd.DataFrame]] = {
    "kpi_totals": kpi_totals,
    "meeting_totals": meeting_totals,
    "reminder_totals": reminder_totals,
    "suggestion_totals": suggestion_totals,
    "issues_by_category": issues_by_category,
    "reminders_by_form": reminders_by_form,
    "issues_suggestions_by_unit": issues_suggestions_by_unit,
    "meetings_by_quarter": meetings_by_quarter,
}
