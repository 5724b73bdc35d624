"""Ctrl+C (and Ctrl+D) at the command line: at a password prompt, during an import or undo, at the start. A sentence
in the command's language on a line of its own, the documented status 130, never a traceback, and the data folder
and the users file as they were, byte for byte. Real signals: a terminal's ^C through a pseudo-terminal, a SIGINT the
process sends itself at the moment named."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from oversight import config
from oversight.auth import accounts
from oversight.cli.main import main
from oversight.data import store
from tests.bad_files import HEADERS, hash_tree, meeting, write_xlsx

PYTHON = str(Path(sys.executable))
# generous: a bound for a command that hangs, not a measurement (nothing is asserted about it)
WAIT_S = 120


@pytest.fixture
def paths(tmp_path, monkeypatch):
    """A data folder of its own, the users file and audit log beside it; the same for the subprocesses."""
    folder = shutil.copytree(store.SAMPLE_DATA_DIR, tmp_path / "data")
    env = {
        "OVERSIGHT_DATA_DIR": str(folder),
        "XDG_CONFIG_HOME": str(tmp_path / "conf"),  # the users file's default place, none there yet: no accounts
        "OVERSIGHT_AUDIT_LOG": str(tmp_path / "conf" / "audit.jsonl"),
        "OVERSIGHT_USER": "王秘书",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("OVERSIGHT_DEBUG", raising=False)
    monkeypatch.delenv("OVERSIGHT_USERS_FILE", raising=False)
    return folder, dict(os.environ, PYTHONPATH=str(config.PROJECT_ROOT), **env)


def _admin(monkeypatch) -> None:
    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.add_user("chief", "correct horse battery", "admin", [], None)


def _new_meeting(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "new.xlsx", {"会议": [HEADERS["meetings"], meeting("HY2021-0801")]})


def _ctrl_c_at_prompt(args: list[str], env: dict[str, str], prompt: str) -> tuple[str, int]:
    """``python -m oversight ARGS`` at a terminal (a pseudo-terminal); when ``prompt`` is shown, the person presses
    Ctrl+C (the terminal sends SIGINT). What the terminal then shows, and the exit status."""
    pid, terminal = pty.fork()
    if pid == 0:  # the command, as a shell starts it: Ctrl+C interrupts it even if the test runner ignores SIGINT
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.execve(PYTHON, [PYTHON, "-m", "oversight", *args], env)
    shown, pressed = b"", False
    while True:
        ready, _, _ = select.select([terminal], [], [], WAIT_S)
        assert ready, f"the command stopped answering; it had shown {shown!r}"
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the command has ended and closed the terminal
            break
        if not chunk:
            break
        shown += chunk
        if not pressed and prompt.encode() in shown:
            os.write(terminal, b"\x03")
            pressed = True
    _, status = os.waitpid(pid, 0)
    os.close(terminal)
    assert pressed, shown
    return shown.decode("utf-8").replace("\r\n", "\n"), os.waitstatus_to_exitcode(status)


@pytest.mark.parametrize(
    ("lang", "prompt", "said"),
    [("zh", "密码：", "已取消，账号未作改动。"), ("en", "Password: ", "Cancelled; no account was changed.")],
)
def test_ctrl_c_at_the_password_prompt_of_user_add(paths, lang, prompt, said):
    """It printed an empty line, exit 1 (as for a wrong input): now the prompt's line is ended, the sentence says
    nothing changed, exit 130; no users file is made."""
    _, env = paths
    shown, status = _ctrl_c_at_prompt(["user", "add", "chief", "--role", "admin", "--lang", lang], env, prompt)
    assert (shown, status) == (f"{prompt}\n{said}\n", 130)
    assert not (Path(env["XDG_CONFIG_HOME"]) / "oversight" / "users.toml").exists()


@pytest.mark.parametrize(
    ("command", "lang", "prompt", "said"),
    [
        ("import", "zh", "密码：", "导入已中断，未导入任何数据，数据文件夹未作改动。"),
        (
            "undo",
            "en",
            "Password: ",
            "The undo was interrupted: no import was undone, and the data folder is as it was.",
        ),
    ],
)
def test_ctrl_c_at_the_admins_password_prompt(paths, tmp_path, monkeypatch, command, lang, prompt, said):
    """``import --user chief`` and Ctrl+C at 密码： ended silently with 3, "refused", as a wrong password does, on the
    prompt's line: now a sentence on a line of its own, 130, the folder byte for byte as it was."""
    folder, env = paths
    _admin(monkeypatch)
    args = [command, "--user", "chief", "--lang", lang]
    if command == "import":
        args[1:1] = [str(_new_meeting(tmp_path)), "--mode", "append"]
    before = hash_tree(folder)
    shown, status = _ctrl_c_at_prompt(args, env, prompt)
    assert (shown, status) == (f"{prompt}\n{said}\n", 130)
    assert hash_tree(folder) == before


