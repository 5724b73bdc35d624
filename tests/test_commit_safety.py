"""Nothing lost: two imports at the same moment, and a crash between any two steps of a multi-table commit.

The race runs two long-lived worker processes (Python and pandas loaded once),
each told to import at the same instant, 20 times; the crashes run the commit in
a child process that dies (``os._exit``, as a kill would) at one step, after
which start-up recovery must leave the folder byte for byte as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from oversight import ingest
from oversight.auth import audit
from oversight.data import store
from oversight.ingest import checked_folder, commit, folder_lock, import_history
from tests.bad_files import HEADERS, hash_tree, issue, meeting, one_more_reminder, write_xlsx

pytestmark = pytest.mark.slow  # imports killed and raced in child processes

ROOT = Path(__file__).resolve().parent.parent
TRIES = 20

_WORKER = textwrap.dedent("""
    import contextlib, io, json, os, sys
    from pathlib import Path
    from oversight import ingest
    from oversight.ingest import commit, import_plan
    from oversight.__main__ import main
    plans = {}
    print("ready", flush=True)
    for line in sys.stdin:
        order = json.loads(line)
        os.environ["OVERSIGHT_DATA_DIR"] = order["folder"]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            if order["do"] == "cli":
                code = main(["import", order["file"], "--table", "meetings", "--mode", "append", "--lang", "en"])
            elif order["do"] == "plan":
                plans[order["folder"]] = import_plan.plan_import(Path(order["file"]), "meetings", "append",
                                                                 Path(order["folder"]))
                code = 0 if plans[order["folder"]].ok else 1
            else:
                try:
                    commit.apply_import(plans.pop(order["folder"]), user="page")
                    code = 0
                except ingest.ValidationError as error:
                    print(error.render("en"), file=sys.stderr)
                    code = 1
        print(json.dumps({"code": code, "out": out.getvalue(), "err": err.getvalue()}), flush=True)
""")


class Worker:
    def __init__(self, tmp: Path):
        (tmp / "users.toml").touch()  # no accounts: local mode (a named users file that is missing is refused)
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "OVERSIGHT_USERS_FILE": str(tmp / "users.toml"),
            "OVERSIGHT_AUDIT_LOG": str(tmp / "audit.jsonl"),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER], cwd=ROOT, env=env, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self.process.stdout.readline().strip() == "ready"

    def send(self, **order) -> None:
        self.process.stdin.write(json.dumps(order) + "\n")
        self.process.stdin.flush()

    def result(self) -> dict:
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("race-workers")
    pair = [Worker(tmp), Worker(tmp)]
    yield pair
    for worker in pair:
        worker.close()


def _batches(tmp: Path) -> list[Path]:
    return [
        write_xlsx(
            tmp / f"{who}.xlsx", {"会议": [HEADERS["meetings"], *[meeting(f"HY2021-{who}{i:03d}") for i in range(3)]]}
        )
        for who in ("A", "B")
    ]


def _meeting_ids(folder: Path) -> set[str]:
    return set(checked_folder.read_folder(folder)["meetings"]["meeting_id"])


def test_two_cli_imports_at_the_same_moment_both_land(workers, tmp_path):
    files = _batches(tmp_path)
    for attempt in range(TRIES):
        folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / f"try{attempt}")
        for worker, file in zip(workers, files):  # back to back: both start within a millisecond
            worker.send(do="cli", folder=str(folder), file=str(file))
        results = [worker.result() for worker in workers]
        assert [r["code"] for r in results] == [0, 0], results  # the second waited for the first
        ids = _meeting_ids(folder)
        assert {f"HY2021-{who}{i:03d}" for who in "AB" for i in range(3)} <= ids, f"try {attempt} lost rows"
        assert len(ids) == 573 + 6
        assert len(import_history.list_history(folder)) == 2


def test_two_page_imports_checked_before_either_applies_never_both_succeed(workers, tmp_path):
    """The Data page checks, then imports on a later click: the second apply finds the data changed."""
    files = _batches(tmp_path)
    for attempt in range(TRIES):
        folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / f"try{attempt}")
        for worker, file in zip(workers, files):
            worker.send(do="plan", folder=str(folder), file=str(file))
        assert [worker.result()["code"] for worker in workers] == [0, 0]
        for worker in workers:
            worker.send(do="apply", folder=str(folder))
        results = [worker.result() for worker in workers]
        codes = sorted(r["code"] for r in results)
        assert codes == [0, 1], results
        refused = next(r for r in results if r["code"] == 1)
        assert refused["err"].strip() == (
            "the data changed after it was checked (perhaps another import); check again before importing"
        )
        winner = "A" if results[0]["code"] == 0 else "B"
        ids = _meeting_ids(folder)
        assert {f"HY2021-{winner}{i:03d}" for i in range(3)} <= ids  # what was reported imported is there
        assert len(ids) == 573 + 3


# ---------------------------------------------------------------- a crash between any two steps

_CRASH = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from oversight.ingest import commit, import_plan
    step, count = sys.argv[1], int(sys.argv[2])
    calls = []

    def dying(original):
        def wrapper(*args, **kwargs):
            calls.append(1)
            if len(calls) == count:
                os._exit(137)  # as SIGKILL or a power cut would: no cleanup runs
            return original(*args, **kwargs)
        return wrapper

    def audit_line(entry):
        from oversight.auth import audit
        audit.record("import", account="crash", details={"entry": entry.id})

    if step == "before_commit":
        hook = dying(audit_line)
    elif step == "after_the_audit_line":
        def hook(entry):
            audit_line(entry)
            os._exit(137)
    else:
        hook = audit_line
        setattr(commit, step, dying(getattr(commit, step)))
    folder = Path(os.environ["OVERSIGHT_DATA_DIR"])
    plan = import_plan.plan_import([Path(p) for p in sys.argv[3:]], mode="append", folder=folder)
    assert plan.ok, plan.problems
    commit.apply_import(plan, user="crash", before_commit=hook)
    print("committed")
""")

