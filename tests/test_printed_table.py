"""The table a page prints in place of its grid (``present/printed_table``): the grid's values as the grid shows
them, text from the data escaped, every row up to the cap, and a note where the rest is left to the downloads."""

from __future__ import annotations

import datetime
import re

import pandas as pd

from oversight.core import i18n
from oversight.present import printed_table


def _cells(html: str) -> list[list[str]]:
    return [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", html) if "<td" in row]


def test_the_printed_table_shows_the_values_as_the_grid_does_and_escapes_the_datas_text():
    frame = pd.DataFrame(
        {
            "问题编号": ["WT2020-012", "<b>x</b> & y"],
            "整改率": [70.0, None],
            "天数": [256, 17],
            "整改日期": [datetime.date(2020, 4, 19), None],
            "登记时间": [pd.Timestamp("2020-08-14 09:30:05"), pd.NaT],
        }
    )
    html = printed_table.html_table(frame, ["整改率"], "—")
    assert "<th>问题编号</th>" in html and "<b>" not in html
    assert _cells(html) == [
        ["WT2020-012", "70.0", "256", "2020-04-19", "2020-08-14 09:30:05"],
        ["&lt;b&gt;x&lt;/b&gt; &amp; y", "—", "17", "—", "—"],
    ]
    # numbers right-aligned, a number or a date of one word kept on one line, longer text free to wrap
    assert '<td class="num">256</td>' in html and '<td class="whole">WT2020-012</td>' in html
    assert "<td>&lt;b&gt;x&lt;/b&gt; &amp; y</td>" in html


def test_a_long_table_prints_its_first_rows_and_says_where_the_rest_are():
    frame = pd.DataFrame({"n": range(printed_table.MOST_PRINTED_ROWS + 5)})
    note = i18n.t("table.print_cut", "zh", shown=printed_table.MOST_PRINTED_ROWS, count="305")
    html = printed_table.html_table(frame, [], "—", note)
    assert len(_cells(html)) == printed_table.MOST_PRINTED_ROWS == 300
    assert note == "打印件列出前300条，共305条；完整清单请下载 CSV 或 Excel 文件" and note in html
    whole = printed_table.html_table(frame.head(300), [], "—", note)
    assert len(_cells(whole)) == 300 and note not in whole


def test_only_a_cell_with_a_run_no_line_can_break_is_broken_anywhere():
    """A URL or a 60-character word in 问题描述 kept its column as wide as itself and pushed the printed table past the
    paper's edge (tests/browser/test_layout_browser.py measures it printed); such a cell alone is marked to break
    anywhere: "In progress" and Chinese text break as before."""
    frame = pd.DataFrame(
        {
            "问题描述": [
                "详见https://oa.example.gov.cn/supervision/issues/2020/0914/plan.pdf",
                "Counterrevolutionariesinternationalisationsuperconductivityx",
                "公务接待审批把关不严，存在廉洁风险隐患公务接待审批把关不严，存在廉洁风险隐患",
                "In progress, a description in English words of ordinary length",
            ]
        }
    )
    html = printed_table.html_table(frame, [], "—")
    assert re.findall(r"<td([^>]*)>", html) == [' class="unbroken"', ' class="unbroken"', "", ""]
