"""The parts of a page that rerun on their own (fragments, dialogs) check the sign-in first (``partial_runs``).

AppTest reruns the whole script on every interaction, never one fragment, so the check is tested on a small
script whose "whole page" is a marker: a part whose account changed must not draw its body but rerun the page.
tests/browser/test_partial_runs_browser.py narrows an account under an open page and uses the real parts.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oversight.auth import accounts, roles
from oversight.ui import session

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct-horse-battery"


def _script(kind: str) -> None:
    import streamlit as st

    from oversight.ui import partial_runs

    runs = st.session_state["test.runs"] = st.session_state.get("test.runs", 0) + 1
    if runs > 1:  # the page run again: in the app, its sign-in ends the session with the notice
        st.markdown("the whole page ran again")
        st.stop()

    def rows() -> None:
        st.markdown("rows of the old scope")

    if kind == "fragment":
        partial_runs.fragment(rows)()
    else:
        partial_runs.dialog("list")(rows)()


def _app(kind: str, username: str | None) -> AppTest:
    at = AppTest.from_function(_script, args=(kind,), default_timeout=30)
    if username is not None:
        at.session_state[session.ACCOUNT_KEY] = next(a for a in accounts.list_users() if a.username == username)
        at.session_state[session.ACCOUNT_FINGERPRINT_KEY] = accounts.account_fingerprint(username)
    return at


def _shown(at: AppTest) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    return [m.value for m in at.markdown]


@pytest.fixture
def leader():
    accounts.add_user("chief", PASSWORD, roles.ADMIN)
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    return "leader"


@pytest.mark.parametrize("kind", ["fragment", "dialog"])
def test_a_part_of_the_page_draws_nothing_for_an_account_narrowed_since_and_reruns_the_page(leader, kind):
    at = _app(kind, leader)
    accounts.change_user(leader, role=roles.UNIT, units=["gov_office"])  # `user set leader --unit gov_office`
    at.run()
    assert _shown(at) == ["the whole page ran again"]


@pytest.mark.parametrize("change", ["disabled", "removed"])
def test_a_part_of_the_page_draws_nothing_for_an_account_disabled_or_removed_since(leader, change):
    at = _app("fragment", leader)
    if change == "disabled":
        accounts.set_disabled(leader, True)
    else:
        accounts.remove_user(leader)
    at.run()
    assert _shown(at) == ["the whole page ran again"]


@pytest.mark.parametrize("kind", ["fragment", "dialog"])
def test_a_part_of_the_page_draws_its_rows_for_an_account_unchanged(leader, kind):
    at = _app(kind, leader)
    at.run()
    assert _shown(at) == ["rows of the old scope"]


def test_a_part_of_the_page_in_local_mode_draws_its_rows_until_accounts_are_set_up():
    at = _app("fragment", None)
    at.run()
    assert _shown(at) == ["rows of the old scope"]
    accounts.add_user("chief", PASSWORD, roles.ADMIN)  # the app is in accounts mode now: sign in first
    at.session_state["test.runs"] = 0
    at.run()
    assert _shown(at) == ["the whole page ran again"]


def test_no_fragment_or_dialog_is_made_without_the_check():
    """One place makes them (``partial_runs``): a fragment added with ``st.fragment`` would run unchecked."""
    made_directly = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*ROOT.glob("oversight/**/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"]
        if path.name != "partial_runs.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bst\.(fragment|dialog|experimental_fragment|experimental_dialog)\b|^\s*@fragment\b", line)
    ]
    assert made_directly == []


def _download_script() -> None:
    import types

    import streamlit as st

    from oversight.auth import roles
    from oversight.export import marking
    from oversight.ui import cards

    page = types.SimpleNamespace(account=roles.local_account(), marking=marking.NO_MARKING, scoped_filter=None)
    # what a download button holds: its bytes made later, on Streamlit's media request, outside the page's run
    st.session_state["test.download"] = cards.audited(page, "总览.csv", lambda: b"unit,issues\n", holds=cards.TEMPLATE)
    st.markdown("drawn")


def test_a_download_in_local_mode_is_refused_once_accounts_are_set_up_meanwhile():
    """A local session's download buttons still handed out their files after a users file appeared (accounts
    switched on while the page was open): the check said yes to any local account, while the page's fragments
    already asked to sign in (above). Now the download is refused as a removed account's is, and audited so."""
    at = AppTest.from_function(_download_script, default_timeout=30)
    at.run()
    assert _shown(at) == ["drawn"]
    download = at.session_state["test.download"]
    assert download() == b"unit,issues\n"  # local mode: the file
    accounts.add_user("chief", PASSWORD, roles.ADMIN)  # the app is in accounts mode now
    with pytest.raises(PermissionError):
        download()
    lines = [json.loads(line) for line in Path(os.environ["OVERSIGHT_AUDIT_LOG"]).read_text("utf-8").splitlines()]
    assert [(line["action"], line["details"]) for line in lines[-2:]] == [
        ("download", {"file": "总览.csv", "holds": "template"}),
        ("refused", {"reason": "account_changed", "file": "总览.csv"}),
    ]


