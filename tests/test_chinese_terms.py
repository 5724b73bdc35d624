"""Review of 5 Dec (session 37, a Chinese editor reads every surface as 公文): one concept, one name, as the glossary
(docs: /work/shared/DOMAIN.md) and README's 口径说明 name it — and one bracket per note on the pages too.

What the editor found, each said two ways on the same screen or in the same pack:

- the 会商单位, 定期会商, 工作通报 and 抽调参与办案 cards' ⓘ said 驻在单位 where every other text says 综合监督单位;
- the 简报导出 page offered to 一键生成汇报材料 under its button 生成简报材料;
- the meeting shares chart was titled 议题提前审核、纪检监察组列席、合并召开占比 over its own legend's 议题提前报送审核, and the
  meetings tables headed 议题提前审核 where their CSV says 议题提前报送审核（次）;
- 建议 for 意见建议: the value axes 建议数（条） and 问题（个）/ 建议（条）, the chart 针对问题提出与单独提出的建议 (whose reading
  says 19条意见建议中), 待采纳建议最多的是…, and the file 问题与建议_按单位 of the chart 各单位指出问题与意见建议;
- 提醒次数 and 提醒总数 for 日常提醒: the trends chart's legend 提醒次数 beside 会议数量、指出问题、意见建议, its axis 提醒次数（次）
  where its CSV says 日常提醒（次）, the donut's 提醒总数 beside the other donut's 意见建议总数;
- the digest said 30 日内到期 1 项 and, on a day with none, 30天内无到期问题, as the Overview's strip says 30天内到期.

The Chinese of the ledgers' own headers (建议编号, 建议内容: the data contract, matched on import) stays as it is.
"""

from __future__ import annotations

import re

import pytest

from oversight.charts import catalog
from oversight.contract import schema
from oversight.core import i18n
from oversight.data import queries
from oversight.data.filters import Filter, Quarter
from tests.apptest import as_read, run_page

# a name the product does not use → the one it uses for the same thing
OTHER_NAMES = {
    "驻在单位": (re.compile(r"驻在单位"), "综合监督单位"),
    "汇报材料": (re.compile(r"汇报材料"), "简报材料"),
    "议题提前审核": (re.compile(r"议题提前审核"), "议题提前报送审核"),
    "建议 alone": (re.compile(r"(?<!意见)建议"), "意见建议"),
    "提醒次数/提醒总数": (re.compile(r"(?<!日常)提醒(次数|总数)"), "日常提醒"),
    "日内": (re.compile(r"日内"), "天内"),
}


def other_names(text: str) -> list[str]:
    """The names in ``text`` that the glossary says another way."""
    return [name for name, (pattern, _) in OTHER_NAMES.items() if pattern.search(text)]


def _contract_headers() -> set[str]:
    return {column.zh for table in schema.TABLES.values() for column in table.columns}


def test_the_check_finds_what_it_is_for():
    assert other_names("本期与驻在单位党组（党委）定期会商的次数") == ["驻在单位"]
    assert other_names("一键生成汇报材料") == ["汇报材料"]
    assert other_names("议题提前审核、纪检监察组列席、合并召开占比") == ["议题提前审核"]
    assert other_names("问题（个）/ 建议（条）") == ["建议 alone"]
    assert other_names("提醒总数<br><b>42次</b>") == ["提醒次数/提醒总数"]
    assert other_names("30 日内到期 1 项") == ["日内"]
    # what the glossary says
    assert other_names("议题提前报送审核（次）；提前审核占比；意见建议（条）；日常提醒（次）；30天内到期") == []


def test_every_chinese_template_names_each_thing_as_the_glossary_does():
    headers = _contract_headers()
    found = {
        key: other_names(text)
        for key, text in i18n.catalog("zh").items()
        if text not in headers and other_names(text)  # a ledger's own header (建议编号) is the data contract's
    }
    assert found == {}


def _figure_texts(figure) -> list[str]:
    """A chart's words: its title, its axes' titles, its legend's names, its notes (the donut's total)."""
    layout = figure.to_plotly_json()["layout"]
    texts = [(layout.get("title") or {}).get("text")]
    texts += [
        (axis.get("title") or {}).get("text") for name, axis in layout.items() if re.fullmatch(r"[xy]axis\d*", name)
    ]
    texts += [note.get("text") for note in layout.get("annotations", ())]
    texts += [trace.name for trace in figure.data]
    return [text for text in texts if isinstance(text, str)]


