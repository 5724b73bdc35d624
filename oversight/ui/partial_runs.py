"""The parts of a page that rerun on their own (Streamlit fragments and dialogs), each behind the sign-in check.

A fragment or dialog reruns only its own function, with the arguments of the page run that drew it: none of
``setup_page``'s sign-in runs first. A leader narrowed to one unit (``user set NAME --unit X``) while the page was
open still searched the old all-unit table and built the all-unit briefing pack with 生成简报. Every such part is
made here, and checks, before its body, that the session's account would still be let in; where it would not, the
whole page reruns, and its sign-in ends the session with the notice a full page shows (已被管理员更改…请重新登录),
nothing of the old scope drawn or built. Pages and modules use ``fragment`` and ``dialog``, never ``st.fragment``
or ``st.dialog`` (tests/test_partial_runs.py holds them to it).

The same holds of the data: a part reran with the page run's rows, so a clerk who imported in another tab (or by the
command line) and then searched the open 问题 page's table for the row just added did not find it, until the next
full run. A part given the page (``Page``) checks first that the data folder is as that run read it (its
fingerprint, a ``stat`` of each file); where it is not, the whole page reruns on the data as it now is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import streamlit as st

from oversight.ui import sign_in

Body = TypeVar("Body", bound=Callable[..., Any])


def signed_in_first(body: Body, data_checked_by_body: bool = False) -> Body:
    """``body`` run only while the session's account would still be let in; otherwise the page reruns whole.

    ``data_checked_by_body``: the part looks at the data itself (``data_changed_on_own_run``), so that a click in it
    is kept across the page's run on the new data (the briefing panel's 生成简报材料)."""

    @functools.wraps(body)  # Streamlit tells fragments apart by their function's name
    def run(*args: Any, **kwargs: Any) -> Any:
        if not sign_in.session_still_let_in():
            # the full run's sign-in says why and asks to sign in again (and audits the end of the session)
            st.rerun(scope="app")
        if not data_checked_by_body and data_changed_on_own_run(*args, *kwargs.values()):
            st.rerun(scope="app")  # the page's run reads the folder again: every figure, and this part's rows
        return body(*args, **kwargs)

    return run  # type: ignore[return-value]


def data_changed_on_own_run(*arguments: Any) -> bool:
    """Whether this is the part's own run (``_running_on_its_own``) on data changed since the page's run drew it."""
    return _running_on_its_own() and _data_changed_since(*arguments)


def _running_on_its_own() -> bool:
    """Whether this run is the part's own (a click in it, its timer), not the page's full run that draws it.

    A full run read every figure at one fingerprint (``page.open_store``), and the part drawn in it reads the same:
    checked there too, a folder whose files kept changing (a sync tool rewriting a ledger, a slow copy over it) reran
    the page from its briefing panel on every run, for ever: 53% of a core with the Overview open and nobody at it
    (10 ticks in 30 s without the writer, 1,564 with it), and the panel and everything below it never steady."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def _data_changed_since(*arguments: Any) -> bool:
    """Whether a page among ``arguments`` was drawn from data that has changed since (an import, an undo, a file
    replaced by hand); False for a part given no page."""
    from oversight.ingest import table_files
    from oversight.ui.page import Page

    page = next((argument for argument in arguments if isinstance(argument, Page)), None)
    return page is not None and table_files.fingerprint(Path(page.folder)) != page.fingerprint


def fragment(body: Body) -> Body:
    """``st.fragment`` with the sign-in check first."""
    return st.fragment(signed_in_first(body))


def fragment_checking_data(body: Body) -> Body:
    """``fragment`` whose body looks at the data itself (``data_changed_on_own_run``) and reruns the page."""
    return st.fragment(signed_in_first(body, data_checked_by_body=True))


def fragment_every(seconds: float) -> Callable[[Body], Body]:
    """``fragment`` that also reruns on its own every ``seconds``: a part that shows what others change (the import
    history), so that it reruns the page where the data changed, and checks the sign-in, with no click."""

    def make(body: Body) -> Body:
        return st.fragment(signed_in_first(body), run_every=seconds)

    return make


def dialog(title: str, **options: Any) -> Callable[[Body], Body]:
    """``st.dialog(title, ...)`` with the sign-in check first: a dialog reruns on its own as a fragment does."""

    def make(body: Body) -> Body:
        return st.dialog(title, **options)(signed_in_first(body))

    return make
