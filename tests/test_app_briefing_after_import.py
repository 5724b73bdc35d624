"""A briefing pack built before an import is not offered after it.

A leader built the pack on the Overview (2020年, the sample's latest year); the clerk then corrected a 2020 meeting's
length and imported the ledger again. The leader's next click redrew the cards with the corrected figures, but the
panel under them still said 简报材料已生成 and offered the pack of the data before the correction: the view (units,
quarters, data date) was the same, and the pack was judged by the view alone. A pack is of the data it was built
from too: once the data changes, it asks to be built again, saying why."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from oversight.ui import TEST_ADDRESS_KEY
from tests.apptest import ROOT

SAID = {
    "zh": "数据已在简报材料生成后更新",
    "en": "The data has changed since the pack was built",
}


def _fake_pack(*args, **kwargs):
    """A pack of one file, so the test is of the panel and not of the renderer (2–3 s of Chromium)."""
    return SimpleNamespace(
        report=SimpleNamespace(marking=None),
        files={"pptx": b"pack"},
        file_names={"pptx": "pack.pptx"},
        mime=lambda file_format: "application/octet-stream",
    )


def _correct_a_2020_meeting(folder: Path, tmp_path: Path) -> None:
    """The clerk's correction: the whole ledger again, one 2020 meeting's length retyped (data date unchanged)."""
    from oversight.ingest import commit

    meetings = pd.read_excel(folder / "meetings.xlsx", engine="calamine")
    first = meetings.index[meetings["会议日期"].astype(str).str.startswith("2020")][0]
    meetings.loc[first, "时长(分钟)"] = int(meetings.loc[first, "时长(分钟)"]) + 5
    corrected = tmp_path / "会议台账（更正）.xlsx"
    meetings.to_excel(corrected, index=False)
    commit.import_files(corrected, "meetings", "replace", folder, user="clerk")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pack_built_before_an_import_is_not_offered_after_it(tmp_path, monkeypatch, lang):
    from oversight import briefing
    from oversight.data import store

    folder = Path(shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*")))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setattr(briefing, "build_briefing_pack", _fake_pack)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[TEST_ADDRESS_KEY] = "127.0.0.1"
    at.query_params["lang"] = lang
    at.run()
    at.button(key="widget.build_overview").click().run()
    assert not at.exception
    assert [button.proto.label for button in at.get("download_button") if "overview" in button.proto.id]

    _correct_a_2020_meeting(folder, tmp_path)
    at.run()  # the leader's next action

    assert not at.exception
    assert not [button for button in at.get("download_button") if "download.overview" in button.proto.id]
    assert any(info.value.startswith(SAID[lang]) for info in at.info), [info.value for info in at.info]


def test_an_import_that_moves_the_data_date_inside_the_range_is_said_as_new_data_not_as_another_filter(
    tmp_path, monkeypatch
):
    """The pack of 2021年第1季度 to 5 January; the clerk's import brings a meeting of 30 March: the view's cut-off
    moves with the data date, which the leader did not choose, and the panel says the data changed."""
    from datetime import date

    from oversight import briefing
    from oversight.data import store
    from oversight.ingest import commit
    from tests.bad_files import HEADERS, meeting, write_xlsx

    folder = Path(shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data", ignore=shutil.ignore_patterns(".*")))
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setattr(briefing, "build_briefing_pack", _fake_pack)
    first = write_xlsx(tmp_path / "一月.xlsx", {"会议": [HEADERS["meetings"], meeting(day=date(2021, 1, 5))]})
    commit.import_files(first, "meetings", "append", folder, user="clerk")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state[TEST_ADDRESS_KEY] = "127.0.0.1"
    at.query_params["from"], at.query_params["to"] = "2021Q1", "2021Q1"
    at.run()
    at.button(key="widget.build_overview").click().run()
    assert [button for button in at.get("download_button") if "download.overview" in button.proto.id]

    later = meeting(meeting_id="HY2021-0002", day=date(2021, 3, 30))
    commit.import_files(
        write_xlsx(tmp_path / "三月.xlsx", {"会议": [HEADERS["meetings"], later]}), "meetings", "append", folder
    )
    at.run()

    assert not at.exception
    assert not [button for button in at.get("download_button") if "download.overview" in button.proto.id]
    infos = [info.value for info in at.info]
    assert any(info.startswith(SAID["zh"]) for info in infos), infos
    assert not any("筛选条件" in info for info in infos), infos
