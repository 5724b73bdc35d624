"""(1) The Overview's queries at scale, as the app answers them (``queries.run``: the store's running totals),
against the same aggregations in pandas.

The Overview runs six queries per filter: ``kpi_totals`` for the period and
the year before, and one per chart; timed for the default view and for the same view narrowed to one unit (a
filter change). Both sides start from data already in
memory (the store, its running totals built; pandas frames with datetime64 dates), compute the
quarter keys per query as the SQL does, and return the same numbers, which
is checked before anything is timed.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd

from oversight import charts
from oversight.data import queries, store
from oversight.data.filters import Filter
from oversight.ingest import checked_folder

RUNS = 7
DATE_COLUMNS = {
    "meetings": ("date",),
    "issues": ("date_raised", "rectified_date"),
    "suggestions": ("date_made",),
    "reminders": ("date",),
    "activities": ("date",),
}


# ---------------------------------------------------------------- pandas, one function per .sql file


def _quarter_key(days: pd.Series) -> pd.Series:
    return days.dt.year * 10 + days.dt.quarter


def _scoped(frame: pd.DataFrame, column: str, filter_: Filter, by_unit: bool = True) -> pd.DataFrame:
    # the period: its first day to the as-of date (README, 口径说明)
    days = frame[column]
    mask = (days >= pd.Timestamp(filter_.start.first_day)) & (days <= pd.Timestamp(filter_.as_of))
    if by_unit and filter_.units:
        mask &= frame["unit"].isin(filter_.units)
    return frame[mask]


def pandas_kpi_totals(f: dict[str, pd.DataFrame], filter_: Filter) -> pd.DataFrame:
    activities = _scoped(f["activities"], "date", filter_)
    issues = _scoped(f["issues"], "date_raised", filter_)
    meetings = _scoped(f["meetings"], "date", filter_)
    period_end = pd.Timestamp(filter_.as_of)
    return pd.DataFrame(
        [
            {
                "units_consulted": activities.loc[activities["kind"] == "consultation", "unit"].nunique(),
                "issues": len(issues),
                "issues_rectified": int(
                    ((issues["status"] == "rectified") & (issues["rectified_date"] <= period_end)).sum()
                ),
                "suggestions": len(_scoped(f["suggestions"], "date_made", filter_)),
                "special_studies": int((activities["kind"] == "special_study").sum()),
                "meetings": len(meetings),
                "avg_duration_min": meetings["duration_min"].mean(),
            }
        ]
    )


def pandas_issues_suggestions_by_unit(f: dict[str, pd.DataFrame], filter_: Filter) -> pd.DataFrame:
    units = f["units"][["unit_id", "name_zh", "name_en", "short_name_en"]]
    if filter_.units:
        units = units[units["unit_id"].isin(filter_.units)]
    issues = _scoped(f["issues"], "date_raised", filter_, by_unit=False).groupby("unit").size().rename("issues")
    suggestions = (
        _scoped(f["suggestions"], "date_made", filter_, by_unit=False).groupby("unit").size().rename("suggestions")
    )
    out = units.join(issues, on="unit_id").join(suggestions, on="unit_id")
    out[["issues", "suggestions"]] = out[["issues", "suggestions"]].fillna(0).astype("int64")
    return out.sort_values(["issues", "suggestions", "unit_id"], ascending=[False, False, True]).reset_index(drop=True)


def pandas_meetings_by_quarter(f: dict[str, pd.DataFrame], filter_: Filter) -> pd.DataFrame:
    meetings = f["meetings"]
    first_day = min(f[name][column].min() for name, columns in DATE_COLUMNS.items() for column in columns)
    first_on_record = _quarter_key(pd.Series([first_day])).iloc[0]
    period_start, as_of = pd.Timestamp(filter_.start.first_day), pd.Timestamp(filter_.as_of)
    prev_end = pd.Timestamp(filter_.sql_params()["prev_end"])
    unit_mask = meetings["unit"].isin(filter_.units) if filter_.units else True
    current_rows = meetings[unit_mask & (meetings["date"] >= period_start) & (meetings["date"] <= as_of)]
    earlier_rows = meetings[
        unit_mask
        & (meetings["date"] >= period_start - pd.DateOffset(years=1))
        & (meetings["date"] < period_start)
        & (meetings["date"] <= prev_end)
    ]
    aggregations = dict(
        meetings=("meeting_id", "size"),
        avg_duration_min=("duration_min", "mean"),
        merged=("merged", "sum"),
        prereviewed=("agenda_prereviewed", "sum"),
        attended=("attended_by_team", "sum"),
    )
    current = current_rows.groupby(_quarter_key(current_rows["date"])).agg(**aggregations)
    earlier = earlier_rows.groupby(_quarter_key(earlier_rows["date"]) + 10).agg(**aggregations)
    series = [q.key for q in filter_.quarters]
    out = pd.DataFrame({"quarter_key": series})
    out["year"], out["quarter"] = out["quarter_key"] // 10, out["quarter_key"] % 10
    out["through_day"] = [min(q.last_day, filter_.as_of) for q in filter_.quarters]
    recorded = np.array([q.first_day <= filter_.as_of for q in filter_.quarters])
    current, earlier = current.reindex(series), earlier.reindex(series)
    out["meetings"] = np.where(recorded, current["meetings"].fillna(0).to_numpy(), np.nan)
    out["avg_duration_min"] = current["avg_duration_min"].to_numpy()
    for column in ("merged", "prereviewed", "attended"):
        out[column] = np.where(recorded, current[column].fillna(0).to_numpy(), np.nan)
    known = recorded & np.array([first_on_record <= key - 10 < filter_.start.key for key in series])
    out["prev_meetings"] = np.where(known, earlier["meetings"].fillna(0).to_numpy(), np.nan)
    out["prev_avg_duration_min"] = np.where(known, earlier["avg_duration_min"].to_numpy(), np.nan)
    return out


def pandas_issues_by_category(f: dict[str, pd.DataFrame], filter_: Filter) -> pd.DataFrame:
    counts = _scoped(f["issues"], "date_raised", filter_).groupby("category").size().rename("issues").reset_index()
    return counts.sort_values(["issues", "category"], ascending=[False, True]).reset_index(drop=True)


def pandas_reminders_by_form(f: dict[str, pd.DataFrame], filter_: Filter) -> pd.DataFrame:
    counts = _scoped(f["reminders"], "date", filter_).groupby("form").size().rename("reminders")
    order = [form for form in ("written", "in_person", "meeting") if form in counts.index]
    return counts.reindex(order).rename_axis("form").reset_index()


PANDAS = {
    "kpi_totals": pandas_kpi_totals,
    "issues_suggestions_by_unit": pandas_issues_suggestions_by_unit,
    "meetings_by_quarter": pandas_meetings_by_quarter,
    "issues_by_category": pandas_issues_by_category,
    "reminders_by_form": pandas_reminders_by_form,
}


def _plan(filter_: Filter) -> list[tuple[str, Filter]]:
    return [
        ("kpi_totals", filter_),
        ("kpi_totals", filter_.previous_year()),
        *((spec.query, filter_) for spec in charts.OVERVIEW_CHARTS),
    ]


def _same(ours: pd.DataFrame, theirs: pd.DataFrame) -> bool:
    if list(ours.columns) != list(theirs.columns) or len(ours) != len(theirs):
        return False
    for column in ours.columns:
        a, b = ours[column].reset_index(drop=True), theirs[column].reset_index(drop=True)
        if pd.api.types.is_numeric_dtype(a) or pd.api.types.is_numeric_dtype(b):
            if not np.allclose(a.astype(float), b.astype(float), equal_nan=True):
                return False
        elif list(a.map(_text)) != list(b.map(_text)):
            return False
    return True


def _text(value) -> str:
    return (
        str(pd.Timestamp(value).date())
        if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat")
        else str(value)
    )


def _total(runs) -> tuple[float, dict[str, float]]:
    """Median over RUNS of the whole set, and each query's median."""
    totals, per_query = [], {}
    for _ in range(RUNS):
        started = time.perf_counter()
        for label, action in runs:
            began = time.perf_counter()
            action()
            per_query.setdefault(label, []).append(time.perf_counter() - began)
        totals.append(time.perf_counter() - started)
    return statistics.median(totals), {k: statistics.median(v) for k, v in per_query.items()}


