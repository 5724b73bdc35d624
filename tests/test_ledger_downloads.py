"""What the 数据 page and the lists hand out as .xlsx, read back as a person opens it: unknown values blank."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from oversight.contract.schema import TABLES
from oversight.data import store
from oversight.export.data_files import table_xlsx_bytes
from oversight.ingest import checked_folder, workbook


def test_the_issues_ledger_downloads_with_open_issues_left_blank():
    """数据 → 问题：当前数据 gave no file at all: the store's rectification dates of open issues are NaT, which the
    writer did not know for a missing value (ValueError: NaTType does not support isocalendar)."""
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    frame = connection.cursor().table("issues").df()
    assert frame["rectified_date"].isna().any()
    units = checked_folder.read_folder(store.SAMPLE_DATA_DIR)["units"]
    book = openpyxl.load_workbook(io.BytesIO(workbook.ledger_xlsx_bytes(TABLES["issues"], frame, units)))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    column = header.index(TABLES["issues"].column("rectified_date").zh)
    cells = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(cells) == len(frame) == 27  # every issue on record, 2019 and 2020
    assert sum(cell is None for cell in cells) == int(frame["rectified_date"].isna().sum())


def test_a_lists_unknown_values_are_blank_cells_not_the_text_na():
    """An open issue's 整改用时（天） read "<NA>" in the list's Excel (pandas' NA written as text)."""
    table = pd.DataFrame({"问题编号": ["WT1", "WT2"], "整改用时（天）": pd.array([12, pd.NA], dtype="Int64")})
    table["整改完成日期"] = [pd.Timestamp("2020-05-01"), pd.NaT]
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx_bytes(table))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][1] == 12 and rows[1][1] is None and rows[1][2] is None


def test_a_unit_accounts_lists_and_pictures_name_its_unit_not_all_one_units():
    """The 查看清单 dialog of a unit account said 全部1家综合监督单位 under a header naming 省信访局: the export context
    is built from the filter as the queries apply it."""
    from oversight.auth.roles import Account
    from oversight.data import queries
    from oversight.ui.page import Page

    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    span = queries.data_span(connection)
    units = queries.run(connection, "units")
    account = Account("xinfang", "unit", ("petitions",))
    page = Page("zh", span.default_filter(), span, str(store.SAMPLE_DATA_DIR), "x", units, account)
    assert page.export_context.scope() == "省信访局"
    assert "省信访局" in page.export_context.subtitle() and "全部" not in page.export_context.subtitle()
