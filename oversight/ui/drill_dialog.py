"""From a figure to the list behind it, in a dialog: a key figure's 查看清单 button, or a click on a bar that
stands for a code (a category, a source), asks for the list; the card or chart that asked opens it on the same run.

The request lives in the session for one run only (taken when the dialog opens): closing the dialog and using the
page does not bring it back.
"""

from __future__ import annotations

import streamlit as st

from oversight.core import safe_text
from oversight.present import drill
from oversight.ui import grid, partial_runs, session
from oversight.ui.page import Page

REQUEST_KEY = "oversight.drill_request"  # (source, code): a list's key for a card, a chart's key for a bar


def request(source: str, code: str | None = None) -> None:
    st.session_state[REQUEST_KEY] = (source, code)


def request_from_click(source: str, points: list[dict[str, object]]) -> None:
    """A bar's click (``chart_view.show``'s ``on_points``): its customdata is the code it stands for."""
    codes = [point.get("customdata") for point in points if point.get("customdata")]
    if codes:
        code = codes[0][0] if isinstance(codes[0], list) else codes[0]
        request(source, str(code))
        # a fresh chart key drops the selection highlight, and a second click on the same bar asks again
        st.session_state[session.SELECTION_VERSION] = st.session_state.get(session.SELECTION_VERSION, 0) + 1


def open_if_requested(page: Page, sources: set[str] | frozenset[str]) -> None:
    """Open the requested list if one of ``sources`` asked for it (each card row and chart asks for its own)."""
    asked = st.session_state.get(REQUEST_KEY)
    if not asked or asked[0] not in sources:
        return
    del st.session_state[REQUEST_KEY]
    source, code = asked
    behind = drill.list_for(source)
    rows = behind.rows(page.query(behind.query), code)
    # a dialog's title is set when it is made: made per request, titled with what the list is and its count
    partial_runs.dialog(behind.title(page.lang, len(rows), code, _as_of(page)), width="large")(_list_body)(
        page, behind, code
    )


def _as_of(page: Page) -> str:
    """The day the list's statuses are taken at, as the page's tables write it."""
    from oversight.present.summary import date_text

    return date_text(page.filter.as_of, page.lang)


def _list_body(page: Page, behind: drill.ListBehind, code: str | None) -> None:
    from oversight.ui.cards import table_download_buttons  # the audited table downloads of the pages

    context = page.export_context
    # the pictures' subtitle is plain text (Plotly escapes it on its own): here Markdown, whose unit names drew a
    # $$…$$ formula and a [link](…) over the list
    st.caption(safe_text.markdown(context.subtitle()))
    table = behind.table(page.query(behind.query), page.lang, code, page.units)
    if table.empty:
        st.info(page.t("empty.nothing_to_list"))
        return
    grid.data_table(table, page.lang)
    if not page.can_download:
        return
    stem = context.file_stem(behind.file_what(page.lang, code))
    title = behind.title(page.lang, len(table), code, _as_of(page))
    # side by side at the left
    table_download_buttons(st.container(horizontal=True), page, table, stem, title, "drill.download")
