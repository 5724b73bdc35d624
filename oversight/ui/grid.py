"""Every table on screen goes through ``data_table``: one place that says how a table looks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from oversight.core import i18n
from oversight.core.numbers import grouped
from oversight.present import printed_table, tables


def data_table(frame: pd.DataFrame, lang: str, *, height: int | None = None) -> None:
    """A sortable table as wide as its card. A missing value (the rectified date of an open issue, a meeting
    without a length) shows as "—", not as Streamlit's grey "None", which reads like a value in English and
    means nothing in Chinese; the cell keeps its type, so the column still sorts as numbers or dates."""
    # numbers to one place keep it on every row (70.0 beside 75.7, not 70), still sorting as numbers
    one_place = [name for name in frame.attrs.get(tables.ONE_DECIMAL_PLACE, ()) if name in frame.columns]
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=height or "auto",
        placeholder=i18n.t("table.missing", lang),
        column_config={
            **{name: st.column_config.Column(help=text) for name, text in _header_help(frame, lang).items()},
            **{name: st.column_config.NumberColumn(format="%.1f") for name in one_place},
        },
    )
    # the grid is a canvas scrolled inside its card: printed, it lost the columns and rows past the card's edges;
    # paper gets this table instead, which wraps to the page's width (app.css shows one or the other)
    cut_note = i18n.t("table.print_cut", lang, shown=printed_table.MOST_PRINTED_ROWS, count=grouped(len(frame)))
    st.html(printed_table.html_table(frame, one_place, i18n.t("table.missing", lang), cut_note))


def _header_help(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """A ledger's headers (``workbook.to_office_values``) name their contract column in a hover, for the admin who
    writes a file by those names, not as the headers a leader reads (the English preview's headers were issue_id…)."""
    from oversight.ingest.workbook import CONTRACT_NAMES

    names = frame.attrs.get(CONTRACT_NAMES, {})
    return {header: i18n.t("ledger.column.help", lang, name=name) for header, name in names.items() if header in frame}
