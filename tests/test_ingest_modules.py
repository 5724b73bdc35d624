"""The ingest package's shape: reading a spreadsheet needs no data layer, and every header spelling is one column's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import oversight.ingest as ingest
from oversight.contract.schema import TABLES
from oversight.ingest.cell_text import header_key
from oversight.ingest.headers import find_header

ROOT = Path(__file__).resolve().parent.parent


def test_reading_a_spreadsheet_does_not_load_the_data_layer():
    """The facade is the reading half; the import half (which validates through ``store``) is imported by module."""
    script = (
        "import sys, oversight.ingest\n"
        "print(sorted(m for m in sys.modules if m.startswith(('oversight.data', 'duckdb', 'streamlit'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_facade_exports_what_it_lists():
    assert sorted(ingest.__all__) == sorted(set(ingest.__all__))
    assert all(hasattr(ingest, name) for name in ingest.__all__)


@pytest.mark.parametrize("table", TABLES.values(), ids=lambda t: t.name)
def test_every_header_spelling_names_one_column_of_its_table(table):
    owners: dict[str, set[str]] = {}
    for column in table.columns:
        for spelling in (column.name, column.zh, *column.aliases):
            owners.setdefault(header_key(spelling), set()).add(column.name)
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}


def test_english_aliases_from_the_contract_find_the_header():
    rows = [
        [
            "Meeting ID",
            "Unit",
            "Meeting date",
            "Type",
            "Duration (minutes)",
            "Agenda items",
            "Pre-reviewed",
            "Team attended",
            "Merged meeting",
            "Notes",
        ]
    ]
    header = find_header(rows, TABLES["meetings"])
    assert [column.name for column in header.columns.values()] == [c.name for c in TABLES["meetings"].columns]
