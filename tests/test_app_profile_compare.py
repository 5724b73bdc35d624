"""Units side by side on the unit profile (AppTest): each unit's column of cards holds that unit's own figures,
recomputed here with pandas from the spreadsheets (tests/oracle.py), never a sum; the trends draw one line per
unit with that unit's own counts; the URL keeps the chosen units; a fifth unit is refused; a unit account is
offered nothing to compare."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from oversight.auth import accounts, roles
from tests import oracle
from tests.apptest import figure_titled, run_page

PROFILE = "pages/05_unit_profile.py"
SAMPLE = Path(__file__).resolve().parent.parent / "data"
# card label → the measure it counts, and the unit a Chinese card writes after the number
MEASURES = {
    "zh": {
        "指出问题": ("issues", "个"),
        "意见建议": ("suggestions", "条"),
        "定期会商": ("consultations", "次"),
        "专题研究": ("special_studies", "次"),
        "日常提醒": ("reminders", "次"),
        "会议数量": ("meetings", "次"),
    },
    "en": {
        "Issues": ("issues", ""),
        "Suggestions": ("suggestions", ""),
        "Consultations": ("consultations", ""),
        "Special study sessions": ("special_studies", ""),
        "Reminders": ("reminders", ""),
        "Meetings": ("meetings", ""),
    },
}


def _column_metrics(at, unit_id: str) -> list:
    """The cards in one unit's column (the container keyed ``profile_column_<unit>``)."""

    def find(node):
        for child in getattr(node, "children", {}).values():
            if str(getattr(getattr(child, "proto", None), "id", "")).endswith(f"-profile_column_{unit_id}"):
                return child
            found = find(child)
            if found is not None:
                return found
        return None

    column = find(at.main)
    assert column is not None, f"no column for {unit_id}"
    return list(column.get("metric"))


def _signed(value: oracle.Decimal) -> str:
    return f"{'+' if value > 0 else ''}{value}"


@pytest.mark.parametrize(
    "lang, units, start, end",
    [
        ("zh", ("petitions", "research", "gov_office"), (2020, 1), (2020, 4)),
        ("en", ("data_admin", "gov_office"), (2019, 1), (2019, 4)),
        ("zh", ("foreign_affairs", "research", "petitions", "chronicles"), (2020, 2), (2020, 3)),
        ("en", ("data_admin", "chronicles"), (2019, 1), (2020, 4)),
    ],
)
def test_each_column_holds_its_own_units_figures(lang, units, start, end):
    at = run_page(
        PROFILE,
        {"unit": list(units), "from": f"{start[0]}Q{start[1]}", "to": f"{end[0]}Q{end[1]}", "lang": lang},
    )
    ledgers = oracle.read_ledgers(SAMPLE)
    everyone = oracle.View(ledgers, (), start, end).unit_metrics()
    # each column is headed by the unit's short name (the units sheet's 简称 or 英文简称): 省政务服务和大数据管理局
    # broke mid-word in a phone's column head
    heads = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**") and m.value.endswith("**")]
    sheet = pd.read_excel(SAMPLE / "units.xlsx", engine="openpyxl")  # the office's own sheet, not our reading of it
    shorts = dict(zip(sheet["单位编码"], sheet["简称" if lang == "zh" else "英文简称"]))
    for unit_id in units:
        assert f"**{shorts[unit_id].split(';')[0].strip()}**" in heads, (unit_id, heads)
    for unit_id in units:
        cards = _column_metrics(at, unit_id)
        assert [card.label for card in cards] == list(MEASURES[lang]), unit_id
        for card in cards:
            measure, suffix = MEASURES[lang][card.label]
            mine = everyone[unit_id][measure]
            average = oracle.average_of_units(everyone, measure)
            assert card.value == f"{oracle.half_up(mine, 0):,}{suffix}", (unit_id, measure)
            gap = oracle.half_up(mine - average, 1)
            # a unit level with the average says so (Big Data Admin.'s 2 consultations in 2019–2020, average 2.0)
            # written as the figures are, no trailing .0: +1个 beside 3个 (it read +1.0个)
            written = gap.to_integral() if gap == gap.to_integral() else gap
            expected = f"{_signed(written)}{suffix}" if gap else {"zh": "持平", "en": "level"}[lang]
            assert card.delta == expected, (unit_id, measure)

    # one line per unit, each with that unit's own quarterly counts (not the units added together)
    title = "各单位各季度工作趋势对比" if lang == "zh" else "Quarterly trends, units side by side"
    lines = figure_titled(at, title)["data"]
    assert len(lines) == 4 * len(units)  # four small charts (meetings, reminders, issues, suggestions)
    for index, unit_id in enumerate(units):
        trends = oracle.View(ledgers, (unit_id,), start, end).trends()
        for chart, measure in enumerate(("meetings", "reminders", "issues", "suggestions")):
            line = lines[chart * len(units) + index]
            assert line["y"] == [row[measure] for row in trends], (unit_id, measure)


