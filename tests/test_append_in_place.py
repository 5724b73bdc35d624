"""An append is written onto the ledger's own workbook: the rows before kept byte for byte, the rows added after them.

The values are checked independently (``tests.oracle`` reads the written workbook with pandas and openpyxl), the
Parquet cache the commit fills without parsing is checked against a parse of the file, and undo gives back the exact
bytes. A sheet the rows cannot simply follow (a 合计 row under the table) is written whole, as before.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from oversight.contract.schema import TABLES
from oversight.data import store
from oversight.ingest import checked_folder, commit, import_plan, ledger_append, sheets
from oversight.ingest.cells import Context, UnitResolver
from tests import oracle
from tests.bad_files import HEADERS, meeting, write_xlsx

ADDED = [
    meeting("HY2021-0001", "省政府研究室", date(2020, 12, 30), duration=90, notes="  两端有空格 "),
    meeting("HY2021-0002", "省政府研究室", date(2020, 12, 31), kind="党组(党委)会议", items=7, merged="是"),
    # text Excel reads as an escaped character, and text a spreadsheet would run as a formula
    meeting("HY2021-0003", "省政府研究室", date(2020, 12, 31), duration=45, notes="_x0041_ & <b> =1+1"),
    meeting("HY2021-0004", "省政府研究室", date(2020, 12, 31), notes="_x005F_x0041_ 原样"),
]


@pytest.fixture
def folder(tmp_path, monkeypatch):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    monkeypatch.setenv("OVERSIGHT_DATA_DIR", str(folder))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    checked_folder.read_folder(folder)  # the cache warm, as the dashboard leaves it
    return folder


def _upload(tmp_path: Path, rows: list[list]) -> Path:
    return write_xlsx(tmp_path / "added.xlsx", {"会议": [HEADERS["meetings"], *rows]})


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {name: book.read(name) for name in book.namelist()}


def _parsed(folder: Path) -> pd.DataFrame:
    """meetings.xlsx parsed afresh, not from the cache."""
    context = Context(units=UnitResolver.from_units(checked_folder.read_folder(folder)["units"]))
    return sheets.read_table(folder / "meetings.xlsx", TABLES["meetings"], context)


def test_an_append_keeps_the_ledgers_bytes_and_adds_its_rows_after_them(folder, tmp_path):
    before = (folder / "meetings.xlsx").read_bytes()
    plan = import_plan.plan_import(_upload(tmp_path, ADDED), "meetings", "append", folder)
    assert plan.ok, plan.problems
    assert set(plan.in_place) == {"meetings"}

    commit.apply_import(plan, "tester")

    old, new = _parts(before), _parts((folder / "meetings.xlsx").read_bytes())
    assert old.keys() == new.keys()
    sheet = "xl/worksheets/sheet1.xml"
    assert {name: data for name, data in new.items() if name != sheet} == {
        name: data for name, data in old.items() if name != sheet
    }
    kept, added = old[sheet].split(b"</sheetData>")[0], new[sheet].split(b"</sheetData>")[0]
    rows_before = len(oracle.read_ledgers(store.SAMPLE_DATA_DIR).meetings)
    # the rows before, byte for byte (the declared extent aside), then the four rows at Excel rows n+2 … n+5
    assert added.replace(b"A1:J%d" % (rows_before + 5), b"A1:J%d" % (rows_before + 1)).startswith(kept)
    assert added[len(kept) :].count(b"<row ") == 4
    assert b'<row r="%d">' % (rows_before + 2) in added[len(kept) :]


def test_the_ledger_appended_reads_as_before_and_the_rows_added(folder, tmp_path):
    """Read independently (pandas + openpyxl): every meeting before, then the four, with their values."""
    before = oracle.read_ledgers(folder).meetings
    plan = import_plan.plan_import(_upload(tmp_path, ADDED), "meetings", "append", folder)
    commit.apply_import(plan, "tester")

    after = oracle.read_ledgers(folder).meetings
    assert len(after) == len(before) + 4
    pd.testing.assert_frame_equal(after.iloc[: len(before)], before)
    added = after.iloc[len(before) :]
    assert list(added["meeting_id"]) == ["HY2021-0001", "HY2021-0002", "HY2021-0003", "HY2021-0004"]
    assert list(added["unit"]) == ["research"] * 4
    assert list(added["date"]) == [date(2020, 12, 30), *[date(2020, 12, 31)] * 3]
    assert list(added["minutes"]) == [90.0, 60.0, 45.0, 60.0]
    assert list(added["merged"]) == [False, True, False, False]
    # the notes as the check read them from the file (its spaces trimmed, Excel's _xHHHH_ escape read as Excel reads
    # it), and as Excel's reading gives them back from the ledger (pandas' calamine engine; openpyxl leaves escapes)
    read = ["两端有空格", "", "A & <b> =1+1", "_x0041_ 原样"]
    assert list(plan.from_files["meetings"]["notes"].fillna("")) == read
    notes = pd.read_excel(folder / "meetings.xlsx", engine="calamine")["备注"].iloc[-4:]
    assert list(notes.fillna("")) == read


def test_the_cache_the_commit_fills_is_what_the_file_parses_as(folder, tmp_path):
    """The commit puts the ledger before and the rows added in the cache instead of parsing the file: the same frame
    a parse of the file gives, column types included, and the folder then reads nothing again."""
    plan = import_plan.plan_import(_upload(tmp_path, ADDED), "meetings", "append", folder)
    commit.apply_import(plan, "tester")

    cached = checked_folder.read_folder(folder)["meetings"]
    parsed = _parsed(folder)
    shutil.rmtree(folder / ".cache")
    from_cold_cache = checked_folder.read_folder(folder)["meetings"]  # parsed, stored and read as the cache keeps it
    pd.testing.assert_frame_equal(cached, from_cold_cache)
    pd.testing.assert_frame_equal(cached.astype(object), parsed.astype(object).reset_index(drop=True))


def test_undo_of_an_append_in_place_gives_back_the_exact_bytes_and_rows(folder, tmp_path):
    bytes_before = {path.name: path.read_bytes() for path in folder.glob("*.xlsx")}
    rows_before = checked_folder.read_folder(folder)["meetings"]
    plan = import_plan.plan_import(_upload(tmp_path, ADDED), "meetings", "append", folder)
    commit.apply_import(plan, "tester")

    commit.undo_last(folder, "tester")

    assert {path.name: path.read_bytes() for path in folder.glob("*.xlsx")} == bytes_before
    pd.testing.assert_frame_equal(checked_folder.read_folder(folder)["meetings"], rows_before)


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The spreadsheets read cell by cell (a table from the Parquet cache reads none): the folder's reader's and the
    would-be folder's check's."""
    opened: list[str] = []
    real_table, real_sheets = sheets.read_table, import_plan.load_sheets

    def reading_table(path, table, context=None):
        opened.append(Path(path).name)
        return real_table(path, table, context)

    def loading_sheets(path, *args, **kwargs):
        opened.append(Path(path).name)
        return real_sheets(path, *args, **kwargs)

    monkeypatch.setattr(sheets, "read_table", reading_table)
    monkeypatch.setattr(import_plan, "load_sheets", loading_sheets)
    return opened


