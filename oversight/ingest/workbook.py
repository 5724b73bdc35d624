"""Write a contract table as the office's own kind of workbook: Chinese headers, labels and real dates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from oversight.contract.schema import BOOL, DATE, ENUM, UNIT, Table
from oversight.core import atomic, i18n
from oversight.core.numbers import is_missing
from oversight.ingest.cell_text import FORMULA_PREFIXES


def neutralise_formula(value: object) -> object:
    """Text that a spreadsheet would run as a formula is prefixed with an apostrophe (CSV: a text file has no other way)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_text(sheet: Any, row: int, column: int, text: str, quoted: Any, cell_format: Any = None) -> None:
    """A text cell of an xlsx. Text a spreadsheet would run as a formula (``=…``, ``-会议偏多``) gets Excel's own
    hidden quote prefix (``quoted``: a format with ``quote_prefix``), so the cell shows the text as it is and stays
    text when someone edits it; a visible apostrophe showed as part of the text (``'-会议偏多``)."""
    if text.startswith(FORMULA_PREFIXES):
        sheet.write_string(row, column, text, quoted)
    else:
        sheet.write_string(row, column, text, cell_format)


def to_office_values(
    table: Table, frame: pd.DataFrame, units: pd.DataFrame | None, lang: str = i18n.CONTRACT_LANGUAGE
) -> pd.DataFrame:
    """Codes → labels, unit ids → names, booleans → 是/否, under the ledger's headers: how clerks write them.

    In Chinese (the default) this is the ledger as the data folder keeps it. In English, the same table as the
    English page shows it: English headers a leader reads (Meeting date, not the contract's ``date``), the codes'
    English labels and the units' English names. ``attrs[CONTRACT_NAMES]`` maps each header to its contract
    column's name, for whoever needs it (a header's help on screen)."""
    names = dict(zip(units["unit_id"], units[i18n.localized_column("name", lang)])) if units is not None else {}
    yes, no = i18n.t("value.yes", lang), i18n.t("value.no", lang)
    office = pd.DataFrame(index=frame.index)
    for column in table.columns:
        values = frame[column.name].astype(object)
        if column.kind == ENUM:
            values = values.map(lambda v, c=column: i18n.choice_label(c.choices, v, lang) if v is not None else None)
        elif column.kind == UNIT:
            values = values.map(lambda v: names.get(v, v) if v is not None else None)
        elif column.kind == BOOL:
            values = values.map(lambda v: None if v is None or v != v else (yes if v else no))
        office[header_for(table, column.name, lang)] = values
    office.attrs[CONTRACT_NAMES] = {header_for(table, column.name, lang): column.name for column in table.columns}
    return office


CONTRACT_NAMES = "contract_names"


def header_for(table: Table, column: str, lang: str = i18n.CONTRACT_LANGUAGE) -> str:
    """A contract column's header in ``lang``: the ledger's own Chinese header, or its English label."""
    if i18n.normalise_language(lang) == i18n.CONTRACT_LANGUAGE:
        return table.column(column).zh
    return i18n.t(f"ledger.column.{table.name}.{column}", lang)


def ledger_xlsx_bytes(
    table: Table, frame: pd.DataFrame, units: pd.DataFrame | None = None, created: datetime | None = None
) -> bytes:
    """A contract table as the data folder keeps it, the bytes of an .xlsx ledger in the office's own words.

    (Unlike ``export.data_files.table_xlsx_bytes``, which writes any frame, headers as given, for a download.)
    ``created`` fixes the timestamp so output is reproducible.
    """
    import io

    office = to_office_values(table, frame, units)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True, "strings_to_formulas": False})
    book.set_properties({"title": table.zh, "created": created or datetime(2021, 1, 1)})
    sheet = book.add_worksheet(table.zh)
    header_format = book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    quoted = book.add_format({"quote_prefix": True})
    for position, column in enumerate(table.columns):
        sheet.write_string(0, position, column.zh, header_format)
        width = 12 if column.kind in (DATE, BOOL, ENUM) else 16
        sheet.set_column(position, position, max(width, len(column.zh) * 2 + 2))
    for row_number, row in enumerate(office.itertuples(index=False), start=1):
        for position, (column, value) in enumerate(zip(table.columns, row)):
            if is_missing(value):  # None, NaN, NaT (an open issue's rectification date) and pandas' NA stay blank
                continue
            if column.kind == DATE:
                moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
                sheet.write_datetime(row_number, position, moment, date_format)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(row_number, position, value)
            else:
                write_text(sheet, row_number, position, str(value), quoted)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def write_table(
    path: Path, table: Table, frame: pd.DataFrame, units: pd.DataFrame | None = None, created: datetime | None = None
) -> None:
    """Replace ``path`` atomically with the table as a ledger workbook."""
    atomic.write_bytes(path, ledger_xlsx_bytes(table, frame, units, created))
