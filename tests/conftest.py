"""Shared fixtures: the sample data in DuckDB, and the default filter (2020, all units)."""
from __future__ import annotations

import pytest

from oversight.data import queries, store
from oversight.data.filters import DataSpan, Filter


@pytest.fixture(scope="session")
def frames():
    return store.read_folder(store.SAMPLE_DATA_DIR)


@pytest.fixture(scope="session")
def connection(frames):
    return store.connect(frames)


@pytest.fixture(scope="session")
def span(connection) -> DataSpan:
    return queries.data_span(connection)


@pytest.fixture(scope="session")
def default_filter(span) -> Filter:
    return span.default_filter()


@pytest.fixture(autouse=True)
def _sample_data_dir(monkeypatch):
    """Every test reads the sample data unless it points OVERSIGHT_DATA_DIR elsewhere itself."""
    monkeypatch.delenv("OVERSIGHT_DATA_DIR", raising=False)


@pytest.fixture(autouse=True)
def _private_accounts(tmp_path, monkeypatch):
    """No test reads or writes the real users file or audit log: each gets its own (absent = local mode)."""
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "conf" / "users.toml"))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "conf" / "audit.jsonl"))