def test_the_url_keeps_the_chosen_units_and_a_fifth_is_refused():
    at = run_page(PROFILE)
    picker = at.multiselect[0]
    assert picker.value == ["gov_office"]  # with no unit chosen, the first unit, and the URL narrows nothing
    assert picker.proto.select_all == 0  # no "select all" in a picker of at most four: it was always refused
    assert "unit" not in at.query_params
    picker.set_value(["gov_office", "petitions"]).run()
    assert list(at.query_params["unit"]) == ["gov_office", "petitions"]
    assert at.caption[0].value.startswith("监督范围：省政府办公厅、省信访局；")
    assert _column_metrics(at, "petitions")[0].value == "2个"

    four = ["gov_office", "petitions", "research", "data_admin"]
    at.multiselect[0].set_value(four).run()
    assert list(at.query_params["unit"]) == four
    at.multiselect[0].set_value([*four, "chronicles"]).run()
    assert not at.exception
    assert any("最多并排比较4家单位" in warning.value for warning in at.warning)
    assert list(at.query_params["unit"]) == four  # refused: the filter keeps its four units
    assert at.multiselect[0].value == four
    assert len(at.metric) == 6 * 4


def test_more_units_in_the_filter_than_the_profile_compares_are_named():
    at = run_page(PROFILE, {"unit": ["gov_office", "petitions", "research", "data_admin", "chronicles"]})
    assert len(at.metric) == 6 * 4
    assert any("省地方志编纂委员会办公室" in warning.value for warning in at.warning)


def test_a_unit_account_has_nothing_to_compare():
    accounts.add_user("bangongting", "correct-horse-battery", roles.UNIT, units=["gov_office"])
    at = run_page("app.py", {"unit": ["gov_office", "research"]})
    at.text_input(key="widget.login_user").input("bangongting")
    at.text_input(key="widget.login_password").input("correct-horse-battery")
    at.button[0].click().run()
    at.switch_page(PROFILE).run()
    assert not at.exception
    assert [m for m in at.multiselect if m.key.startswith("widget.profile_units")] == []
    assert "省政府研究室" not in " ".join(str(element.value) for element in at.caption)
    assert len(at.metric) == 6  # its own unit's cards only
    assert figure_titled(at, "各季度工作趋势")


@pytest.mark.parametrize("units", [["gov_office"], ["gov_office", "research", "data_admin", "petitions"]])
def test_the_issues_still_to_rectify_put_status_overdue_and_deadline_before_the_description(units):
    """Seen at 390 px and at 1440 px beside four units: the list read Issue, Description, Category, Status …, so
    whether an issue was overdue, and its deadline, stood past the card's edge. The status, 是否逾期 and the deadline
    come first (the unit after them, where several units' issues are listed), the description last."""
    at = run_page(PROFILE, {"unit": units, "lang": "en"})
    assert not at.exception
    table = next(t.value for t in at.dataframe if "Overdue" in t.value.columns)
    unit = ["Unit"] if len(units) > 1 else []
    assert list(table.columns)[: 6 + len(unit)] == [
        "Issue no.",
        "Rectification status",
        "Overdue",
        *unit,
        "Rectification deadline",
        "Days open",
        "Date raised",
    ]
    assert table.columns[-1] in ("Description", "Unit (full name)")
    issues = oracle.read_ledgers(SAMPLE).issues
    as_of = date(2020, 12, 31)
    rectified = issues["rectified"].map(lambda day: day is not None and day <= as_of) & issues["status"].eq("rectified")
    expected = issues[issues["unit"].isin(units) & issues["raised"].map(lambda day: day <= as_of) & ~rectified]
    assert sorted(table["Issue no."]) == sorted(expected["issue_id"])
    overdue = dict(zip(expected["issue_id"], expected["due"].map(lambda day: "Yes" if day < as_of else "No")))
    assert dict(zip(table["Issue no."], table["Overdue"])) == overdue
    assert overdue["WT2020-021"] == "Yes"  # due 7 November, still in progress