# (function that dies, on which call): every step between the journal and the commit point
CRASH_POINTS = [
    ("keep_previous", 1),  # journal written, history entry being built
    ("stage_file", 1),  # history entry in place, first new file being staged
    ("stage_file", 2),  # first staged, second being staged
    ("before_commit", 1),  # both staged, the audit line about to be written
    ("after_the_audit_line", 1),  # the audit line written, no file replaced yet
    ("rename_into_place", 1),  # about to replace the first table's file
    ("rename_into_place", 2),  # first table replaced, second not: a mixed folder
    ("verify_folder", 1),  # both replaced, not yet verified, journal still there
]


def _crash_in_child(step: str, count: int, folder: Path, files: list[Path]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OVERSIGHT_DATA_DIR": str(folder)}
    return subprocess.run(
        [sys.executable, "-c", _CRASH, step, str(count), *map(str, files)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("step,count", CRASH_POINTS, ids=[f"{s}#{c}" for s, c in CRASH_POINTS])
def test_a_crash_at_any_step_of_a_multi_table_commit_is_rolled_back_at_start_up(step, count, tmp_path):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    commit.import_files(one_more_reminder(tmp_path), mode="append", folder=folder)  # history exists already
    files = [
        write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
        write_xlsx(tmp_path / "i.xlsx", {"问题": [HEADERS["issues"], issue()]}),
    ]
    before = hash_tree(folder)
    history_before = [entry.id for entry in import_history.list_history(folder)]

    crashed = _crash_in_child(step, count, folder, files)
    assert crashed.returncode == 137, crashed.stderr
    assert folder_lock.needs_recovery(folder)

    assert folder_lock.recover_if_interrupted(folder) is not None or step == "keep_previous"
    assert hash_tree(folder) == before
    # an import whose audit line was written before the crash is paired with its rollback, same entry id; once the
    # journal says the line is being written, a crash before it leaves the rollback line alone (an attempt, undone),
    # never an import line with nothing after it (a crash right after the line left one)
    lines = [(line["action"], line["details"]["entry"]) for line in audit.read_audit()]
    if step in ("after_the_audit_line", "rename_into_place", "verify_folder"):
        assert [action for action, _ in lines] == ["import", "import_rolled_back"] and lines[0][1] == lines[1][1]
    elif step == "before_commit":
        assert [action for action, _ in lines] == ["import_rolled_back"]
    else:
        assert lines == []
    assert not folder_lock.needs_recovery(folder)
    assert [entry.id for entry in import_history.list_history(folder)] == history_before  # no import that never was
    assert len(checked_folder.read_folder(folder)["meetings"]) == 573
    commit.import_files(files, mode="append", folder=folder)  # and the next import goes through
    assert len(checked_folder.read_folder(folder)["meetings"]) == 574


def test_a_crash_after_the_commit_point_keeps_the_import(tmp_path):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    files = [write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]})]
    crashed = _crash_in_child("verify_folder", 2, folder, files)  # never called twice: runs to the end
    assert crashed.stdout.strip() == "committed"
    assert not folder_lock.needs_recovery(folder)
    assert len(checked_folder.read_folder(folder)["meetings"]) == 574


def test_the_next_import_also_rolls_back_what_a_crash_left(tmp_path):
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    files = [
        write_xlsx(tmp_path / "m.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0001")]}),
        write_xlsx(tmp_path / "i.xlsx", {"问题": [HEADERS["issues"], issue()]}),
    ]
    before = hash_tree(folder)
    assert _crash_in_child("rename_into_place", 2, folder, files).returncode == 137
    with pytest.raises(ingest.ValidationError):  # a refused import still repairs the folder first
        commit.import_files(
            [write_xlsx(tmp_path / "bad.xlsx", {"会议": [HEADERS["meetings"], meeting(kind="茶话会")]})],
            mode="append",
            folder=folder,
        )
    assert hash_tree(folder) == before
