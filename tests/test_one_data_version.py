"""One page run, and one briefing pack, of one version of the data.

The store is kept for one data fingerprint at a time. A leader's page run (or the briefing pack being built, 2–3 s)
read its card from the data before a clerk's import; the clerk's page then ran on the new data and dropped the old
store; the leader's run went on asking for its next chart under the old fingerprint, the store was read again from
the folder as it now was, and the new rows were filed under the old key: the card said 42 reminders and the chart
under it 43, in the same run, the same pack. The store is now read at the fingerprint asked for or not at all
(``table_files.DataChanged``), and a page run whose data moved on runs again on the data as it now is.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from oversight.data import store
from oversight.ingest import table_files
from oversight.ingest.commit import import_files
from oversight.ui import TEST_ADDRESS_KEY
from tests.apptest import ROOT
from tests.bad_files import one_more_reminder


@pytest.fixture
def folder(tmp_path):
    return Path(shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*")))


def _reminders(connection) -> int:
    return connection.cursor().execute("select count(*) from reminders").fetchone()[0]


def test_the_store_is_read_at_the_fingerprint_asked_for_or_not_at_all(folder, tmp_path):
    before = table_files.fingerprint(folder)
    assert _reminders(store.open_folder(folder, before)) == 71
    import_files(one_more_reminder(tmp_path), "reminders", "append", folder)

    with pytest.raises(table_files.DataChanged):
        store.open_folder(folder, before)  # the new rows are never read under the old fingerprint
    assert _reminders(store.open_folder(folder, table_files.fingerprint(folder))) == 72
    assert _reminders(store.open_folder(folder)) == 72  # no fingerprint asked: the folder as it is


def _stand_in_pack() -> SimpleNamespace:
    """What the briefing panel reads of a built pack (its files, names and type), with no pack built."""
    return SimpleNamespace(
        report=SimpleNamespace(marking=None),
        files={"pptx": b"pack"},
        file_names={"pptx": "pack.pptx"},
        mime=lambda file_format: "application/octet-stream",
    )


def _leader_and_clerk(folder: str, scratch: str) -> None:
    """A page run that reads its card, a clerk's import and the clerk's page run on the new data meanwhile, then the
    leader's chart: the figures the run shows side by side."""
    from pathlib import Path

    import streamlit as st

    from oversight.ingest import table_files
    from oversight.ingest.commit import import_files
    from oversight.ui import page
    from tests.bad_files import one_more_reminder

    runs = st.session_state["test.runs"] = st.session_state.get("test.runs", 0) + 1
    fingerprint = table_files.fingerprint(Path(folder))
    span, _units = page.cached_span(folder, fingerprint)
    view = span.resolve(span.default_filter())
    card = int(page.cached_query(folder, fingerprint, "reminder_totals", view)["reminders"].sum())
    if runs == 1:
        import_files(one_more_reminder(Path(scratch)), "reminders", "append", Path(folder))
        page.cached_span(folder, table_files.fingerprint(Path(folder)))  # the clerk's page, on the new data
    chart = int(page.cached_query(folder, fingerprint, "reminders_by_form", view)["reminders"].sum())
    st.markdown(f"run {runs}: card {card}, chart {chart}")


def test_a_page_run_whose_data_changed_under_it_runs_again_on_one_version(folder, tmp_path):
    at = AppTest.from_function(_leader_and_clerk, args=(str(folder), str(tmp_path)), default_timeout=60)
    at.run()

    assert not at.exception
    assert [markdown.value for markdown in at.markdown] == ["run 2: card 43, chart 43"]


SAID = {"zh": "生成期间数据已更新", "en": "The data changed while the briefing pack"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pack_whose_data_changed_while_it_was_built_is_not_offered_mixed(folder, tmp_path, monkeypatch, lang):
    """The pack reads its summary's figures, a clerk imports, the clerk's page runs on the new data, the pack reads a
    chart's: it is not offered with 42 in its summary and 43 in its chart, and the leader is told why."""
    from oversight import briefing
    from oversight.ui import page as page_module

    read: list[int] = []

    def pack_across_an_import(query, filter_, *args, **kwargs):
        read.append(int(query("reminder_totals")["reminders"].sum()))
        import_files(one_more_reminder(tmp_path), "reminders", "append", folder)
        page_module.cached_span(str(folder), table_files.fingerprint(folder))  # the clerk's page run
        read.append(int(query("reminders_by_unit")["reminders"].sum()))  # a query the Overview's run did not ask
        return _stand_in_pack()

    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setattr(briefing, "build_briefing_pack", pack_across_an_import)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[TEST_ADDRESS_KEY] = "127.0.0.1"
    at.query_params["lang"] = lang
    at.run()
    at.button(key="widget.build_overview").click().run()

    assert not at.exception
    assert read == [42]  # the pack stopped at its first read of the new data, under the old fingerprint
    assert not [button for button in at.get("download_button") if "download.overview" in button.proto.id]
    said = [element.value for element in (*at.warning, *at.info)]
    assert any(SAID[lang] in text for text in said), said


def test_a_pack_asked_for_after_a_ledger_was_touched_is_built_on_the_data_as_it_now_is(folder, monkeypatch):
    """A sync tool rewrote a ledger every few seconds (same bytes, new time): each click on 生成简报材料 ran the panel
    on its own, found the folder changed since the page's run, and ran the page again, the click lost with it. The
    leader clicked three times, 25 s apart, on a real server: no pack, no word. The page's run builds it now."""
    import os

    from oversight import briefing
    from oversight.ui import partial_runs

    built: list[str] = []

    def pack(query, filter_, *args, **kwargs):
        built.append(table_files.fingerprint(folder))
        return _stand_in_pack()

    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setattr(briefing, "build_briefing_pack", pack)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[TEST_ADDRESS_KEY] = "127.0.0.1"
    at.run()
    ledger = folder / "meetings.xlsx"
    os.utime(ledger, ns=(ledger.stat().st_atime_ns, ledger.stat().st_mtime_ns + 1_000_000_000))  # touched
    import streamlit as st

    reran: list[object] = []

    def rerun_without_the_click(*args, **kwargs):  # as a browser's page run does: a button's click is one run's
        reran.append(kwargs.get("scope"))
        st.stop()

    monkeypatch.setattr(st, "rerun", rerun_without_the_click)
    # AppTest runs the whole script on a click: here the panel's own run, holding the page drawn before the touch
    monkeypatch.setattr(partial_runs, "data_changed_on_own_run", lambda *arguments: True)
    at.button(key="widget.build_overview").click().run()
    assert reran == ["app"] and built == []  # the panel's run asks for the page's
    monkeypatch.setattr(partial_runs, "data_changed_on_own_run", lambda *arguments: False)
    at.run()  # the page's run on the data as it now is, the click not in it

    assert not at.exception
    assert built == [table_files.fingerprint(folder)]  # once, on the data as it now is
    assert [button for button in at.get("download_button") if "download.overview" in button.proto.id]
