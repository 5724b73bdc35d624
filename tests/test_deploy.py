"""What docs/DEPLOY.md and docs/ALERTS.md tell an administrator to install and run, run: the service and the
scheduled pushes share one environment, the timers fire in Beijing time, and the backup command."""

from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from oversight.core import locking
from oversight.data import store
from oversight.ingest.folder_lock import LOCK_FILE
from oversight.ingest.table_cache import WRITE_LOCK

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = (ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
ALERTS = (ROOT / "docs" / "ALERTS.md").read_text(encoding="utf-8")
# what every process of the deployment must agree on: the data read, the accounts, the audit log, the settings
SHARED = ("OVERSIGHT_DATA_DIR", "OVERSIGHT_USERS_FILE", "OVERSIGHT_AUDIT_LOG", "OVERSIGHT_ALERTS_FILE")


def _blocks(document: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", document, flags=re.S)


def _file(document: str, path: str) -> str:
    """The ``ini`` block of ``document`` that shows the file ``path`` (its first line or the line before it)."""
    for block in _blocks(document, "ini"):
        if block.startswith(f"# {path}\n"):
            return block
    heading = document.split(f"`{path}`", 1)[1]
    return _blocks(heading, "ini")[0]


def _unit(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, comment_prefixes=("#",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd's keys are case-sensitive
    parser.read_string(text)
    return parser


def _environment_file() -> tuple[str, dict[str, str]]:
    service = _unit(_file(DEPLOY, "/etc/systemd/system/oversight.service"))["Service"]
    path = service["EnvironmentFile"]
    lines = _file(DEPLOY, path).splitlines()[1:]
    return path, dict(line.split("=", 1) for line in lines if line.strip())


ALERT_UNITS = ("oversight-alerts", "oversight-brief")


def test_the_service_reads_its_settings_from_one_environment_file():
    path, values = _environment_file()
    assert path == "/etc/oversight/oversight.env"
    assert values == {
        "OVERSIGHT_DATA_DIR": "/srv/oversight-data",
        "OVERSIGHT_USERS_FILE": "/etc/oversight/users.toml",
        "OVERSIGHT_AUDIT_LOG": "/var/log/oversight/audit.jsonl",
        "OVERSIGHT_ALERTS_FILE": "/etc/oversight/alerts.toml",
        "OVERSIGHT_TRUSTED_PROXIES": "127.0.0.1",
    }
    service = _unit(_file(DEPLOY, "/etc/systemd/system/oversight.service"))["Service"]
    # the production data is not the checkout's sample data/
    assert not values["OVERSIGHT_DATA_DIR"].startswith(service["WorkingDirectory"] + "/")
    assert "Environment" not in service  # no second place to set a variable that could disagree


@pytest.mark.parametrize("name", ALERT_UNITS)
def test_a_timers_job_runs_in_the_services_environment(name):
    """ALERTS.md's units set only OVERSIGHT_DATA_DIR=/srv/oversight/data (the checkout's sample data) in
    /opt/oversight: the digest counted 6 overdue issues instead of 67, ``account = "chief"`` was not found, and the
    audit lines went to the service user's home."""
    dashboard = _unit(_file(DEPLOY, "/etc/systemd/system/oversight.service"))["Service"]
    job = _unit(_file(ALERTS, f"/etc/systemd/system/{name}.service"))["Service"]
    for key in ("User", "WorkingDirectory", "EnvironmentFile"):
        assert job[key] == dashboard[key], key
    assert "Environment" not in job
    python = dashboard["ExecStart"].split()[0]
    command = shlex.split(job["ExecStart"])
    assert command[:3] == [python, "-m", "oversight"]
    _, values = _environment_file()
    assert set(SHARED) <= set(values)
    if "--out" in command:  # outside the checkout (brief refuses it) and outside the data folder
        out = command[command.index("--out") + 1]
        assert not out.startswith(dashboard["WorkingDirectory"] + "/")
        assert not out.startswith(values["OVERSIGHT_DATA_DIR"] + "/")


@pytest.mark.parametrize(
    ("name", "when"),
    [
        ("oversight-alerts", "Mon *-*-* 08:30:00 Asia/Shanghai"),
        ("oversight-brief", "*-01,04,07,10-05 09:00:00 Asia/Shanghai"),
    ],
)
def test_the_timers_fire_in_beijing_time(name, when):
    """``OnCalendar=Mon *-*-* 08:30:00`` fired at 08:30 in the server's zone: 16:30 in Beijing on a UTC server."""
    timer = _unit(_file(ALERTS, f"/etc/systemd/system/{name}.timer"))["Timer"]
    assert timer["OnCalendar"] == when
    analyze = shutil.which("systemd-analyze")
    if analyze:  # systemd's own reading of it, where systemd's tools are installed
        read = subprocess.run([analyze, "calendar", when], capture_output=True, text=True, env={"TZ": "UTC"})
        assert read.returncode == 0 and f"Normalized form: {when}" in read.stdout


def test_the_cron_lines_load_the_same_environment_file(tmp_path):
    """Each documented cron line, run by sh with cron's bare environment, up to the command it starts: the
    variables the command then sees are the environment file's."""
    path, values = _environment_file()
    copy = tmp_path / "oversight.env"
    copy.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
    lines = [line for line in _blocks(ALERTS, "cron")[0].splitlines() if line and not line.startswith("#")]
    assert len(lines) == 2
    for line in lines:
        command = line.split(None, 5)[5]
        assert command.startswith("cd /srv/oversight && ")
        prefix, started = command.split(".venv/bin/python -m oversight ", 1)
        assert started.split()[0] in ("alerts", "brief")
        shell = prefix.replace(path, str(copy)).replace("cd /srv/oversight", f"cd {tmp_path}") + "env"
        seen = subprocess.run(["sh", "-c", shell], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
        assert seen.returncode == 0, seen.stderr
        exported = dict(line.split("=", 1) for line in seen.stdout.splitlines() if line.startswith("OVERSIGHT_"))
        assert exported == values
    assert "Asia/Shanghai" in ALERTS.split("### cron", 1)[1].split("```cron", 1)[0]


def test_the_settings_file_is_not_said_to_be_beside_the_users_file():
    assert "(beside the users file)" not in ALERTS


# ---------------------------------------------------------------- backups


def test_the_backup_command_lets_readers_in_and_leaves_out_the_cache_and_the_locks(tmp_path):
    """``flock LOCK tar …`` took the data lock exclusively: readers (shared, as checked_folder takes it) waited for
    the whole backup, and the archive held .cache/ and the lock files the same paragraph says to leave out."""
    (command,) = re.findall(r"flock [^`\n]*tar czf backup\.tgz[^`\n]*", DEPLOY)
    srv = tmp_path / "srv"
    data = shutil.copytree(store.SAMPLE_DATA_DIR, srv / "oversight-data")
    (data / ".history" / "20201108-0930").mkdir(parents=True)
    (data / ".history" / "20201108-0930" / "issues.xlsx").write_bytes(b"the version an import replaced")
    (data / ".cache").mkdir(exist_ok=True)
    (data / ".cache" / "issues.parquet").write_bytes(b"PAR1")
    (data / ".cache" / WRITE_LOCK).touch()
    command = command.strip().replace("/srv/oversight-data", str(data)).replace("-C /srv ", f"-C {srv} ")
    command = command.replace("backup.tgz", str(tmp_path / "backup.tgz"))
    with locking.shared(data / LOCK_FILE, timeout=5):  # a reader, as the dashboard and the timers read
        try:
            run = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=15)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the backup waited for a reader to finish: {command}")
    assert run.returncode == 0, run.stderr
    with tarfile.open(tmp_path / "backup.tgz") as archive:
        names = set(archive.getnames())
    assert "oversight-data/issues.xlsx" in names
    assert "oversight-data/.history/20201108-0930/issues.xlsx" in names
    assert [name for name in names if ".cache" in name or name.endswith(".lock")] == []
