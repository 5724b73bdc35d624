"""The sample data: deterministic, committed up to date, and telling the article's story."""

from __future__ import annotations

import hashlib

import pandas as pd

from oversight.contract.schema import LOAD_ORDER, TABLES
from oversight.data import store
from oversight.devdata import sample


def test_regenerating_the_sample_reproduces_the_committed_files_byte_for_byte(tmp_path):
    sample.write(tmp_path)
    for name in LOAD_ORDER:
        committed = (store.SAMPLE_DATA_DIR / TABLES[name].file_name).read_bytes()
        regenerated = (tmp_path / TABLES[name].file_name).read_bytes()
        assert hashlib.sha256(committed).hexdigest() == hashlib.sha256(regenerated).hexdigest(), name


def test_the_sample_files_use_the_chinese_headers_as_the_office_would():
    raw = pd.read_excel(store.SAMPLE_DATA_DIR / "issues.xlsx", engine="calamine")
    assert list(raw.columns) == [c.zh for c in TABLES["issues"].columns]
    assert set(raw["单位"]) <= set(sample.make_units()["name_zh"])
    assert set(raw["整改状态"]) <= {"未整改", "整改中", "已整改"}


def test_the_nine_units_are_the_ones_the_issue_names():
    units = sample.make_units()
    assert list(units["unit_id"]) == [
        "gov_office",
        "research",
        "offices_admin",
        "petitions",
        "counsellors",
        "foreign_affairs",
        "data_admin",
        "beijing_office",
        "chronicles",
    ]
    assert dict(zip(units["unit_id"], units["short_names"]))["beijing_office"] == "驻京办"


def test_every_sample_table_reads_back_valid_with_the_expected_row_counts(frames):
    counts = {name: len(frame) for name, frame in frames.items()}
    assert counts["units"] == 9
    assert counts["issues"] == 11 + 16
    assert counts["suggestions"] == 13 + 19
    assert counts["meetings"] == 341 + 232