_CTRL_C_AFTER_THE_FIRST_FILE = textwrap.dedent(
    """
    import os, signal, sys
    from oversight.ingest import commit

    replace = commit.rename_into_place

    def replace_then_ctrl_c(temporary, target):
        replace(temporary, target)
        os.kill(os.getpid(), signal.SIGINT)  # the clerk's Ctrl+C, one ledger replaced and the next not yet

    commit.rename_into_place = replace_then_ctrl_c
    from oversight.cli.main import main
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize(
    ("command", "lang", "said"),
    [
        ("import", "zh", "导入已中断，未导入任何数据，数据文件夹未作改动。"),
        ("import", "en", "The import was interrupted: nothing was imported, and the data folder is as it was."),
        ("undo", "zh", "撤销已中断，没有撤销任何导入，数据文件夹未作改动。"),
    ],
)
def test_ctrl_c_between_two_ledgers_written_leaves_the_folder_as_it_was(paths, tmp_path, command, lang, said):
    """SIGINT after an import (or undo) of two ledgers has replaced the first: the commit puts it back, and the command
    said nothing, 130, so the clerk could not tell whether the meetings were in. Now it says so; the folder is as it
    was, byte for byte, and the audit log has the attempt and its rollback."""
    folder, env = paths
    # two ledgers the import writes: a meeting's length and an issue's description corrected
    files = [
        str(_corrected(folder, tmp_path, "meetings", 5, 130)),
        str(_corrected(folder, tmp_path, "issues", 6, "（补充）")),
    ]
    if command == "undo":  # the import to undo, made whole first
        assert main(["import", *files, "--mode", "replace"]) == 0
    before = hash_tree(folder)
    args = ["import", *files, "--mode", "replace"] if command == "import" else ["undo"]
    done = subprocess.run(
        [PYTHON, "-c", _CTRL_C_AFTER_THE_FIRST_FILE, *args, "--lang", lang],
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert (done.returncode, done.stderr) == (130, said + "\n")
    assert hash_tree(folder) == before
    actions = [json.loads(line)["action"] for line in Path(env["OVERSIGHT_AUDIT_LOG"]).read_text().splitlines()]
    assert actions[-2:] == [command, f"{command}_rolled_back"]


def _corrected(folder: Path, tmp_path: Path, table: str, column: int, value: object) -> Path:
    """The folder's ledger of ``table`` with its first record's cell in ``column`` corrected (a text gets ``value``
    after it, a number becomes it)."""
    import openpyxl

    book = openpyxl.load_workbook(folder / f"{table}.xlsx")
    cell = book.active.cell(row=2, column=column)
    cell.value = f"{cell.value}{value}" if isinstance(cell.value, str) else value
    path = tmp_path / f"{table}_corrected.xlsx"
    book.save(path)
    return path


_CTRL_C_WHILE_STARTING = textwrap.dedent(
    """
    import importlib.abc, os, signal, sys

    class CtrlC(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name == "oversight.cli.data":  # the command's modules still loading
                sys.meta_path.remove(self)
                os.kill(os.getpid(), signal.SIGINT)
            return None

    sys.meta_path.insert(0, CtrlC())
    """
)


def test_ctrl_c_while_the_command_starts_prints_no_traceback(paths, tmp_path):
    """Ctrl+C in the first half second, while the modules load: importlib's traceback ending in KeyboardInterrupt.
    Now the process ends as any program Ctrl+C ends (the shell's 130), saying nothing."""
    _, env = paths
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(_CTRL_C_WHILE_STARTING, encoding="utf-8")
    env = {**env, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), env["PYTHONPATH"]])}
    done = subprocess.run(
        [PYTHON, "-m", "oversight", "history"],
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert (done.returncode, done.stdout, done.stderr) == (-signal.SIGINT, "", "")


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "已中断（Ctrl+C），命令没有做完。"), ("en", "Interrupted (Ctrl+C); the command did not finish.")],
)
def test_ctrl_c_in_any_other_command_is_a_sentence_and_130(paths, monkeypatch, capsys, lang, said):
    """Elsewhere (history, brief, alerts…) it ended with 130 and no word."""
    from oversight.ingest import import_history

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(import_history, "list_history", interrupted)
    assert main(["history", "--lang", lang]) == 130
    assert capsys.readouterr() == ("", said + "\n")


