"""The sidebar's filter says what it does for every account and page: the empty unit filter names what it stands
for (every unit, or a unit account's own), and the pages the filter does not cut say so without losing the view."""

from __future__ import annotations

import pytest

from oversight.auth import accounts, roles
from oversight.data import store
from tests import oracle
from tests.apptest import metrics, run_page
from tests.test_app_roles import PASSWORD, sign_in

UNITS = "widget.units"


@pytest.fixture
def scoped_users():
    accounts.add_user("leader", PASSWORD, roles.LEADER)
    accounts.add_user("bangongting", PASSWORD, roles.UNIT, units=["gov_office"])
    accounts.add_user("two", PASSWORD, roles.UNIT, units=["petitions", "research"])


def _placeholder(at) -> str:
    return at.multiselect(key=UNITS).proto.placeholder


@pytest.mark.parametrize(
    "username, lang, expected",
    [
        ("leader", "zh", "全部单位"),
        ("leader", "en", "All units"),
        # a unit account's empty filter read 全部单位 while it saw one unit: named, as its chips name it
        ("bangongting", "zh", "省政府办公厅"),
        ("bangongting", "en", "General Office"),
        ("two", "zh", "全部可见单位（2家）"),
        ("two", "en", "All your units (2)"),
    ],
)
def test_the_empty_unit_filter_names_what_it_stands_for(scoped_users, username, lang, expected):
    at = sign_in(username)
    at.radio(key="widget.lang").set_value(lang).run()
    assert not at.exception
    assert at.multiselect(key=UNITS).value == []
    assert _placeholder(at) == expected


def test_a_full_scope_local_session_reads_all_units():
    assert _placeholder(run_page("app.py")) == "全部单位"


VIEW = {"unit": "petitions", "from": "2020Q3", "to": "2020Q3"}


@pytest.mark.parametrize(
    "script, lang, note",
    [
        ("pages/07_data.py", "zh", "单位和季度筛选不适用于本页。其他页面仍显示：省信访局，2020年第3季度。"),
        ("pages/08_audit.py", "zh", "单位和季度筛选不适用于本页。其他页面仍显示：省信访局，2020年第3季度。"),
        (
            "pages/07_data.py",
            "en",
            "The unit and quarter filters do not apply to this page. Other pages still show: "
            "Petitions Bureau, 2020 Q3.",  # as the other pages' unit chip names it (README 口径说明, 单位名称)
        ),
    ],
)
def test_the_data_and_audit_pages_say_the_filter_does_not_apply_and_keep_the_view(script, lang, note):
    at = run_page(script, {**VIEW, "lang": lang})
    # no unit or quarter filter offered where it cuts nothing, nor a button to clear it
    assert not at.sidebar.multiselect and not at.sidebar.select_slider
    assert not [b for b in at.button if b.key in ("widget.reset", "widget.clear_units")]
    assert note in [caption.value for caption in at.sidebar.caption]
    # the view stays in the URL and in every link of the nav
    assert at.query_params["unit"] == "petitions" and at.query_params["from"] == "2020Q3"
    for link in at.sidebar.get("page_link"):
        assert link.proto.query_string == f"unit=petitions&from=2020Q3&to=2020Q3&lang={lang}"


def test_going_from_the_data_page_to_the_overview_keeps_the_view():
    at = run_page("pages/07_data.py", VIEW)
    at.switch_page("app.py").run()
    assert not at.exception
    assert at.multiselect(key=UNITS).value == ["petitions"]
    assert at.sidebar.select_slider[0].value == ("2020Q3", "2020Q3")
    assert at.query_params["unit"] == "petitions" and at.query_params["to"] == "2020Q3"
    view = oracle.View(oracle.read_ledgers(store.SAMPLE_DATA_DIR), ("petitions",), (2020, 3), (2020, 3))
    assert metrics(at)["会议数量"] == oracle.count_text(len(view.meetings), "meetings", "zh")
