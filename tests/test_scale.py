"""The scale generator: sizes, units, quarters, validity under the contract, determinism, the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from oversight.__main__ import main
from oversight.contract.schema import TABLES
from oversight.devdata import scale
from oversight.ingest import checked_folder

MEETINGS = 2_000


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return scale.build(MEETINGS)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("scale")
    scale.write(out, MEETINGS)
    return out


def test_row_counts_follow_the_meetings(tables):
    assert {name: len(frame) for name, frame in tables.items()} == {
        "units": 504,
        "meetings": 2_000,
        "issues": 100,
        "suggestions": 100,
        "reminders": 200,
        "activities": 200,
    }
    assert scale.row_counts(1_000_000)["issues"] == 50_000


def test_about_five_hundred_distinct_units(tables):
    units = tables["units"]
    assert len(units) == 504
    assert units["unit_id"].is_unique and units["name_zh"].is_unique and units["name_en"].is_unique
    assert set(tables["meetings"]["unit"]) <= set(units["unit_id"])
    assert tables["meetings"]["unit"].nunique() > 400  # spread over most units, unevenly


def test_twelve_quarters_2018_to_2020(tables):
    for name, column in (
        ("meetings", "date"),
        ("issues", "date_raised"),
        ("reminders", "date"),
        ("activities", "date"),
    ):
        days = pd.to_datetime(tables[name][column])
        quarters = sorted(set(zip(days.dt.year, days.dt.quarter)))
        assert quarters == [(year, quarter) for year in (2018, 2019, 2020) for quarter in (1, 2, 3, 4)], name


def test_meetings_get_fewer_and_shorter_each_year(tables):
    meetings = tables["meetings"].assign(year=lambda f: pd.to_datetime(f["date"]).dt.year)
    by_year = meetings.groupby("year").agg(
        count=("meeting_id", "size"), minutes=("duration_min", "mean"), merged=("merged", "mean")
    )
    assert by_year["count"].is_monotonic_decreasing
    assert by_year["minutes"].is_monotonic_decreasing
    assert by_year["merged"].is_monotonic_increasing


def test_the_written_folder_validates_and_reads_back_as_built(folder, tables):
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(f"{t}.xlsx" for t in TABLES)
    frames = checked_folder.read_folder(folder)
    for name, frame in tables.items():
        read = frames[name]
        assert len(read) == len(frame), name
        key = TABLES[name].key.name
        assert list(read[key]) == list(frame[key]), name
    meetings = frames["meetings"]
    assert meetings["duration_min"].sum() == tables["meetings"]["duration_min"].sum()
    assert list(meetings["date"]) == list(tables["meetings"]["date"])
    assert list(meetings["merged"]) == list(tables["meetings"]["merged"])
    suggestions = frames["suggestions"]
    linked = suggestions["issue_id"].dropna()
    assert len(linked) == 60 and set(linked) <= set(frames["issues"]["issue_id"])
    issues = frames["issues"]
    rectified = issues[issues["status"] == "rectified"]
    assert rectified["rectified_date"].notna().all()
    assert (rectified["rectified_date"] >= rectified["date_raised"]).all()


def test_the_same_seed_gives_the_same_data_and_another_seed_does_not(tables):
    again = scale.build(MEETINGS)
    for name in tables:
        pd.testing.assert_frame_equal(again[name], tables[name])
    other = scale.build(MEETINGS, seed=7)
    assert list(other["meetings"]["unit"]) != list(tables["meetings"]["unit"])


def test_csv_folder_reads_the_same_as_xlsx(tmp_path, folder):
    written = scale.write(tmp_path, MEETINGS, csv=True)
    assert sorted(p.name for p in written) == sorted(f"{t}.csv" for t in TABLES)
    from_csv, from_xlsx = checked_folder.read_folder(tmp_path), checked_folder.read_folder(folder)
    for name in TABLES:
        pd.testing.assert_frame_equal(from_csv[name], from_xlsx[name], check_dtype=False)


def test_cli_writes_a_scale_folder(tmp_path, capsys):
    assert main(["sample", "--scale", "300", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in printed) == sorted(f"{t}.xlsx" for t in TABLES)
    assert len(checked_folder.read_folder(tmp_path)["meetings"]) == 300
    assert main(["sample", "--scale", "0", "--out", str(tmp_path)]) == 2


def test_a_full_disk_is_said_in_words_with_nothing_left_behind(tmp_path, monkeypatch, capsys):
    """`sample --scale` onto a full disk (a real 1 MB tmpfs) said 处理失败（FileCreateError）, xlsxwriter's wrapping of
    the disk's error, and Python printed "Exception ignored in: ZipFile.__del__ … OSError: [Errno 28]" with its
    traceback under it: the workbook's zip was left open. It says the folder and the reason now, as the plain sample
    does, and leaves no file behind."""
    import errno
    import zipfile

    from oversight.core import atomic

    real_zip = zipfile.ZipFile.__init__

    def zip_on_a_full_disk(self, file, mode="r", *args, **kwargs):
        if mode != "r" and isinstance(file, str | Path):
            raise OSError(errno.ENOSPC, "No space left on device", str(file))
        return real_zip(self, file, mode, *args, **kwargs)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "__init__", zip_on_a_full_disk)
    monkeypatch.setattr(atomic, "write_beside", full)
    out = tmp_path / "scaled"
    for lang, said in (("zh", f"无法写入 {out}：磁盘空间不足。"), ("en", f"Could not write {out}: the disk is full.")):
        assert main(["sample", "--scale", "2", "--out", str(out), "--lang", lang]) == 1
        assert capsys.readouterr().err.strip() == said
    assert [path.name for path in out.iterdir()] == []
