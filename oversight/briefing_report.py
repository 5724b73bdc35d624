"""The briefing's content, gathered once and laid out by each format (PPTX, DOCX, PDF, ZIP).

Keeping content apart from layout means the three documents say the same
thing, and each chart image is rendered once and reused by all of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from oversight import charts
from oversight.export_data import chart_data_table
from oversight.export_names import ExportContext, is_whole_year
from oversight.kpis import Kpi

# Fonts the documents ask for. Word and PowerPoint on the team's Windows PCs have these;
# elsewhere (LibreOffice, WPS on Linux) fontconfig substitutes Noto Sans CJK.
LATIN_FONT = "Arial"
CJK_SANS = "Microsoft YaHei"
CJK_BODY = "SimSun"
CJK_HEADING = "SimHei"
# The open-issue table's columns in the documents (the ZIP's CSV has every column).
_OPEN_ISSUE_COLUMNS = ("name_zh", "name_en", "date_raised", "category", "description", "status")
# For the HTML → PDF print: the fonts Debian's fonts-noto-cjk installs.
HTML_FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'


@dataclass(frozen=True)
class ChartSection:
    """One chart of the briefing: its spec, data, one-line reading and (unless empty) its rendered PNG."""

    spec: charts.ChartSpec
    title: str
    frame: pd.DataFrame
    takeaway: str
    png: bytes | None  # None where the selection has no data for this chart
    pixel_size: tuple[int, int]  # of the PNG, for laying it out at the right aspect ratio
    file_stem: str

    @property
    def aspect(self) -> float:
        width, height = self.pixel_size
        return height / width if width else 9 / 16


@dataclass(frozen=True)
class Report:
    context: ExportContext
    team: str
    kpis: list[Kpi]
    summary: list[str]
    sections: list[ChartSection]
    open_issues: pd.DataFrame  # the open_issues query's frame

    @property
    def lang(self) -> str:
        return self.context.lang

    def t(self, key: str, **params: object) -> str:
        return self.context.t(key, **params)

    @property
    def period_name(self) -> str:
        """``2020年度`` for a whole year, else the quarter range: what the title says."""
        filter_ = self.context.filter
        if is_whole_year(filter_):
            return self.t("export.briefing.year_period", year=filter_.start.year)
        return self.context.period()

    @property
    def title(self) -> str:
        return self.t("export.briefing.title", period=self.period_name)

    @property
    def period_end(self) -> date:
        return self.context.filter.end.last_day

    def footer(self) -> str:
        return self.t("export.briefing.footer", team=self.team, period=self.context.period(),
                      data_date=self.context.data_date_text())

    def meta_lines(self) -> list[str]:
        return [
            self.t("export.briefing.scope", scope=self.context.scope()),
            self.t("export.briefing.period", period=self.context.period()),
            self.t("export.briefing.data_date", data_date=self.context.data_date_text()),
        ]


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, (pd.Timestamp, date)):
        return value.strftime("%Y-%m-%d")
    return str(value)


def open_issue_rows(report: Report) -> tuple[list[str], list[list[str]]]:
    """Header and rows (numbered) of the open-issue table in the report's language; DOCX and PDF share it."""
    frame = report.open_issues[[c for c in _OPEN_ISSUE_COLUMNS if c in report.open_issues]]
    table = chart_data_table(frame, report.lang)
    rows = [[str(number), *map(_cell_text, values)] for number, values in enumerate(table.itertuples(index=False), 1)]
    return [report.t("export.briefing.row_number"), *map(str, table.columns)], rows
