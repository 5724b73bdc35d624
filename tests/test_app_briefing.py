"""The briefing page's chooser under AppTest: charts empty for the view are marked and unticked, in both languages;
"select all" still ticks every chart of its group; another view ticks them again."""

from __future__ import annotations

import pytest

from tests.apptest import run_page

# research in 2020 Q3 raised no issue and made no suggestion (the spreadsheets; tests/test_briefing_chooser.py)
VIEW = {"unit": "research", "from": "2020Q3", "to": "2020Q3"}
MARK = {"zh": "（本视图无数据）", "en": " (no data in this view)"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_empty_charts_are_marked_and_unticked_and_select_all_still_ticks_them(lang):
    at = run_page("pages/06_briefing.py", {**VIEW, "lang": lang})
    issues = at.multiselect(key=f"widget.briefing_charts.issues.{lang}")
    assert issues.value == [] and all(option.endswith(MARK[lang]) for option in issues.options)
    assert at.checkbox(key=f"widget.briefing_all.issues.{lang}").value is False
    meetings = at.multiselect(key=f"widget.briefing_charts.meetings.{lang}")
    assert len(meetings.value) == len(meetings.options) and not any(MARK[lang] in o for o in meetings.options)
    overview = at.multiselect(key=f"widget.briefing_charts.overview.{lang}")
    assert overview.value == ["meetings_by_quarter", "reminders_by_form"]  # its issue charts are left out

    at.checkbox(key=f"widget.briefing_all.issues.{lang}").check().run()
    assert not at.exception
    assert at.multiselect(key=f"widget.briefing_charts.issues.{lang}").value == [
        "issues_by_unit_status",
        "issues_by_source",
    ]


def test_a_view_with_data_ticks_the_charts_the_chooser_had_unticked():
    at = run_page("pages/06_briefing.py", {**VIEW, "lang": "zh"})
    assert at.multiselect(key="widget.briefing_charts.issues.zh").value == []
    at.multiselect(key="widget.units").set_value([]).run()  # every unit: issues were raised in 2020 Q3
    assert not at.exception
    issues = at.multiselect(key="widget.briefing_charts.issues.zh")
    assert issues.value == ["issues_by_unit_status", "issues_by_source"]
    assert not any(MARK["zh"] in option for option in issues.options)


def _render_fails():
    raise RuntimeError("chromium exited 1")


def _temporary_disk_full():
    import errno

    from oversight.core import atomic

    raise atomic.TemporaryFolderFull(errno.ENOSPC, "No space left on device", "/tmp")


@pytest.mark.parametrize(
    "failure, lang, said",
    [
        (
            _render_fails,
            "zh",
            "简报材料（省政府研究室；2020年第3季度）未能生成，没有生成任何文件（图表渲染出错，详情已写入服务日志）",
        ),
        (_render_fails, "en", "The briefing pack (Research Office; 2020 Q3) could not be built and no file was made"),
        # review of 5 Dec (storage): with /tmp full the PDF's page could not be written, and the panel said a chart had
        # failed to render, sending the administrator to the server's log instead of to the disk
        (
            _temporary_disk_full,
            "zh",
            "简报材料（省政府研究室；2020年第3季度）未能生成，没有生成任何文件：服务器临时文件夹（TMPDIR",
        ),
        (
            _temporary_disk_full,
            "en",
            "The briefing pack (Research Office; 2020 Q3) could not be built and no file was made: the disk of the ",
        ),
    ],
)
def test_a_pack_that_fails_says_why_in_the_pages_language_not_a_traceback(monkeypatch, failure, lang, said):
    from oversight import briefing

    monkeypatch.setattr(briefing, "build_briefing_pack", lambda *args, **kwargs: failure())
    at = run_page("pages/06_briefing.py", {**VIEW, "lang": lang})
    at.button(key="widget.build_full").click().run()
    assert not at.exception
    assert [error.value for error in at.error][0].startswith(said)
    assert not at.get("download_button")