def _script_on_data(kind: str, folder: str, fingerprint: str) -> None:
    """A part given the page, drawn by a page run that read the folder when its fingerprint was ``fingerprint``."""
    import streamlit as st

    from oversight.ui import partial_runs
    from oversight.ui.page import Page

    runs = st.session_state["test.runs"] = st.session_state.get("test.runs", 0) + 1
    if runs > 1:  # the page run again: in the app, on the folder as it now is
        st.markdown("the whole page ran again")
        st.stop()

    def rows(page: Page) -> None:
        st.markdown(f"rows read at {page.fingerprint}")

    page = Page("zh", None, None, folder, fingerprint, None, None)  # type: ignore[arg-type]
    if kind == "fragment":
        partial_runs.fragment(rows)(page)
    else:
        partial_runs.dialog("list")(rows)(page)


@pytest.mark.parametrize("kind", ["fragment", "dialog"])
def test_a_part_of_the_page_drawn_before_an_import_reruns_the_page_on_the_data_now(tmp_path, monkeypatch, kind):
    """A clerk imported in another tab (or with the command line) and searched the open 问题 page's table for the
    new row: the search box's fragment searched the rows of the page's run, from before the import, and found nothing
    until the next full run. A part drawn from data that changed since reruns the page."""
    import shutil

    from oversight.data import store
    from oversight.ingest import table_files
    from oversight.ui import partial_runs

    monkeypatch.setattr(partial_runs, "_running_on_its_own", lambda: True)  # AppTest runs the whole script only
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))
    drawn_from = table_files.fingerprint(folder)
    (folder / "issues.xlsx").write_bytes((folder / "issues.xlsx").read_bytes() + b"\0")  # replaced since the run

    at = AppTest.from_function(_script_on_data, args=(kind, str(folder), drawn_from), default_timeout=30)
    at.run()
    assert _shown(at) == ["the whole page ran again"]

    unchanged = AppTest.from_function(
        _script_on_data, args=(kind, str(folder), table_files.fingerprint(folder)), default_timeout=30
    )
    unchanged.run()
    assert _shown(unchanged) == [f"rows read at {table_files.fingerprint(folder)}"]


@pytest.mark.parametrize("kind", ["fragment", "dialog"])
def test_a_part_drawn_by_the_pages_full_run_does_not_run_the_page_again(tmp_path, kind):
    """The page's full run reads all its figures at one fingerprint, the part it draws included: a part checked there
    too reran the page whenever a file changed during the run, and a ledger a sync tool kept rewriting reran the open
    Overview from its briefing panel for ever (53% of a core with nobody at the page). Only the part's own run (a
    click in it, its timer) looks at the folder again."""
    import shutil

    from oversight.data import store
    from oversight.ingest import table_files

    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*"))
    drawn_from = table_files.fingerprint(folder)
    (folder / "issues.xlsx").write_bytes((folder / "issues.xlsx").read_bytes() + b"\0")  # rewritten during the run

    at = AppTest.from_function(_script_on_data, args=(kind, str(folder), drawn_from), default_timeout=30)
    at.run()
    assert _shown(at) == [f"rows read at {drawn_from}"]
