"""One line under each chart in the briefing: what a reader should take from it, computed from its data.

Charts the Overview does not know yet (added by later pages) get a plain
total, so a new ``ChartSpec`` never breaks the briefing.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd

from oversight import charts, i18n
from oversight.kpis import percent_change, round_half_up
from oversight.schema import CATEGORIES, REMINDER_FORMS
from oversight.summary import code_label, count, join_list


def _leaders(frame: pd.DataFrame, value: str, label: Callable[[pd.Series], str]) -> tuple[list[str], int]:
    """The rows sharing the largest value (ties are named together) and that value."""
    top = int(frame[value].max())
    return [label(row) for _, row in frame[frame[value] == top].iterrows()], top


def _named(names: list[str], lang: str, most: int = 3) -> str:
    return join_list(names if len(names) <= most else names[:most] + ["…"], lang)


def _issues_suggestions_by_unit(frame: pd.DataFrame, lang: str) -> str:
    name = "name_zh" if lang == "zh" else "name_en"
    leaders, top = _leaders(frame, "issues", lambda row: row[name])
    return i18n.t("export.takeaway.top_units" + ("_tie" if len(leaders) > 1 else ""), lang,
                  units=_named(leaders, lang), count=count(top, "issues", lang), n=top,
                  issues=count(frame["issues"].sum(), "issues", lang),
                  suggestions=count(frame["suggestions"].sum(), "suggestions", lang))


def _meetings_by_quarter(frame: pd.DataFrame, lang: str) -> str:
    now, before = int(frame["meetings"].sum()), int(frame["prev_meetings"].sum())
    meetings = count(now, "meetings", lang)
    change = percent_change(now, before)
    if change is None:
        return i18n.t("export.takeaway.meetings_plain", lang, meetings=meetings)
    rounded = round_half_up(change, 1)
    fewer = int((frame["meetings"] < frame["prev_meetings"]).sum())
    if fewer == len(frame) and rounded < 0:
        return i18n.t("export.takeaway.meetings_all_fewer", lang, meetings=meetings, percent=abs(rounded))
    key = "down" if rounded < 0 else "up" if rounded > 0 else "same"
    return i18n.t("export.takeaway.meetings_some_fewer", lang, meetings=meetings, fewer=fewer,
                  change=i18n.t(f"export.takeaway.change_{key}", lang, percent=abs(rounded)))


def _issues_by_category(frame: pd.DataFrame, lang: str) -> str:
    leaders, top = _leaders(frame, "issues", lambda row: code_label(CATEGORIES, row["category"], lang))
    total = int(frame["issues"].sum())
    tie = len(leaders) > 1
    return i18n.t("export.takeaway.top_category" + ("_tie" if tie else ""), lang,
                  categories=_named(leaders, lang), count=count(top, "issues", lang), n=top,
                  share=round_half_up(top / total * 100, 1), total=count(total, "issues", lang))


def _reminders_by_form(frame: pd.DataFrame, lang: str) -> str:
    leaders, top = _leaders(frame, "reminders", lambda row: code_label(REMINDER_FORMS, row["form"], lang))
    return i18n.t("export.takeaway.top_reminder" + ("_tie" if len(leaders) > 1 else ""), lang,
                  total=count(frame["reminders"].sum(), "reminders", lang), forms=_named(leaders, lang),
                  count=count(top, "reminders", lang), n=top)


_TAKEAWAYS: dict[str, Callable[[pd.DataFrame, str], str]] = {
    "issues_suggestions_by_unit": _issues_suggestions_by_unit,
    "meetings_by_quarter": _meetings_by_quarter,
    "issues_by_category": _issues_by_category,
    "reminders_by_form": _reminders_by_form,
}


def takeaway(spec: charts.ChartSpec, frame: pd.DataFrame, lang: str) -> str:
    """The one-line reading of ``spec``'s chart for this data."""
    lang = i18n.normalise_language(lang)
    if charts.is_empty(frame, spec.value_columns):
        return i18n.t("export.takeaway.no_data", lang)
    builder = _TAKEAWAYS.get(spec.key)
    if builder is not None:
        return builder(frame, lang)
    total = frame[spec.value_columns[0]].sum()
    return i18n.t("export.takeaway.generic", lang, title=spec.title(lang), total=f"{round_half_up(total, 1):,}".removesuffix(".0"))
