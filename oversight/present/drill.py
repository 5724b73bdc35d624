"""From a figure to the list behind it: which rows a key figure or a bar counts, as a table a person reads.

A list is one of the existing one-row-per-item queries (``issues_in_view``, ``overdue_issues``,
``suggestions_in_view``), each written with the same period, unit and status definitions as the figures that
count it (see their SQL headers); a bar narrows it by the code the bar stands for (a category, a source). So
the list never recomputes a figure: its length is the figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from oversight.core import i18n
from oversight.core.numbers import grouped
from oversight.present import tables


@dataclass(frozen=True)
class ListBehind:
    """The list behind a figure: the query whose rows it counts, how they are shown, and for a bar, the column
    whose code the bar stands for."""

    key: str
    query: str
    columns: Sequence[tables.TableColumn]
    unit_key: str  # how the count is written: 个 (issues), 条 (suggestions)
    match_column: str | None = None
    # an issue's status and days are counted at the period's end: the title says that day, as the page's table does
    # (a dialog of 2020年第3季度 said 数据截至2020年12月31日 over issues 164 days overdue at 30 September)
    dated: bool = False

    def rows(self, frame: pd.DataFrame, code: str | None = None) -> pd.DataFrame:
        """The query's rows the figure counts: all of them for a key figure, those of ``code`` for a bar."""
        if self.match_column is None or code is None:
            return frame
        return frame[frame[self.match_column] == code]

    def table(
        self, frame: pd.DataFrame, lang: str, code: str | None = None, units: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        return tables.present(self.rows(frame, code), self.columns, lang, units)

    def title(self, lang: str, count: int, code: str | None = None, as_of: str = "") -> str:
        """``指出问题（16个，截至2020年12月31日）`` / ``指出问题：决策程序（3个，…）``: what the list is and how
        many, as the figure says it, and for a list of issues the day their statuses are taken at (``as_of``)."""
        what = i18n.t(f"drill.{self.key}", lang)
        if code is not None:
            what = i18n.t("drill.of_code", lang, what=what, code=i18n.code_label(code, lang))
        count_text = i18n.t(self.unit_key, lang, value=grouped(count))  # as its card writes it: 7,220
        if self.dated and as_of:
            return i18n.t("drill.title_as_of", lang, what=what, count=count_text, as_of=as_of)
        return i18n.t("drill.title", lang, what=what, count=count_text)

    def file_what(self, lang: str, code: str | None = None) -> str:
        """The "what" of the download's file name: ``问题清单`` or ``问题清单_决策程序``."""
        what = i18n.t(f"export.file.{self.query}", lang)  # the list's one name, as its table and the ZIP have it
        return what if code is None else f"{what}_{i18n.code_label(code, lang)}"


ISSUES = ListBehind("issues", "issues_in_view", tables.ISSUE_COLUMNS, "unit.count", dated=True)
OVERDUE = ListBehind("overdue", "overdue_issues", tables.OVERDUE_COLUMNS, "unit.count", dated=True)
SUGGESTIONS = ListBehind("suggestions", "suggestions_in_view", tables.SUGGESTION_COLUMNS, "unit.items")

# Bars that open their list: the chart's key → the list, narrowed by the bar's code (the bar's customdata).
BY_CHART = {
    "issues_by_category": ListBehind(
        "issues", "issues_in_view", tables.ISSUE_COLUMNS, "unit.count", "category", dated=True
    ),
    "issues_by_source": ListBehind(
        "issues", "issues_in_view", tables.ISSUE_COLUMNS, "unit.count", "source", dated=True
    ),
    "suggestions_by_category": ListBehind(
        "suggestions", "suggestions_in_view", tables.SUGGESTION_COLUMNS, "unit.items", "category"
    ),
}

# Key figures that open their list: the card's key → the list (the card counts exactly its rows).
OVERVIEW_CARDS = {"issues": ISSUES, "suggestions": SUGGESTIONS}
ISSUE_CARDS = {"issues": ISSUES, "overdue": OVERDUE}
SUGGESTION_CARDS = {"suggestions": SUGGESTIONS}

_BY_KEY = {"issues": ISSUES, "overdue": OVERDUE, "suggestions": SUGGESTIONS}


def list_for(source: str) -> ListBehind:
    """The list a drill request names: a chart's key (a bar) or a list's key (a card)."""
    return BY_CHART.get(source) or _BY_KEY[source]
