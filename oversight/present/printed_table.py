"""A table as paper takes it: every column within the page's width, long text wrapped, every row (up to a cap).

On screen a table is Streamlit's data grid, drawn on a canvas as wide as its columns need and scrolled sideways and
down inside its card. Printed (Ctrl+P), the canvas printed as the screen showed it: an English issues list 1,710 px
wide in a card of 646 px lost its last columns at the paper's edge, and a list of 16 rows in a card of 10 its last
six. The page prints this HTML table in the grid's place instead (``ui/grid.py`` writes both, app.css shows one).
"""

from __future__ import annotations

import datetime
import html
import re

import pandas as pd

from oversight.core.numbers import fixed, is_missing, plain

# More rows than a few printed pages hold are left to the downloads (a ledger of thousands of rows sent to the
# browser a second time, hidden, on every rerun, for a print nobody reads to the end); the note says so.
MOST_PRINTED_ROWS = 300
PRINTED_CLASS = "oversight-print-table"
_NUMBER = ' class="num"'  # right-aligned, as the grid aligns numbers
_WHOLE = ' class="whole"'  # kept on one line: an issue's number or a date broken at its hyphen read as two
_MOST_WHOLE_CHARACTERS = 10  # WT2020-012, 2020-04-19


# Broken anywhere (app.css): a cell holding a run no line can break between words, a URL pasted into 问题描述 or a
# 60-character word, kept its column as wide as itself and pushed the table past the paper's edge. Only such a cell:
# breaking every cell anywhere let the widths follow the longest cells and broke "In progr / ess".
_UNBROKEN = ' class="unbroken"'
# Chinese breaks between any two characters; a run of other characters without a space this long breaks nowhere
_UNBROKEN_RUN = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]{25,}")


def _cell(text: str, number: bool) -> str:
    kept = len(text) <= _MOST_WHOLE_CHARACTERS and not any(ch.isspace() for ch in text) and text.isascii()
    unbroken = not number and not kept and _UNBROKEN_RUN.search(text) is not None
    kind = _NUMBER if number else _WHOLE if kept else _UNBROKEN if unbroken else ""
    return f"<td{kind}>{html.escape(text)}</td>"


def cell_text(value: object, one_place: bool, missing: str) -> str:
    """A cell as the grid shows it: ``missing`` for an unknown value, a date as 2020-03-31, numbers of a one-place
    column to one place (70.0), other numbers as they are."""
    if is_missing(value):
        return missing
    if isinstance(value, (pd.Timestamp, datetime.datetime)):
        moment = pd.Timestamp(value)
        return moment.strftime("%Y-%m-%d") if moment == moment.normalize() else moment.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return fixed(value, 1) if one_place else plain(value, 4)
    return str(value)


def html_table(frame: pd.DataFrame, one_place: list[str], missing: str, cut_note: str | None = None) -> str:
    """``frame`` as an escaped HTML table of its first ``MOST_PRINTED_ROWS`` rows, and ``cut_note`` under it where
    the frame has more."""
    numeric = {name for name in frame.columns if pd.api.types.is_numeric_dtype(frame[name])}
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in frame.columns)
    rows = []
    for values in frame.head(MOST_PRINTED_ROWS).itertuples(index=False):
        cells = (
            _cell(cell_text(value, name in one_place, missing), name in numeric)
            for name, value in zip(frame.columns, values)
        )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = f"<p>{html.escape(cut_note)}</p>" if cut_note and len(frame) > MOST_PRINTED_ROWS else ""
    return (
        f'<div class="{PRINTED_CLASS}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{note}</div>"
    )
