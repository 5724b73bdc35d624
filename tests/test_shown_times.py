"""Every time a person reads is Beijing time and says so, whatever the server's clock zone: the import history
said （北京时间） while a push's "already sent at" line, a busy push's start and the data page's "being updated"
notice showed a bare time (the last one the lock note's UTC moment as written)."""

from __future__ import annotations

import time as clock
from pathlib import Path

import pytest

from oversight.cli import schedule
from oversight.core import i18n, locking
from oversight.ingest.problems import Problem
from oversight.push.delivery import Outcome

AT = "2021-01-05T01:30:12.345+00:00"  # as the logs keep a moment: UTC
SHOWN = {"zh": "2021-01-05 09:30:12（北京时间）", "en": "2021-01-05 09:30:12 (Beijing time)"}


@pytest.fixture(params=["UTC", "Asia/Shanghai"])
def clock_zone(request, monkeypatch):
    monkeypatch.setenv("TZ", request.param)
    clock.tzset()
    yield request.param
    monkeypatch.delenv("TZ")
    clock.tzset()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_shown_time_is_the_same_beijing_time_and_labelled_in_any_clock_zone(clock_zone, lang):
    assert i18n.team_time(AT, lang) == SHOWN[lang]
    assert i18n.team_time(None, lang) == "—" and i18n.team_time("", lang, "?") == "?"
    skipped = Outcome("wecom", "skipped", sent_at=AT).line("alerts", "2020-11-08/all", lang)
    # in English the zone and the line's own note are one bracket, not "(Beijing time) (--force sends it again)"
    in_line = {"zh": SHOWN["zh"], "en": "2021-01-05 09:30:12 (Beijing time; --force sends it again)"}
    assert in_line[lang] in skipped, skipped
    busy = locking.LockBusy(Path("/nowhere"), {"pid": 7, "since": AT}, 3.0)
    assert SHOWN[lang] in schedule._busy_text(busy, lang)  # noqa: SLF001
    updating = Problem(file="", message_key="error.data_updating", params={"since": "2021-01-05 09:30:12"})
    assert SHOWN[lang] in i18n.t(updating.message_key, lang, **updating.params)


def test_the_data_being_updated_names_the_locks_moment_in_beijing_time(clock_zone, tmp_path):
    """The notice showed the lock note's own text, 2021-01-05T01:30:12.345+00:00: UTC, unlabelled."""
    from oversight.ingest import checked_folder
    from oversight.ingest.problems import ValidationError

    held = locking.LockBusy(tmp_path, {"since": AT})

    def busy(*_args, **_kwargs):
        raise held

    mp = pytest.MonkeyPatch()
    mp.setattr(checked_folder.locking, "shared", busy)
    try:
        with pytest.raises(ValidationError) as raised:
            checked_folder.load_folder(tmp_path)
    finally:
        mp.undo()
    (problem,) = raised.value.problems
    assert (
        i18n.t(problem.message_key, "zh", **problem.params)
        == "数据正在更新，开始于2021-01-05 09:30:12（北京时间），请稍后刷新页面"
    )