def test_undo_of_an_append_reads_no_ledger_and_every_figure_is_the_restored_files(folder, tmp_path, parses):
    """Undo cost a whole read (190,000 meetings: 14.4 s of CPU against the append's 1.9 s): its check parsed the
    would-be folder without a cache, and the restored file's new modification time gave it a new cache key. The
    entry now keeps the ledger's cache file and the key is the file's bytes; the figures after undo are the restored
    spreadsheets' own, recomputed with pandas."""
    plan = import_plan.plan_import(_upload(tmp_path, ADDED), "meetings", "append", folder)
    commit.apply_import(plan, "tester")
    store.open_folder(folder)  # the dashboard read the appended data
    parses.clear()

    commit.undo_last(folder, "tester")
    connection = store.open_folder(folder)

    assert parses == []
    ledgers = oracle.read_ledgers(folder)
    assert "HY2021-0001" not in set(ledgers.meetings["meeting_id"])
    by_unit = connection.execute(
        "select unit, count(*), sum(duration_min), count(*) filter (where agenda_prereviewed) from meetings group by unit"
    ).fetchall()
    expected = ledgers.meetings.groupby("unit").agg(
        meetings=("meeting_id", "size"), minutes=("minutes", "sum"), prereviewed=("prereviewed", "sum")
    )
    assert sorted((unit, n, float(m), p) for unit, n, m, p in by_unit) == sorted(
        (unit, int(row.meetings), float(row.minutes), int(row.prereviewed)) for unit, row in expected.iterrows()
    )
    assert len(by_unit) == 9 and sum(n for _, n, _, _ in by_unit) == len(ledgers.meetings) > 0


def test_a_kept_cache_file_that_is_not_what_its_name_says_is_not_served_after_undo(folder, tmp_path):
    """The entry's cache file is used only after its check: one replaced by another table's rows is parsed again."""
    plan = import_plan.plan_import(_upload(tmp_path, ADDED), "meetings", "append", folder)
    entry = commit.apply_import(plan, "tester")
    kept = next((entry.path / "cache").glob("meetings.*.parquet"))
    forged = next((folder / ".cache").glob("meetings.*.parquet"))  # the appended ledger's rows, 4 too many
    kept.unlink()
    shutil.copyfile(forged, kept)

    commit.undo_last(folder, "tester")

    assert len(checked_folder.read_folder(folder)["meetings"]) == len(oracle.read_ledgers(folder).meetings)


