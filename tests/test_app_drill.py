"""From a figure to the list behind it (AppTest): a key figure's 查看清单 and a bar's click open a dialog whose rows
are the figure's rows, recomputed here with pandas from the spreadsheets (tests/oracle.py), with its downloads."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from oversight.contract.schema import CATEGORIES
from oversight.export import data_files
from oversight.present import drill
from oversight.ui import drill_dialog
from tests import oracle
from tests.apptest import run_page

ISSUES, SUGGESTIONS = "pages/02_issues.py", "pages/03_suggestions.py"


@pytest.fixture(scope="module")
def view():
    """The default view, 2020 Q1–Q4, all units, from the spreadsheets."""
    return oracle.View(
        oracle.read_ledgers(oracle.Path(__file__).resolve().parent.parent / "data"), (), (2020, 1), (2020, 4)
    )


def _dialogs(at) -> list:
    """The dialog blocks of the last run (AppTest puts them outside the main area; it has no accessor for them)."""
    found = []

    def walk(node):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "dialog":
                found.append(child)
            walk(child)

    walk(at._tree)
    return found


def _open(at, card_key: str):
    at.button(key=f"drill.card.{card_key}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    dialogs = _dialogs(at)
    assert len(dialogs) == 1
    return dialogs[0]


def test_the_overdue_card_opens_the_overdue_issues(view):
    at = run_page(ISSUES)
    shown = next(m for m in at.metric if m.label == "逾期未整改")
    dialog = _open(at, "overdue")
    expected = view.overdue_list()  # (issue id, days overdue), most overdue first
    title = f"逾期未整改问题（{len(expected)}个，截至2020年12月31日）"
    assert dialog.proto.dialog.title == title and shown.value == f"{len(expected)}个"
    table = dialog.get("dataframe")[0].value
    assert list(zip(table["问题编号"], table["逾期天数"])) == expected
    files = [re.sub(r"\\(.)", r"\1", button.proto.help) for button in dialog.get("download_button")]  # as shown
    assert files == ["下载：逾期未整改问题清单_2020Q1-2020Q4.csv", "下载：逾期未整改问题清单_2020Q1-2020Q4.xlsx"]
    at.run()  # the next run does not bring the dialog back
    assert _dialogs(at) == []


def test_a_category_bar_opens_that_categorys_issues_in_english(view):
    issues = view.issues
    code = issues["category"].value_counts().index[0]  # the longest bar (the oracle keeps the contract's codes)
    assert code in CATEGORIES
    at = run_page(ISSUES, {"lang": "en"})
    # what the bar's click (drill_dialog.request_from_click) leaves in the session: the chart and the bar's code
    at.session_state[drill_dialog.REQUEST_KEY] = ("issues_by_category", code)
    at.run()
    dialogs = _dialogs(at)
    assert len(dialogs) == 1
    expected = sorted(issues.loc[issues["category"] == code, "issue_id"])
    table = dialogs[0].get("dataframe")[0].value
    assert sorted(table["Issue no."]) == expected
    assert dialogs[0].proto.dialog.title.startswith(
        "Issues raised: "
    ) and f"({len(expected)}, as of 31 December 2020)" in (dialogs[0].proto.dialog.title)


def test_a_past_quarters_overdue_list_names_the_day_it_is_counted_at():
    """For 2020年第3季度 the dialog said 数据截至2020年12月31日 over issues counted overdue at 30 September (164 days
    overdue then, 256 by the data date): its title names the day, as the page's table does."""
    q3 = oracle.View(
        oracle.read_ledgers(oracle.Path(__file__).resolve().parent.parent / "data"), (), (2020, 3), (2020, 3)
    )
    at = run_page(ISSUES, {"from": "2020Q3", "to": "2020Q3"})
    dialog = _open(at, "overdue")
    expected = q3.overdue_list()
    assert dialog.proto.dialog.title == f"逾期未整改问题（{len(expected)}个，截至2020年9月30日）"
    table = dialog.get("dataframe")[0].value
    assert list(zip(table["问题编号"], table["逾期天数"])) == expected


def test_the_suggestions_card_opens_every_suggestion_of_the_view(view):
    at = run_page(SUGGESTIONS)
    dialog = _open(at, "suggestions")
    table = dialog.get("dataframe")[0].value
    expected = view.suggestions
    assert len(table) == len(expected) == int(next(m for m in at.metric if m.label == "意见建议").value.rstrip("条"))
    made = sorted(pd.to_datetime(table["提出日期"]).dt.date)
    assert made == sorted(expected["made"]) and min(made) >= date(2020, 1, 1)


def test_the_lists_download_escapes_formulas():
    frame = pd.DataFrame(
        {
            "issue_id": ["WT-1"],
            "unit_id": ["gov_office"],
            "name_zh": ["省政府办公厅"],
            "name_en": ["General Office"],
            "status_at_end": ["open"],
            "due_date": [date(2020, 3, 1)],
            "rectified_date": [None],
            "days_to_rectify": [None],
            "date_raised": [date(2020, 1, 2)],
            "category": ["conduct"],
            "source": ["daily"],
            "description": ['=HYPERLINK("http://example.invalid","x")'],
        }
    )
    table = drill.ISSUES.table(frame, "zh")
    csv = data_files.table_csv_bytes(table).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "\n=HYPERLINK" not in csv and ",=HYPERLINK" not in csv


def test_a_card_of_nothing_offers_no_list_and_keeps_its_place():
    """A 查看清单 under a card of 0 opened an empty list: it is greyed out, with a tooltip saying why, and stays, so
    that the cards' row keeps one height. 2019年第1季度 (the first quarter of the sample) raised issues, none of
    them overdue at its end."""
    first = oracle.View(
        oracle.read_ledgers(oracle.Path(__file__).resolve().parent.parent / "data"), (), (2019, 1), (2019, 1)
    )
    assert len(first.issues) > 0 and first.overdue_list() == []  # the oracle's own counts
    at = run_page(ISSUES, {"from": "2019Q1", "to": "2019Q1"})
    overdue, issues = at.button(key="drill.card.overdue"), at.button(key="drill.card.issues")
    assert overdue.disabled and overdue.proto.help == "“逾期未整改”为0，没有可列出的记录"
    assert not issues.disabled and issues.proto.help == "打开“指出问题”所统计的清单，可下载"
    at = run_page(ISSUES, {"lang": "en", "from": "2019Q1", "to": "2019Q1"})
    assert at.button(key="drill.card.overdue").proto.help == "“Overdue” is 0: there is nothing to list"
