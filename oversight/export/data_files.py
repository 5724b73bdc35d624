"""A chart's data as the office reads it: human headers, labels instead of codes, CSV with BOM and XLSX.

Every text cell that a spreadsheet would run as a formula (``=``, ``+``,
``-``, ``@``, tab, CR at the start) is neutralised: unit names and issue
descriptions come from ledgers anyone can edit.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
import xlsxwriter

from oversight.charts.style import has_own_short_names, own_short_names, quarter_labels
from oversight.contract.schema import (
    CATEGORIES,
    ISSUE_SOURCES,
    ISSUE_STATUSES,
    REMINDER_FORMS,
    SUGGESTION_STATUSES,
)
from oversight.core import i18n
from oversight.core.numbers import is_missing, round_half_up, share_values
from oversight.ingest.workbook import neutralise_formula, write_text

# Columns that hold enumeration codes, and the contract's labels for them.
_CODE_COLUMNS = {
    "category": CATEGORIES,
    "form": REMINDER_FORMS,
    "status": ISSUE_STATUSES,
    "source": ISSUE_SOURCES,
    "suggestion_status": SUGGESTION_STATUSES,
    "suggestion_category": CATEGORIES,
}
# A column name means different things in different charts: a suggestion's status is its adoption, not a
# rectification; its category is the suggestion's. Renamed per chart so header and labels are the right ones.
_CHART_COLUMNS = {
    "suggestions_by_status": {"status": "suggestion_status"},
    "suggestions_by_category": {"category": "suggestion_category"},
}
# Identifiers for the machine, not the reader; the unit's name and the quarter's label are kept instead.
_INTERNAL_COLUMNS = ("unit_id", "quarter_key", "ordinal", "short_name_en", "through_day", "comparable")
_SHEET_FORBIDDEN = str.maketrans({c: "" for c in "[]:*?/\\"})


def _header(column: str, lang: str) -> str:
    key = f"export.column.{column}"
    # A column a later chart adds without a translation keeps its own name rather than breaking the download.
    return i18n.t(key, lang) if key in i18n.catalog(i18n.normalise_language(lang)) else column


def _slices_of(chart_key: str | None) -> str | None:
    """The column a donut's slices are shares of (its ``ChartSpec.slices_of``): the table gives the shares beside the
    counts, by the same rule (half up, one place, of the slices' total). Their CSVs had the counts only; a list of the
    donuts' keys here would miss the next donut."""
    from oversight.charts.catalog import all_charts

    return next((spec.slices_of for spec in all_charts() if spec.key == chart_key), None)


def _with_chart_columns(frame: pd.DataFrame, chart_key: str | None) -> pd.DataFrame:
    if chart_key == "meeting_shares_by_quarter":  # the chart draws shares: the table gives them beside the counts
        from oversight.charts.catalog import with_meeting_shares

        frame = with_meeting_shares(frame)
    value = _slices_of(chart_key)
    if value is not None and value in frame:
        frame = frame.assign(share=[None if s is None else float(s) for s in share_values(list(frame[value]))])
    table = frame.rename(columns=_CHART_COLUMNS.get(chart_key or "", {}))
    if "quarter_key" in table and not {"year", "quarter"} <= set(table.columns):  # the heatmap's long form
        table = table.assign(year=table["quarter_key"] // 10, quarter=table["quarter_key"] % 10)
    return table


def chart_data_table(frame: pd.DataFrame, lang: str, chart_key: str | None = None) -> pd.DataFrame:
    """The query's frame as a reader's table: one unit-name column, quarter labels, code labels, headers translated.

    ``chart_key`` (a ``ChartSpec.key``) says what ambiguous columns mean in that chart.
    """
    lang = i18n.normalise_language(lang)
    table = _with_chart_columns(frame, chart_key)
    # the chart's own quarter labels, （截至8月14日） and （尚无数据） included: a CSV row "2020年第3季度, 33, 上年同期 51"
    # read as whole quarters where the picture beside it said the third ran to 14 August
    quarters = quarter_labels(table, lang) if {"year", "quarter"} <= set(table.columns) else None
    named = i18n.localized_column("name", lang) in table and has_own_short_names(table, lang)
    shorts = own_short_names(table, lang) if named else None
    table = table.drop(columns=[c for c in _INTERNAL_COLUMNS if c in table])
    own_name, other_name = i18n.localized_column("name", lang), i18n.localized_column("name", i18n.other_language(lang))
    if own_name in table:
        table = table.drop(columns=[c for c in (other_name,) if c in table]).rename(columns={own_name: "unit"})
        table.insert(0, "unit", table.pop("unit"))
        if shorts is not None:
            # as the chart names them (General Office), the full name last, as the pages' English tables do: the
            # file said "General Office of the Provincial Government" beside a picture saying General Office
            table["unit_full_name"] = table["unit"]
            table["unit"] = shorts
    if quarters is not None:
        table = table.drop(columns=["year", "quarter"])
        table.insert(1 if "unit" in table else 0, "quarter", quarters)  # the heatmap reads unit, then quarter
    for column, choices in _CODE_COLUMNS.items():
        if column in table:
            table[column] = [
                None if pd.isna(code) else i18n.choice_label(choices, code, lang) for code in table[column]
            ]
    if "link" in table:
        table["link"] = [i18n.t(f"link.{code}", lang) for code in table["link"]]
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):  # rounded as the charts and the KPI cards round
            table[column] = [None if pd.isna(v) else float(round_half_up(v, 1)) for v in table[column]]
    return table.rename(columns={column: _header(column, lang) for column in table.columns})


def _as_written(value: float) -> float | int:
    """A count as a count (32, not 32.0), anything else rounded to one place as the bars are labelled."""
    rounded = float(round_half_up(value, 1))
    return int(rounded) if rounded.is_integer() else rounded


def unit_vs_average_table(frame: pd.DataFrame, lang: str, unit_name: str) -> pd.DataFrame:
    """The unit-beside-average chart's bars (``catalog.unit_beside_average`` rows) as a reader's table: each measure
    with its unit, the unit's value (its counts as whole numbers, as its cards give them: 32次, not 32.0) and the
    all-unit average, rounded as the bars are labelled."""
    return pd.DataFrame(
        {
            i18n.t("export.column.measure", lang): [i18n.t(f"measure.axis.{m}", lang) for m in frame["measure"]],
            unit_name: [_as_written(v) for v in frame["unit"]],
            i18n.t("series.all_unit_average", lang): [float(round_half_up(v, 1)) for v in frame["average"]],
        }
    )


def compared_trends_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The compared trends' lines (``compare.trends_side_by_side`` rows): each unit's quarters, one row each, with
    the measures the small charts draw; a unit's values are never added to another's."""
    from oversight.charts.catalog import COMPARED_MEASURES

    # the short name too, where the units sheet has one: in English the unit as the chart's legend names it, its full
    # name beside it, as every other export has them (the file gave full names alone under "Unit")
    names = [c for c in ("name_zh", "name_en", "short_name_en") if c in frame]
    drawn = [column for column, _ in COMPARED_MEASURES]
    ordered = frame.sort_values(["unit_order", "quarter_key"], kind="stable")
    return chart_data_table(ordered[[*names, "year", "quarter", *drawn]], lang)


def _neutralised(table: pd.DataFrame) -> pd.DataFrame:
    safe = table.rename(columns={c: neutralise_formula(str(c)) for c in table.columns})
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    return safe


def table_csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, which is what makes Excel on Windows read Chinese correctly."""
    return _neutralised(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


_SHEET_NAME_CHARACTERS = 31  # Excel's limit


def _sheet_name(title: str) -> str:
    """The title as a sheet's name: Excel's forbidden characters out, and a title longer than Excel allows cut at a
    word with "…" ("Meetings per quarter vs a year " and "Units ranked by meeting reducti" were cut mid-word)."""
    name = title.translate(_SHEET_FORBIDDEN).strip("'").strip() or "Sheet1"
    if len(name) <= _SHEET_NAME_CHARACTERS:
        return name
    room = name[: _SHEET_NAME_CHARACTERS - 1]
    whole_words = name[len(room)] == " " or " " not in room  # Chinese has no spaces: cut where the room ends
    cut = room if whole_words else room.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:(（、，") + "…"


def table_xlsx_bytes(table: pd.DataFrame, sheet_title: str = "data") -> bytes:
    """The table as one sheet; text is always written as text, so no cell can become a formula."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    # A fixed creation time: the same data gives the same bytes.
    book.set_properties({"title": sheet_title, "created": datetime(2021, 1, 1)})
    sheet = book.add_worksheet(_sheet_name(sheet_title))
    header_format = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    quoted_header = book.add_format(
        {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "quote_prefix": True}
    )
    quoted = book.add_format({"quote_prefix": True})
    for position, column in enumerate(table.columns):
        header = str(column)
        write_text(sheet, 0, position, header, quoted_header, header_format)
        longest = max([len(header), *(len(str(v)) for v in table[column].head(200))])
        sheet.set_column(
            position, position, min(60, max(10, longest * 2 if not str(column).isascii() else longest + 2))
        )
    for row_number, row in enumerate(table.itertuples(index=False), start=1):
        for position, value in enumerate(row):
            if is_missing(value):  # None, NaN, NaT and pandas' NA (an open issue's days to rectify) stay blank
                continue
            if isinstance(value, (datetime, date, pd.Timestamp)):
                moment = pd.Timestamp(value).to_pydatetime()
                sheet.write_datetime(row_number, position, moment, date_format)
            elif isinstance(value, bool):
                sheet.write_boolean(row_number, position, value)
            elif isinstance(value, (int, float)) or pd.api.types.is_number(value):
                sheet.write_number(row_number, position, float(value))
            else:
                write_text(sheet, row_number, position, str(value), quoted)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()