@pytest.mark.parametrize(
    "filter_",
    [Filter((), Quarter(2020, 1), Quarter(2020, 4)), Filter(("chronicles",), Quarter(2020, 2), Quarter(2020, 2))],
    ids=["year", "one unit, one quarter"],
)
def test_every_chart_names_each_thing_as_the_glossary_does(connection, filter_):
    found = {}
    for spec in catalog.all_charts():
        figure = spec.build(queries.run(connection, spec.query, filter_), "zh")
        if hits := [text for text in _figure_texts(figure) if other_names(text)]:
            found[spec.key] = hits
    assert found == {}


def test_the_meeting_shares_chart_is_titled_as_its_legend_and_its_csv_name_the_practice(connection, default_filter):
    spec = next(spec for spec in catalog.all_charts() if spec.key == "meeting_shares_by_quarter")
    figure = spec.build(queries.run(connection, spec.query, default_filter), "zh")
    assert [trace.name for trace in figure.data] == ["议题提前报送审核", "纪检监察组列席", "合并召开"]
    assert "".join(figure.layout.title.text.split("<br>")) == "议题提前报送审核、纪检监察组列席、合并召开占比"
    assert i18n.t("export.column.prereviewed", "zh") == "议题提前报送审核（次）"


def _nested(text: str) -> bool:
    depth = 0
    for character in text:
        if character == "（":
            depth += 1
            if depth > 1:
                return True
        elif character == "）" and depth:
            depth -= 1
    return False


def test_a_span_to_a_day_is_one_note_inside_the_briefing_pages_bracket():
    """The 简报导出 page's intro put the span's own note in its bracket: （全部9家综合监督单位；2020年第4季度（截至11月20日））.
    Its wording for inside a bracket was lost where the page escaped it for Markdown."""
    at = run_page("pages/06_briefing.py", query={"from": "2020Q4", "to": "2020Q4", "day": "2020-11-20"})
    intro = next(as_read(m.value) for m in at.markdown if "按当前筛选条件" in m.value)
    assert intro == (
        "按当前筛选条件（全部9家综合监督单位；2020年第4季度，截至11月20日）一键生成简报材料：PPT 演示文稿、Word 报告、"
        "PDF 报告，以及全部图表图片和数据的压缩包。"
    )


@pytest.mark.parametrize(
    "script",
    [
        "app.py",
        "pages/01_meetings.py",
        "pages/02_issues.py",
        "pages/03_suggestions.py",
        "pages/04_reminders.py",
        "pages/05_unit_profile.py",
        "pages/06_briefing.py",
    ],
)
def test_no_page_puts_a_bracket_inside_a_bracket_at_a_links_day(script):
    at = run_page(script, query={"from": "2020Q3", "to": "2020Q4", "day": "2020-11-20", "unit": "gov_office"})
    texts = [
        as_read(element.value)
        for kind in ("markdown", "caption", "info", "warning", "success", "error")
        for element in at.get(kind)
        if isinstance(element.value, str)
    ]
    texts += [as_read(metric.proto.help) for metric in at.metric]
    assert [text for text in texts if _nested(text)] == []


def test_the_packs_list_of_issues_still_to_rectify_is_named_as_its_heading_not_by_one_status(
    connection, default_filter
):
    """The pack's ZIP held 未整改问题清单_2020Q1-2020Q4.xlsx, its 7 rows all 整改中: 未整改 is a status of its own (0 of
    them), and the report's heading and its note pointing to the file say 本期指出、尚未整改到位的问题."""
    frame = queries.run(connection, "open_issues", default_filter)
    assert len(frame) == 7 and set(frame["status"]) == {"in_progress"}
    zh, en = i18n.t("export.file.open_issues", "zh"), i18n.t("export.file.open_issues", "en")
    assert "尚未整改到位" in zh and "尚未整改到位" in i18n.t("export.report.open_heading", "zh")
    assert zh != i18n.choice_label(schema.ISSUE_STATUSES, "open", "zh") + "问题清单"
    assert "still_to_rectify" in en and "open" not in en  # "open" is the status code, read "Not yet rectified"
