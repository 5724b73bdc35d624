"""Downloads in the app (AppTest): every chart card offers PNG/SVG/CSV/XLSX under names that say what and when;
the briefing page builds the pack; without a browser the image buttons explain how to get one."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from oversight.core import i18n
from oversight.export import rendering
from tests.apptest import run_page


def _help_texts(at):
    """The tooltips as a reader sees them: Markdown's escapes taken off (the file name is escaped: it carries unit
    names, which come from the ledgers)."""
    return [re.sub(r"\\(.)", r"\1", button.proto.help) for button in at.download_button]


def test_every_overview_chart_offers_four_downloads_named_by_chart_and_filter():
    at = run_page()
    labels = [button.proto.label for button in at.download_button]
    assert labels.count("PNG") == 4 and labels.count("CSV") == 4 and labels.count("Excel") == 4
    assert "下载：问题与意见建议_按单位_2020Q1-2020Q4.png" in _help_texts(at)
    assert all(button.proto.ignore_rerun for button in at.download_button)


def test_file_names_follow_the_filter_and_language():
    at = run_page(query={"unit": "petitions", "from": "2020Q2", "to": "2020Q4", "lang": "en"})
    by_unit = [text for text in _help_texts(at) if text.endswith(".csv") and "issues_suggestions_by_unit" in text]
    # the unit as the English charts name it (its 英文简称), not its 40-letter full name
    assert by_unit == ["Download issues_suggestions_by_unit_Petitions_Bureau_2020Q2-2020Q4.csv"]


def test_briefing_page_builds_the_four_files():
    at = run_page("pages/06_briefing.py")
    at.button(key="widget.build_full").click().run()
    assert not at.exception
    assert at.success[0].value == "简报材料已生成（全部9家综合监督单位；2020年第1季度至2020年第4季度），请下载："
    names = [button.proto.label for button in at.download_button]
    assert names == ["PPT 演示文稿", "Word 报告", "PDF 报告", "图表及数据（ZIP）"]
    # the finished progress bar is taken away: its text repeated the note above the buttons
    assert not at.get("progress")


def test_changing_the_filter_marks_a_built_pack_as_stale(monkeypatch):
    # only the staleness is under test: the charts are not drawn, each gets the same small picture
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (160, 90), "white").save(picture, format="PNG")
    monkeypatch.setattr(rendering, "render_pngs", lambda figures, *args, **kwargs: [picture.getvalue()] * len(figures))
    at = run_page("pages/06_briefing.py")
    at.button(key="widget.build_full").click().run()
    at.multiselect(key="widget.units").set_value(["research"]).run()
    # says for which units and quarters the pack was built, beside this view's
    assert at.info[0].value == (
        "已生成的简报材料是按“全部9家综合监督单位；2020年第1季度至2020年第4季度”生成的，"
        "与当前筛选条件（省政府研究室；2020年第1季度至2020年第4季度）不同，请重新生成。"
    )
    assert len(at.download_button) == 0


def test_a_pack_whose_charts_were_changed_says_so_not_that_the_filter_changed(monkeypatch):
    """Seen using the page: a chart taken out after the build was answered 筛选条件或语言已改变, and nothing had."""
    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (160, 90), "white").save(picture, format="PNG")
    monkeypatch.setattr(rendering, "render_pngs", lambda figures, *args, **kwargs: [picture.getvalue()] * len(figures))
    at = run_page("pages/06_briefing.py", {"lang": "en"})
    at.button(key="widget.build_full").click().run()
    assert len(at.download_button) == 4
    at.multiselect(key="widget.briefing_charts.issues.en").set_value(["issues_by_source"]).run()
    assert [info.value for info in at.info] == ["The charts chosen changed since the pack was built: build it again."]
    assert len(at.download_button) == 0
    at.radio(key="widget.lang").set_value("zh").run()  # the chooser starts afresh in Chinese: all charts again
    assert [info.value for info in at.info] == ["已生成的简报材料是英文版，请重新生成中文版。"]


def test_without_a_browser_images_explain_and_data_downloads_remain(monkeypatch):
    monkeypatch.setattr(rendering, "find_browser", lambda: None)
    at = run_page()
    labels = [button.proto.label for button in at.download_button]
    assert "PNG" not in labels and "SVG" not in labels
    assert labels.count("CSV") == 4 and labels.count("Excel") == 4
    assert any("apt-get install chromium" in caption.value for caption in at.caption)
    assert any("apt-get install chromium" in warning.value for warning in at.warning)  # the pack button's place


def test_briefing_chooser_groups_charts_by_page_with_select_all():
    at = run_page("pages/06_briefing.py")
    group_titles = [box.label for box in at.checkbox if box.key.startswith("widget.briefing_all.")]
    assert group_titles == [
        "总览：全选",
        "会议监督：全选",
        "问题与整改：全选",
        "意见建议：全选",
        "日常提醒与会商：全选",
        "单位画像：全选",
    ]
    chosen = sum(
        len(at.multiselect(key=f"widget.briefing_charts.{page}.zh").value)
        for page in ("overview", "meetings", "issues", "suggestions", "reminders", "unit_profile")
    )
    assert chosen == 18  # every chart once, all chosen by default
    at.checkbox(key="widget.briefing_all.meetings.zh").uncheck().run()
    assert at.multiselect(key="widget.briefing_charts.meetings.zh").value == []
    assert at.multiselect(key="widget.briefing_charts.overview.zh").value  # other groups untouched
    at.checkbox(key="widget.briefing_all.meetings.zh").check().run()
    assert len(at.multiselect(key="widget.briefing_charts.meetings.zh").value) == 3
    at.multiselect(key="widget.briefing_charts.issues.zh").set_value(["issues_by_source"]).run()
    assert at.checkbox(key="widget.briefing_all.issues.zh").value is False
    assert not at.exception


def test_every_page_shows_the_marking_and_the_viewers_watermark():
    at = run_page()
    # the overlay's own elements (app.css names the class too, in its print rules)
    overlay = [block.proto.body for block in at.get("html") if 'class="oversight-watermark' in block.proto.body]
    assert len(overlay) == 1 and "内部资料 注意保存" in overlay[0] and "本机 20" in overlay[0]
    # the time says it is Beijing time, as every export's watermark does
    assert re.search(r"本机 \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\+8</span>", overlay[0])


def test_every_table_offers_its_rows_as_csv_and_excel():
    """README said a table's rows leave through its 下载 buttons, but the page tables had none (their toolbar's
    export is off): the ranking of units, the overdue issues and the lists could not be taken to a report."""
    at = run_page("pages/02_issues.py")
    names = [text.removeprefix("下载：") for text in _help_texts(at)]
    # named as the briefing ZIP and the list behind the card name the same list (it was 逾期未整改问题_…)
    assert "逾期未整改问题清单_2020Q1-2020Q4.csv" in names and "逾期未整改问题清单_2020Q1-2020Q4.xlsx" in names
    meetings = run_page("pages/01_meetings.py", {"lang": "en"})
    tables = [text for text in _help_texts(meetings) if text.endswith((".csv", ".xlsx")) and "units_ranked" in text]
    # in lower case, as every chart's and list's file is (it was Units_ranked_by_…), and short (it was the whole
    # title, units_ranked_by_meeting_reduction_against_a_year_earlier_…)
    assert sorted(tables) == [
        "Download units_ranked_by_meeting_reduction_2020Q1-2020Q4.csv",
        "Download units_ranked_by_meeting_reduction_2020Q1-2020Q4.xlsx",
    ]


def _menu(at, stem: str) -> list[str]:
    return [text for text in _help_texts(at) if stem + "." in text]


def test_the_unit_profile_and_compare_charts_offer_the_same_download_menu():
    at = run_page("pages/05_unit_profile.py", query={"unit": "research"})
    for stem in ("单位与全部单位平均对比_省政府研究室_2020Q1-2020Q4", "工作趋势_按季度_省政府研究室_2020Q1-2020Q4"):
        assert _menu(at, stem) == [f"下载：{stem}.{kind}" for kind in ("png", "svg", "csv", "xlsx")]
    at = run_page("pages/05_unit_profile.py", query={"unit": ["research", "petitions"], "lang": "en"})
    stem = "compared_trends_2_units_2020Q1-2020Q4"
    assert _menu(at, stem) == [f"Download {stem}.{kind}" for kind in ("png", "svg", "csv", "xlsx")]
    # images leave through the menu only, marked and audited: no camera in the chart's own toolbar
    (compared,) = [chart for chart in at.get("plotly_chart") if chart.proto.id.endswith("chart.compared_trends")]
    assert '"modeBarButtonsToRemove": ["toImage", "sendChartToCloud", "select2d", "lasso2d"]' in compared.proto.config


def test_the_profile_charts_data_downloads_hold_what_they_draw(frames):
    from oversight.charts import catalog
    from oversight.data import queries, store
    from oversight.export.data_files import compared_trends_table, unit_vs_average_table
    from oversight.present import compare

    connection = store.connect(frames)
    default = queries.data_span(connection).default_filter()
    beside = catalog.unit_beside_average(queries.run(connection, "unit_metrics", default), "research")
    table = unit_vs_average_table(beside, "zh", "省政府研究室")
    assert table.columns.tolist() == ["指标", "省政府研究室", "全部单位平均"]
    assert table.iloc[0].tolist() == ["指出问题（个）", 1.0, 1.8]  # 16 issues over 9 units, rounded as drawn
    assert table.iloc[5].tolist() == ["会议数量（次）", 32.0, 25.8]
    trends = compare.trends_side_by_side(
        lambda unit: queries.run(connection, "trends_by_quarter", default.with_units([unit])),
        ["research", "petitions"],
        frames["units"],
    )
    table = compared_trends_table(trends, "en")
    # the unit as the legend names it, its full name last, as every other English export
    assert table.columns.tolist() == [
        "Unit", "Quarter", "Meetings", "Reminders", "Issues raised", "Suggestions", "Unit (full name)"
    ]  # fmt: skip
    assert table.iloc[0].tolist()[:3] == ["Research Office", "2020 Q1", 7]
    assert table.iloc[0].tolist()[-1] == "Research Office of the Provincial Government"
    assert len(table) == 8  # four quarters of each unit, never summed


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_packs_overdue_list_has_the_headers_of_the_pages_table_and_its_download(lang):
    """The issues page's overdue table (its CSV and Excel are the table as shown) and the pack's ZIP of the same list
    had different headers ("Issue" / "Issue number", "Age (days)" / "Days since raised")."""
    import zipfile

    from oversight import briefing
    from oversight.data import queries, store

    at = run_page("pages/02_issues.py", {"lang": lang})
    shown = at.dataframe[0].value  # the first table: the overdue issues
    assert len(shown) == 6
    connection = store.open_folder(store.SAMPLE_DATA_DIR)
    span = queries.data_span(connection)
    report = briefing.collect_report(briefing.as_query_runner(connection), span.default_filter(), lang, [])
    stem = report.context.file_stem(i18n.t("export.file.overdue_issues", lang))
    with zipfile.ZipFile(io.BytesIO(briefing.charts_zip_bytes(report))) as archive:
        zipped = pd.read_csv(io.BytesIO(archive.read(f"{stem}.csv")), encoding="utf-8-sig")
    # and the same name: one pattern for the list wherever it is downloaded (逾期未整改问题_… on the page was
    # 逾期未整改问题清单_… in the ZIP; in English overdue_issues_… beside the card's overdue_issues_list_…)
    page_files = [text.split(" ", 1)[-1].split("：", 1)[-1] for text in _help_texts(at)]
    assert f"{stem}.csv" in page_files and f"{stem}.xlsx" in page_files
    assert stem == {"zh": "逾期未整改问题清单_2020Q1-2020Q4", "en": "overdue_issues_list_2020Q1-2020Q4"}[lang]
    assert list(zipped.columns) == list(shown.columns)
    assert list(zipped.iloc[:, 0]) == list(shown.iloc[:, 0])  # the same issues, in the same order


@pytest.mark.parametrize(
    ("lang", "notice"),
    [("zh", "审计日志现在无法写入"), ("en", "The audit log cannot be written now")],
)
def test_a_log_that_cannot_take_a_line_pauses_the_downloads_and_says_why(tmp_path, monkeypatch, lang, notice):
    """Offered anyway, a download whose audit line failed (a full disk) answered the click with Streamlit's own
    "Failed to generate file for download", in English on a Chinese page and with no reason."""
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(blocked))  # a folder where the log should be: no line fits
    at = run_page(query={"lang": lang})
    # neither a chart's file nor the pack that would carry them
    assert not at.download_button and "widget.build_overview" not in [button.key for button in at.button]
    assert [w.value for w in at.warning if w.value.startswith(notice)]


def test_a_disk_too_full_for_a_whole_line_pauses_the_downloads(monkeypatch):
    from oversight.auth import audit

    real_statvfs = audit.os.statvfs

    class Full:
        def __init__(self, path):
            room = real_statvfs(path)
            self.f_frsize, self.f_bavail = room.f_frsize, (audit.LINE_ROOM // room.f_frsize) - 1

    monkeypatch.setattr(audit.os, "statvfs", Full)
    at = run_page()
    assert not at.download_button
    assert [w.value for w in at.warning if w.value.startswith("审计日志现在无法写入")]
    monkeypatch.setattr(audit.os, "statvfs", real_statvfs)  # (not undo(): that would drop the test's own paths)
    at.run()  # space freed: the next run offers them again
    assert len(at.download_button) == 16 and not [
        w for w in at.warning if "审计日志" in w.value
    ]  # PNG SVG CSV Excel × 4
