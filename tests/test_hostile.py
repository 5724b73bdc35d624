"""Every hostile input of the corpus, run as the CLI in a subprocess under a memory limit and a time bound.

Each case asserts the exact lines printed, the exit status, that no traceback
appears, and that the data folder is byte for byte as it was (or, for the
inputs a real ledger carries, that the import went through and the folder loads).
"""

from __future__ import annotations

import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from oversight.ingest import checked_folder
from tests.bad_files import hash_tree, seeded_data_copy
from tests.hostile import CORPUS

ROOT = Path(__file__).resolve().parent.parent
# Python with pandas, pyarrow and DuckDB loaded maps about 1 GB of address space; the bombs asked for 4–500 GB.
MEMORY_LIMIT_BYTES = 1_500 * 1024 * 1024
TIME_LIMIT_S = 120  # a bound, not a benchmark: the slowest case takes a few seconds


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))


def run_cli(args: list[str], data: Path, conf: Path) -> subprocess.CompletedProcess:
    conf.mkdir(parents=True, exist_ok=True)
    (conf / "users.toml").touch()  # no accounts: local mode (a named users file that is missing is refused)
    # jemalloc (pyarrow's default pool) reserves address space by the gigabyte without using it, and aborts
    # under RLIMIT_AS; the system allocator counts what is really used, which is what the limit is about.
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(ROOT),
        "ARROW_DEFAULT_MEMORY_POOL": "system",
        "OVERSIGHT_DATA_DIR": str(data),
        "OVERSIGHT_USERS_FILE": str(conf / "users.toml"),
        "OVERSIGHT_AUDIT_LOG": str(conf / "audit.jsonl"),
        "HOME": str(conf),
        "OVERSIGHT_USER": "hostile-test",
    }
    return subprocess.run(
        [sys.executable, "-m", "oversight", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_S,
        preexec_fn=_limit_memory,
    )


def _matches(expected: list[str], printed: str) -> bool:
    lines = printed.splitlines()
    if len(lines) != len(expected):
        return False
    return all(
        re.fullmatch(re.escape(want).replace(re.escape("{entry}"), r"\S+"), got) for want, got in zip(expected, lines)
    )


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return seeded_data_copy(tmp_path_factory.mktemp("hostile-seed") / "data")


def test_the_corpus_names_are_unique_and_cover_each_class():
    assert len({case.name for case in CORPUS}) == len(CORPUS) >= 15


@pytest.mark.slow
@pytest.mark.parametrize("case", CORPUS, ids=lambda case: case.name)
def test_hostile_input_gets_its_exact_sentence_within_bounds(case, seeded, tmp_path):
    data = shutil.copytree(seeded, tmp_path / "data")
    files = case.build(tmp_path / "incoming")
    before = hash_tree(data)
    started = time.monotonic()
    result = run_cli([case.command, *map(str, files), *case.args], data, tmp_path / "conf")
    elapsed = time.monotonic() - started

    assert "Traceback" not in result.stdout + result.stderr
    assert result.returncode == case.exit_code, result.stdout + result.stderr
    assert _matches(case.expected(case.stdout, files), result.stdout), result.stdout
    assert _matches(case.expected(case.stderr, files), result.stderr), result.stderr
    if case.changes_folder:
        assert hash_tree(data) != before
        checked_folder.read_folder(data)  # and what was written loads
    else:
        assert hash_tree(data) == before
    print(f"{case.name}: {elapsed:.2f} s")


def test_the_bombs_would_not_fit_the_limit_without_the_bound(tmp_path):
    """The memory limit is a real one: the reader asked directly for the far cell fails under it."""
    case = next(c for c in CORPUS if c.name == "one_cell_at_CV1048576")
    [path] = case.build(tmp_path)
    probe = (
        "import python_calamine, sys\n"
        "book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])\n"
        "book.get_sheet_by_name(book.sheet_names[0]).to_python()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(path)], capture_output=True, timeout=TIME_LIMIT_S, preexec_fn=_limit_memory
    )
    assert result.returncode != 0  # killed by the limit (abort) or a MemoryError
