"""A fill-in ``.xlsx`` template per table, so staff type values the import accepts.

Each template has the contract's Chinese headers, a comment on each header
saying what goes there, and Excel's own data validation: drop-down lists for
units, enumerations and 是/否, a date range for dates, whole numbers for
counts. The lists live on a hidden sheet because an inline list is limited to
255 characters, which nine unit names exceed.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import xlsxwriter

from oversight.contract.schema import (
    BOOL,
    DATE,
    ENUM,
    INT,
    REF,
    SLUG,
    TEXT,
    UNIT,
    Column,
    Table,
)
from oversight.core import atomic, i18n
from oversight.ingest import workbook
from oversight.ingest.cell_text import column_letter
from oversight.ingest.cells import EARLIEST_YEAR, LATEST_YEAR
from oversight.ingest.problems import Choices

TEMPLATE_ROWS = 2000  # rows that carry the validation; more can be added by copying a row
_FIXED_CREATED = datetime(2021, 1, 1)  # a fixed timestamp keeps the bytes reproducible


def _describe(column: Column, lang: str) -> str:
    """The header comment: name, required or not, and what is accepted."""
    if column.kind == ENUM:
        kind = i18n.t("data.template.kind.enum", lang, allowed=Choices.of(column.choices).text(lang))
    elif column.kind == INT and column.minimum is not None and column.maximum is not None:
        kind = i18n.t("data.template.kind.int_range", lang, minimum=column.minimum, maximum=column.maximum)
    elif column.kind == INT and column.minimum is not None:
        kind = i18n.t("data.template.kind.int_min", lang, minimum=column.minimum)
    else:
        kind = i18n.t(f"data.template.kind.{column.kind}", lang)
    need = i18n.t("data.template.required" if column.required else "data.template.optional", lang)
    lines = [f"{column.zh} ({column.name})", f"{need} · {kind}"]
    if column.unique and column.kind != SLUG:
        lines.append(i18n.t("data.template.unique", lang))
    return "\n".join(lines)


def _list_values(column: Column, units: pd.DataFrame | None) -> list[str] | None:
    """The drop-down values of a column, written as clerks write them (Chinese labels and names)."""
    if column.kind == ENUM:
        return list(column.choices.values())
    if column.kind == BOOL:
        return ["是", "否"]
    if column.kind == UNIT and units is not None and not units.empty:
        return [str(name) for name in units["name_zh"]]
    return None


def template_xlsx_bytes(table: Table, units: pd.DataFrame | None = None, lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The template's bytes; ``units`` (the current units table) feeds the unit drop-down."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    book.set_properties({"title": table.zh, "created": _FIXED_CREATED})
    sheet = book.add_worksheet(table.zh)
    options = book.add_worksheet(i18n.t("data.template.sheet_options", lang))
    header_format = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    required_format = book.add_format({"bold": True, "bg_color": "#FCE8D5", "border": 1, "text_wrap": True})
    formats = {
        DATE: book.add_format({"num_format": "yyyy-mm-dd"}),
        TEXT: book.add_format({"num_format": "@"}),
        SLUG: book.add_format({"num_format": "@"}),
        REF: book.add_format({"num_format": "@"}),
    }
    error_title = i18n.t("data.template.error_title", lang)
    last = TEMPLATE_ROWS
    options_column = 0
    for position, column in enumerate(table.columns):
        sheet.write_string(0, position, column.zh, required_format if column.required else header_format)
        sheet.write_comment(0, position, _describe(column, lang), {"x_scale": 2.2, "y_scale": 1.6})
        sheet.set_column(
            position, position, 14 if column.kind in (DATE, BOOL, ENUM, INT) else 20, formats.get(column.kind)
        )
        values = _list_values(column, units)
        if values:
            # The options sheet's own header must not look like a table's header to the detector.
            options.write_string(0, options_column, f"{column.zh}·{i18n.t('data.template.sheet_options', lang)}")
            for index, value in enumerate(values, start=1):
                options.write_string(index, options_column, str(workbook.neutralise_formula(value)))
            letter = column_letter(options_column)
            source = f"='{options.get_name()}'!${letter}$2:${letter}${len(values) + 1}"
            sheet.data_validation(
                1,
                position,
                last,
                position,
                {
                    "validate": "list",
                    "source": source,
                    "error_title": error_title,
                    "error_message": i18n.t("data.template.error_list", lang),
                },
            )
            options_column += 1
        elif column.kind == DATE:
            sheet.data_validation(
                1,
                position,
                last,
                position,
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": date(EARLIEST_YEAR, 1, 1),
                    "maximum": date(LATEST_YEAR, 12, 31),
                    "error_title": error_title,
                    "error_message": i18n.t("data.template.error_date", lang),
                },
            )
        elif column.kind == INT:
            sheet.data_validation(
                1,
                position,
                last,
                position,
                {
                    "validate": "integer",
                    "criteria": "between",
                    "minimum": column.minimum if column.minimum is not None else -(2**31),
                    "maximum": column.maximum if column.maximum is not None else 2**31 - 1,
                    "error_title": error_title,
                    "error_message": i18n.t("data.template.error_int", lang),
                },
            )
    sheet.freeze_panes(1, 0)
    options.hide()
    book.close()
    return buffer.getvalue()


def write_template(
    path: Path, table: Table, units: pd.DataFrame | None = None, lang: str = i18n.DEFAULT_LANGUAGE
) -> Path:
    atomic.write_bytes(Path(path), template_xlsx_bytes(table, units, lang))
    return Path(path)