@pytest.mark.parametrize(
    ("lang", "said"), [("zh", "未输入密码，已取消。"), ("en", "No password was entered; cancelled.")]
)
def test_ctrl_d_at_the_admins_password_prompt_says_so(paths, tmp_path, monkeypatch, capsys, lang, said):
    """Ctrl+D (end of input) at import's 密码： exited 3 without a word."""
    import getpass
    import io

    folder, _ = paths
    _admin(monkeypatch)

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def end_of_input(prompt: str = "") -> str:
        raise EOFError

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr(getpass, "getpass", end_of_input)
    before = hash_tree(folder)
    assert main(["import", str(_new_meeting(tmp_path)), "--mode", "append", "--user", "chief", "--lang", lang]) == 3
    assert capsys.readouterr().err == said + "\n"
    assert hash_tree(folder) == before


def test_ctrl_c_on_a_terminal_that_cannot_show_chinese_is_said_in_english(paths, tmp_path):
    """PYTHONIOENCODING=ascii: the interrupt's sentence could not be printed, and that failure, inside the handler of
    the interrupt, came out as a traceback. ``undo`` prints nothing before it writes."""
    folder, env = paths
    files = [
        str(_corrected(folder, tmp_path, "meetings", 5, 130)),
        str(_corrected(folder, tmp_path, "issues", 6, "。")),
    ]
    assert main(["import", *files, "--mode", "replace"]) == 0
    before = hash_tree(folder)
    done = subprocess.run(
        [PYTHON, "-c", _CTRL_C_AFTER_THE_FIRST_FILE, "undo"],
        env={**env, "PYTHONIOENCODING": "ascii"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=WAIT_S,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert (done.returncode, done.stderr) == (
        130,
        "The undo was interrupted: no import was undone, and the data folder is as it was.\n",
    )
    assert hash_tree(folder) == before


_SIGNAL_AFTER_THE_FIRST_FILE = _CTRL_C_AFTER_THE_FIRST_FILE.replace(
    "signal.SIGINT)", "getattr(signal, os.environ['THE_SIGNAL']))"
)


@pytest.mark.parametrize(("name", "status"), [("SIGHUP", 129), ("SIGTERM", 143)])
def test_a_terminal_closed_mid_import_leaves_the_folder_as_it_was(paths, tmp_path, name, status):
    """The clerk closes the terminal window (SIGHUP), or the machine shuts down (SIGTERM), after the import has
    replaced the first of its two ledgers: Python ended at once, the folder half-written (the first ledger new, the
    second old, the journal and temporary files beside them) until a later command put it back. Now the commit puts
    it back before the process ends, with the shell's status for that signal."""
    folder, env = paths
    files = [
        str(_corrected(folder, tmp_path, "meetings", 5, 130)),
        str(_corrected(folder, tmp_path, "issues", 6, "。")),
    ]
    before = hash_tree(folder)
    done = subprocess.run(
        [PYTHON, "-c", _SIGNAL_AFTER_THE_FIRST_FILE, "import", *files, "--mode", "replace"],
        env={**env, "THE_SIGNAL": name},
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert (done.returncode, done.stderr) == (status, "导入已中断，未导入任何数据，数据文件夹未作改动。\n")
    assert hash_tree(folder) == before
    # no journal, temporary file or history entry left beside the ledgers (the Parquet cache is the reading's own)
    assert sorted(path.name for path in folder.iterdir() if path.name.startswith(".")) == [".cache", ".oversight.lock"]
