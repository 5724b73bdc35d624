"""A page open on quarters an undo (or a replacing import) took out of the data shows the nearest ones instead.

A leader had the Overview open on 2021年第1季度, which the clerk's import had just brought in; the clerk undid that
import. The leader's next click stopped the page with Streamlit's English "This app has encountered an error"
(the quarter slider was given 2021Q1, no longer one of its choices: ValueError). The filter's quarters are now kept
within the data on every run, as a link's are, and the page says which it moved and what it shows."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from oversight.ui import TEST_ADDRESS_KEY
from tests.apptest import ROOT, metrics
from tests.bad_files import HEADERS, meeting, write_xlsx

SAID = {
    "zh": "筛选中的季度已不在数据范围（2019年第1季度至2020年第4季度）内：2021年第1季度，已改为最近的季度，现显示2020年第4季度。",
    "en": "The filter's quarter is no longer within the data (2019 Q1 to 2020 Q4): 2021 Q1. It was moved to the nearest "
    "quarter; showing 2020 Q4.",
}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_page_on_quarters_an_undo_took_away_shows_the_nearest_and_says_so(tmp_path, monkeypatch, lang):
    from oversight.data import store
    from oversight.ingest import commit

    folder = Path(shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*")))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    new_quarter = write_xlsx(
        tmp_path / "2021年一季度会议.xlsx", {"会议": [HEADERS["meetings"], meeting(day=date(2021, 1, 5))]}
    )
    commit.import_files(new_quarter, "meetings", "append", folder, user="clerk")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[TEST_ADDRESS_KEY] = "127.0.0.1"
    for name, value in {"from": "2021Q1", "to": "2021Q1", "lang": lang}.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    assert metrics(at)["会议数量" if lang == "zh" else "Meetings"].startswith("1")

    commit.undo_last(folder, user="clerk")
    at.run()  # the leader's next action

    assert not at.exception, [e.value for e in at.exception]
    assert SAID[lang] in [warning.value for warning in at.warning]
    assert at.select_slider[0].value == ("2020Q4", "2020Q4")
    # the figures are 2020 Q4's: 65 meetings (data/README.md), not the undone quarter's one
    assert metrics(at)["会议数量" if lang == "zh" else "Meetings"].startswith("65")


def test_a_note_on_moved_quarters_goes_once_the_reader_chooses_other_quarters():
    """The note said the link's quarter had been moved "现显示2020年第1季度至2020年第2季度" after the leader had chosen
    that range on the slider: the quarters shown were the leader's, not a move of the link's. A note about the
    quarters goes once quarters are chosen on screen; one about the units stays until units are."""
    from tests.apptest import run_page

    at = run_page(query={"from": "2018Q1", "to": "2020Q4", "unit": "atlantis"})
    warnings = [w.value for w in at.warning]
    assert any("已改为最近的季度" in w for w in warnings) and any("unit=atlantis" in w for w in warnings), warnings

    at.select_slider[0].set_value(("2020Q1", "2020Q2")).run()

    warnings = [w.value for w in at.warning]
    assert not any("已改为最近的季度" in w for w in warnings), warnings
    assert any("unit=atlantis" in w for w in warnings), warnings  # not about the quarters: said until units are chosen
    at.multiselect(key="widget.units").set_value(["research"]).run()
    assert not any("unit=atlantis" in w.value for w in at.warning), [w.value for w in at.warning]