def run(folder: Path) -> dict[str, object]:
    connection = store.open_folder(folder)
    span = queries.data_span(connection)
    filter_ = span.resolve(span.default_filter())
    frames = checked_folder.read_folder(folder)
    for name, columns in DATE_COLUMNS.items():  # the baseline gets proper datetime64 columns, untimed
        for column in columns:
            frames[name][column] = pd.to_datetime(frames[name][column])
    # the default view (a first visit), and the same view narrowed to one unit (what a leader's filter change asks;
    # queries.run is uncached, as the page's cache misses are)
    views = {"": filter_, "one_unit_": filter_.with_units(span.unit_ids[:1])}
    result: dict[str, object] = {"rows": {name: len(frame) for name, frame in frames.items()}}
    for prefix, view in views.items():
        plan = _plan(view)
        labels = [f"{name}{' (year before)' if i == 1 else ''}" for i, (name, _) in enumerate(plan)]
        same = all(_same(queries.run(connection, name, f), PANDAS[name](frames, f)) for name, f in plan)
        ours_total, ours_each = _total(
            [(label, lambda n=name, f=f: queries.run(connection, n, f)) for label, (name, f) in zip(labels, plan)]
        )
        pandas_total, pandas_each = _total(
            [(label, lambda n=name, f=f: PANDAS[n](frames, f)) for label, (name, f) in zip(labels, plan)]
        )
        result |= {
            f"{prefix}same_results": same,
            f"{prefix}ours_s": ours_total,
            f"{prefix}pandas_s": pandas_total,
            f"{prefix}ours_each_s": ours_each,
            f"{prefix}pandas_each_s": pandas_each,
        }
    result["threads"] = connection.execute("select current_setting('threads')").fetchone()[0]
    return result
