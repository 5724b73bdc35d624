"""A units sheet that renames or removes a unit the other ledgers still name: one problem per unit, with the count
of rows (recounted here from the ledgers' own cells), in the reader's language, and nothing written."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from oversight.data import store
from oversight.ingest import import_plan, unit_references
from tests.bad_files import HEADERS, hash_tree, unit_rows, write_xlsx

_LEDGERS = ("meetings", "issues", "suggestions", "reminders", "activities")


@pytest.fixture
def data_folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    return folder


def _rows_naming(folder, name: str) -> int:
    """Rows of the other ledgers whose 单位 cell says ``name``, read with pandas from the files themselves."""
    count = 0
    for ledger in _LEDGERS:
        for frame in pd.read_excel(folder / f"{ledger}.xlsx", sheet_name=None, engine="openpyxl").values():
            if "单位" in frame.columns:
                count += int((frame["单位"].astype(str).str.strip() == name).sum())
    return count


def _units_file(tmp_path, rows):
    return write_xlsx(tmp_path / "incoming" / "units.xlsx", {"监督单位": [HEADERS["units"], *rows]})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_rename_the_ledgers_still_use_is_one_problem_with_its_count(data_folder, tmp_path, lang):
    before = hash_tree(data_folder)
    renamed = [
        [*row[:1], "省人民政府研究室", *row[2:3], "研究室", *row[4:]] if row[0] == "research" else row
        for row in unit_rows()
    ]
    plan = import_plan.plan_import(_units_file(tmp_path, renamed), "units")
    problems = [p for p in plan.problems if p.message_key != import_plan.FOLDER_WOULD_BREAK]
    assert [p.message_key for p in problems] == ["error.unit_renamed_in_use"]
    expected = _rows_naming(data_folder, "省政府研究室")
    assert expected > 10  # the sample's research office has meetings, issues, reminders …
    assert problems[0].params["count"] == expected
    message = problems[0].render(lang)
    assert "省政府研究室" in message and "省人民政府研究室" in message and str(expected) in message
    assert ("简称" in message) and (("第" in message) if lang == "zh" else ("row" in message.lower()))
    assert problems[0].file.endswith(".xlsx") and problems[0].row is not None  # where the first such row is
    assert hash_tree(data_folder) == before  # nothing written


def test_the_old_name_kept_as_a_short_name_imports(data_folder, tmp_path):
    kept = [
        [*row[:1], "省人民政府研究室", *row[2:3], "研究室、省政府研究室", *row[4:]] if row[0] == "research" else row
        for row in unit_rows()
    ]
    plan = import_plan.plan_import(_units_file(tmp_path, kept), "units")
    assert plan.problems == []
    assert plan.changes["units"].changed == ("research",)


def test_a_removed_unit_the_ledgers_use_is_one_problem_with_its_count(data_folder, tmp_path):
    plan = import_plan.plan_import(
        _units_file(tmp_path, [row for row in unit_rows() if row[0] != "petitions"]), "units"
    )
    problems = [p for p in plan.problems if p.message_key != import_plan.FOLDER_WOULD_BREAK]
    assert [p.message_key for p in problems] == ["error.unit_removed_in_use"]
    assert problems[0].params["count"] == _rows_naming(data_folder, "省信访局") > 0
    assert "petitions" in problems[0].render("en")


def test_other_problems_of_the_folder_stay_as_they_were():
    from oversight.ingest.checked_folder import read_folder
    from oversight.ingest.problems import Problem

    before = read_folder(store.SAMPLE_DATA_DIR)["units"]
    after = before[before["unit_id"] != "petitions"]
    unknown = [
        Problem(file="meetings.xlsx", sheet="会议", row=row, message_key="error.unit_unknown", params={"value": value})
        for row, value in ((5, "信访局"), (6, "省信访局"), (7, "从未登记的单位"), (9, "petitions"))
    ]
    other = Problem(file="issues.xlsx", sheet="问题", row=3, message_key="error.date_invalid", params={"value": "x"})
    result = unit_references.summarised([unknown[0], other, *unknown[1:]], before, after)
    assert [(p.message_key, p.row, p.params.get("count")) for p in result] == [
        ("error.unit_removed_in_use", 5, 3),  # its three spellings, at the first of them
        ("error.date_invalid", 3, None),
        ("error.unit_unknown", 7, None),  # never a unit: as it was
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_removed_unit_one_row_still_uses_is_said_as_one_row(lang):
    """ "yet 1 rows of the other ledgers belong to it, this the first" for the only such row."""
    from oversight.ingest.checked_folder import read_folder
    from oversight.ingest.problems import Problem

    before = read_folder(store.SAMPLE_DATA_DIR)["units"]
    after = before[before["unit_id"] != "petitions"]
    unknown = Problem(
        file="meetings.xlsx", sheet="会议", row=5, message_key="error.unit_unknown", params={"value": "信访局"}
    )
    (problem,) = unit_references.summarised([unknown], before, after)
    message = problem.render(lang)
    if lang == "en":
        assert "a row of the other ledgers, this one, belongs to it" in message and "rows" not in message
    else:
        assert "其他台账仍有1行属于它，即此行" in message and "第一行" not in message


@pytest.mark.parametrize("column", [1, 2, 3])  # 单位名称, 英文名称, 简称
def test_a_name_over_two_lines_is_refused_where_a_description_may_have_them(data_folder, tmp_path, column):
    """A unit named "第二单位\\n省政府研究室（research）" was imported, and split the digest's heading in two (an attack
    review); a brief of it could never be e-mailed. Names and numbers are one line; a description may have several."""
    before = hash_tree(data_folder)
    rows = [list(row) for row in unit_rows()]
    rows[0][column] = f"{rows[0][column]}\n省政府研究室（research）"
    plan = import_plan.plan_import(_units_file(tmp_path, rows), "units")
    (problem,) = [p for p in plan.problems if p.message_key == "error.line_break"]
    assert problem.row == 2 and "省政府研究室（research）" in problem.render("zh")
    assert "工作表“监督单位” · 第2行" in problem.render("zh") and "含有换行或制表符" in problem.render("zh")
    assert hash_tree(data_folder) == before

    from oversight.contract.schema import TABLES
    from oversight.ingest import cells

    description = next(c for c in TABLES["issues"].columns if c.name == "description")
    assert cells.cell_parser(description, cells.Context())("第一行\n第二行") == "第一行\n第二行"


@pytest.mark.parametrize("column", [1, 2, 3, 5])  # 单位名称, 英文名称, 简称, 英文简称
def test_a_name_as_long_as_a_page_is_refused_where_a_description_may_be_that_long(data_folder, tmp_path, column):
    """A unit named with 10,000 characters (a description pasted into the name's column) was imported: the brief's
    cover said 监督范围： and left the page blank, the name filled the next five pages, and again wherever a sentence
    named the unit (a 58-page PDF for 4 units). A name or a number holds at most 100 characters; a description, as
    many as a cell."""
    before = hash_tree(data_folder)
    rows = [list(row) for row in unit_rows()]
    rows[0][column] = "省" + "长" * 9_998 + "局"
    plan = import_plan.plan_import(_units_file(tmp_path, rows), "units")
    (problem,) = plan.problems
    assert (problem.message_key, problem.row) == ("error.name_too_long", 2)
    zh, en = problem.render("zh"), problem.render("en")
    letter = "ABCDEF"[column]
    assert f"units.xlsx · 工作表“监督单位” · 第2行 · {letter}列" in zh
    assert "“省" + "长" * 18 + "…”有10,000个字符，名称、编号最多100个字符" in zh
    assert f"units.xlsx · sheet “监督单位” · row 2 · column {letter}" in en
    assert "“省" + "长" * 18 + "…” holds 10,000 characters; a name or a number holds at most 100" in en
    assert len(zh) < 300 and len(en) < 400
    assert hash_tree(data_folder) == before

    from oversight.contract.schema import TABLES
    from oversight.ingest import cells

    description = next(c for c in TABLES["issues"].columns if c.name == "description")
    assert cells.cell_parser(description, cells.Context())("描" * 10_000) == "描" * 10_000
    name = next(c for c in TABLES["units"].columns if c.name == "name_zh")
    assert cells.cell_parser(name, cells.Context())("长" * 100) == "长" * 100
    with pytest.raises(cells.CellError):
        cells.cell_parser(name, cells.Context())("长" * 101)
