"""Shared fixtures: the sample data in DuckDB, and the default filter (2020, all units)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from oversight.data import queries, store
from oversight.data.filters import DataSpan, Filter
from oversight.ingest import checked_folder


@pytest.fixture(scope="session")
def frames():
    return checked_folder.read_folder(store.SAMPLE_DATA_DIR)


@pytest.fixture(scope="session")
def connection(frames):
    return store.connect(frames)


@pytest.fixture(scope="session")
def span(connection) -> DataSpan:
    return queries.data_span(connection)


@pytest.fixture(scope="session")
def default_filter(span) -> Filter:
    return span.default_filter()


# The briefing pack the document tests read, as the 简报导出 page builds it for the default view with every chart
# ticked: built once per language for the whole session (tests/test_briefing.py reads its files,
# tests/test_office.py renders them with LibreOffice).
BRIEFING_MARKINGS = {"zh": "内部资料 注意保存", "en": "Internal — handle with care"}
BRIEFING_WATERMARK = "leader1 2021-01-05 09:30"
BRIEFING_MADE_AT = datetime(2021, 1, 5, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # the watermark's minute


@pytest.fixture(scope="session", params=["zh", "en"])
def briefing_pack(request, connection, default_filter):
    """(lang, the built pack, the progress steps it reported) for every chart of every page, all four formats."""
    from oversight import briefing
    from oversight.charts import catalog
    from oversight.export import marking

    steps: list[tuple[float, str]] = []
    built = briefing.build_briefing_pack(
        connection,
        default_filter,
        request.param,
        catalog.all_charts(),
        progress=lambda fraction, message: steps.append((fraction, message)),
        marking=marking.Marking(BRIEFING_MARKINGS[request.param], BRIEFING_WATERMARK, BRIEFING_MADE_AT),
    )
    return request.param, built, steps


@pytest.fixture(autouse=True)
def _sample_data_dir(monkeypatch):
    """Every test reads the sample data unless it points OVERSIGHT_DATA_DIR elsewhere itself."""
    monkeypatch.delenv("OVERSIGHT_DATA_DIR", raising=False)


@pytest.fixture(autouse=True)
def _private_accounts(tmp_path, tmp_path_factory, monkeypatch):
    """No test reads or writes the real users file or audit log: each gets its own, empty (local mode).

    The file exists because the CLI refuses a named users file that is missing (``accounts.accounts_for_cli``);
    it lives outside ``tmp_path``, which tests expect to find as they left it.
    """
    users = tmp_path_factory.mktemp("accounts") / "users.toml"
    users.touch()
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(users))
    monkeypatch.setenv("OVERSIGHT_AUDIT_LOG", str(tmp_path / "conf" / "audit.jsonl"))


_TESTS = Path(__file__).resolve().parent
# fixtures that build a briefing pack or render it: a test that uses one is slow, wherever it lives
_SLOW_FIXTURES = frozenset({"briefing_pack", "pack", "rendered"})


def pytest_collection_modifyitems(items):
    """Markers from where a test lives, so a new test file is in the right group without remembering to mark it:
    tests/browser/ → browser, tests/cluster/ → cluster, tests/test_app_*.py → apptest, a test using a fixture that
    builds a briefing pack → slow (make test-fast leaves them all out)."""
    for item in items:
        path = Path(str(item.fspath)).resolve()
        folder = path.parent.relative_to(_TESTS).parts[:1] if path.is_relative_to(_TESTS) else ()
        if folder == ("browser",):
            item.add_marker(pytest.mark.browser)
        elif folder == ("cluster",):
            item.add_marker(pytest.mark.cluster)
        if path.name.startswith("test_app_"):
            item.add_marker(pytest.mark.apptest)
        if _SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