def test_a_commit_that_fails_after_filling_the_cache_leaves_the_folder_as_it_was(folder, tmp_path, monkeypatch):
    bytes_before = {path.name: path.read_bytes() for path in folder.glob("*.xlsx")}
    rows_before = checked_folder.read_folder(folder)["meetings"]
    plan = import_plan.plan_import(_upload(tmp_path, ADDED), "meetings", "append", folder)

    def fails(_folder: Path) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(commit, "verify_folder", fails)
    with pytest.raises(OSError):
        commit.apply_import(plan, "tester")

    assert {path.name: path.read_bytes() for path in folder.glob("*.xlsx")} == bytes_before
    assert not (folder / ".history").exists() or not any((folder / ".history").iterdir())
    pd.testing.assert_frame_equal(checked_folder.read_folder(folder)["meetings"], rows_before)


def test_a_ledger_with_a_total_row_under_it_is_written_whole(folder, tmp_path):
    """A 合计 row under the records: a row added after it is not simply the next record, so the ledger is rewritten."""
    meetings = oracle.read_ledgers(folder).meetings
    rows = [meeting(row.meeting_id, "省政府研究室", row.date) for row in meetings.head(5).itertuples()]
    write_xlsx(folder / "meetings.xlsx", {"会议": [HEADERS["meetings"], *rows, ["合计", None, None, None, 300]]})
    checked_folder.read_folder(folder)
    current = (folder / "meetings.xlsx").read_bytes()
    added = pd.DataFrame({column.name: [None] for column in TABLES["meetings"].columns})
    assert ledger_append.append_rows(current, TABLES["meetings"], added, None, 5) is None

    plan = import_plan.plan_import(_upload(tmp_path, ADDED[:1]), "meetings", "append", folder)
    assert plan.ok, plan.problems
    assert not plan.in_place
    commit.apply_import(plan, "tester")
    assert list(oracle.read_ledgers(folder).meetings["meeting_id"]) == [*meetings["meeting_id"].head(5), "HY2021-0001"]


@pytest.mark.parametrize(
    "sheets",
    [
        # a title row above the header: the header is not the sheet's first row
        {"会议": [["2020年会议台账"], HEADERS["meetings"], meeting("HY2020-0001"), meeting("HY2020-0002")]},
        # one sheet a year: which sheet the rows join cannot be told
        {
            "2019": [HEADERS["meetings"], meeting("HY2019-0001")],
            "2020": [HEADERS["meetings"], meeting("HY2020-0001")],
        },
        # a blank row between the records
        {"会议": [HEADERS["meetings"], meeting("HY2020-0001"), [], meeting("HY2020-0002")]},
    ],
    ids=["title row", "two sheets", "blank row"],
)
def test_a_sheet_the_rows_cannot_simply_follow_is_not_appended_to(tmp_path, sheets):
    added = pd.DataFrame([meeting("HY2021-0001")], columns=[column.name for column in TABLES["meetings"].columns])
    added["date"] = date(2020, 12, 1)
    plain = {"会议": [HEADERS["meetings"], meeting("HY2020-0001"), meeting("HY2020-0002")]}
    # the same writer's plain ledger takes the row: what refuses the others is their sheet
    assert ledger_append.append_rows(
        write_xlsx(tmp_path / "plain.xlsx", plain).read_bytes(), TABLES["meetings"], added, None, 2
    )
    current = write_xlsx(tmp_path / "meetings.xlsx", sheets).read_bytes()
    assert ledger_append.append_rows(current, TABLES["meetings"], added, None, 2) is None


def test_rows_that_would_not_read_back_as_the_files_send_the_ledger_to_be_written_whole(folder, tmp_path, monkeypatch):
    """Valid is not enough: a row written onto the ledger that reads back other than the file's row (here every text
    mangled) is not committed; the ledger is written whole and reads as the file said."""
    monkeypatch.setattr(ledger_append, "_escaped", lambda text: text + "改")
    plan = import_plan.plan_import(_upload(tmp_path, ADDED[:2]), "meetings", "append", folder)
    assert plan.ok, plan.problems
    assert not plan.in_place and not plan.read_as
    commit.apply_import(plan, "tester")
    after = oracle.read_ledgers(folder).meetings
    assert list(after["meeting_id"].iloc[-2:]) == ["HY2021-0001", "HY2021-0002"]
    assert list(after["unit"].iloc[-2:]) == ["research", "research"]
