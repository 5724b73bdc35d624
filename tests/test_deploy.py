"""What docs/DEPLOY.md and docs/ALERTS.md tell an administrator to install and run, run: the service and the
scheduled pushes share one environment, the timers fire in Beijing time, the backup command, the nginx site, and
``make system-cluster`` leaving no system nginx behind."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

from deploy import cluster
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


# ---------------------------------------------------------------- nginx in front of one process


def _debian_like_http(tmp_path: Path, site: str) -> Path:
    """A main config shaped like Debian's nginx.conf (gzip on, conf.d/*.conf included inside http {}), with its
    files under ``tmp_path``, and ``site`` as conf.d/oversight.conf."""
    (tmp_path / "conf.d").mkdir(parents=True)
    (tmp_path / "conf.d" / "oversight.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {tmp_path}/{kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi"))
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path}/access.log;\n    client_body_temp_path {tmp_path}/body;\n{temp}\n"
        f"    gzip on;\n    include {tmp_path}/conf.d/*.conf;\n}}\n",
        encoding="utf-8",
    )
    return main


def _nginx_test(main: Path) -> subprocess.CompletedProcess:
    binary = cluster.nginx_binary()
    return subprocess.run(
        [binary, "-t", "-p", str(main.parent), "-c", str(main), "-e", str(main.parent / "error.log")],
        capture_output=True,
        text=True,
    )


@pytest.mark.skipif(not (shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK)), reason="no nginx")
def test_the_documented_nginx_site_is_accepted_by_nginx(tmp_path, capsys):
    """DEPLOY §1 said to take the template's server block and an upstream line: nginx refused it
    ([emerg] unknown "oversight_route" variable), the maps that define its variables being left out."""
    (documented,) = [line for block in _blocks(DEPLOY, "sh") for line in block.splitlines() if "--site" in line]
    argv = shlex.split(documented.split(" > ", 1)[0])
    assert argv[:3] == [".venv/bin/python", "-m", "deploy.cluster"]
    assert cluster.main(argv[3:]) == 0
    site = capsys.readouterr().out
    assert "map $cookie_oversight_route $oversight_route {" in site and "server 127.0.0.1:8501 max_fails=0;" in site
    checked = _nginx_test(_debian_like_http(tmp_path / "site", site))
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr
    # what the old instruction gave, for contrast: the server block and the upstream without the maps
    server_only = site[site.index("upstream oversight_replicas") :]
    refused = _nginx_test(_debian_like_http(tmp_path / "server-only", server_only))
    assert refused.returncode != 0 and 'unknown "oversight_route" variable' in refused.stderr


# ---------------------------------------------------------------- make system-cluster


def _stub(folder: Path, name: str, status: int = 0) -> None:
    script = folder / name
    script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{folder}/calls"\nexit {status}\n')
    script.chmod(0o755)


@pytest.mark.parametrize("systemd", [True, False], ids=["systemd", "no-systemd"])
def test_installing_nginx_for_the_cluster_leaves_no_system_nginx_running(tmp_path, systemd):
    """Debian's package enabled nginx.service with its default site on port 80 ("Welcome to nginx", at every boot);
    make cluster runs an nginx of its own. Without systemd (this container) the disable step fails, quietly."""
    stubs = tmp_path / "bin"
    stubs.mkdir()
    _stub(stubs, "apt-get")
    _stub(stubs, "systemctl", 0 if systemd else 1)
    sites = tmp_path / "sites-enabled"
    sites.mkdir()
    (sites / "default").symlink_to(tmp_path / "sites-available-default")
    make = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "system-cluster", "SUDO=", "NGINX=/nonexistent/nginx"]
        + [f"NGINX_DEFAULT_SITE={sites / 'default'}"],
        capture_output=True,
        text=True,
        env={"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert make.returncode == 0, make.stderr
    assert (stubs / "calls").read_text().splitlines() == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends nginx",
        "systemctl disable --now nginx",
    ]
    assert not (sites / "default").is_symlink()


def test_an_nginx_already_there_is_left_alone(tmp_path):
    stubs = tmp_path / "bin"
    stubs.mkdir()
    _stub(stubs, "apt-get")
    _stub(stubs, "systemctl")
    _stub(stubs, "nginx")
    make = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "system-cluster", "SUDO=", f"NGINX_DEFAULT_SITE={tmp_path / 'default'}"],
        capture_output=True,
        text=True,
        env={"PATH": f"{stubs}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert make.returncode == 0, make.stderr
    assert not (stubs / "calls").exists()  # nothing installed, enabled or disabled


@pytest.mark.parametrize("name", ALERT_UNITS)
def test_a_timers_job_is_started_again_only_where_nothing_unrecorded_went_out(name):
    """A push that failed at 08:30 (the network down a minute) waited a week for the next run. The units start it
    again on the exit status whose failures never went out (4: the run started again sends only those), bounded, and
    on no other: on 6 a message may have gone out unrecorded, and a restart (or Restart=on-failure, which also
    restarts a run killed midway) would send it twice."""
    from oversight.cli import schedule

    unit = _unit(_file(ALERTS, f"/etc/systemd/system/{name}.service"))
    service = unit["Service"]
    # systemd refuses RestartForceExitStatus= on a oneshot service ("Refusing", systemd-analyze verify, 252)
    assert service["Type"] == "exec" and service.get("Restart", "no") == "no"
    assert [int(code) for code in service["RestartForceExitStatus"].split()] == list(schedule.RETRY_SAFE)
    assert schedule.MAY_HAVE_SENT not in schedule.RETRY_SAFE and service["RestartSec"] == "15min"
    assert (unit["Unit"]["StartLimitIntervalSec"], unit["Unit"]["StartLimitBurst"]) == ("2h", "4")


@pytest.mark.parametrize("name", ALERT_UNITS)
def test_systemd_accepts_the_timers_services(tmp_path, name):
    """systemd's own reading of each documented service, where its tools are installed: a setting it refuses
    (RestartForceExitStatus= on Type=oneshot) makes the whole unit unusable."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("no systemd-analyze here")
    text = _file(ALERTS, f"/etc/systemd/system/{name}.service")
    service = _unit(text)["Service"]
    # the machine has neither the service user nor the checkout: those lines are checked by the tests above
    for key in ("User", "WorkingDirectory", "EnvironmentFile", "ExecStart"):
        text = text.replace(f"{key}={service[key]}\n", "ExecStart=/bin/true\n" if key == "ExecStart" else "")
    unit = tmp_path / f"{name}.service"
    unit.write_text(text, encoding="utf-8")
    verified = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True)
    assert verified.returncode == 0, verified.stderr


# ---------------------------------------------------------------- log rotation


def _rotated_logs() -> tuple[list[str], str]:
    """DEPLOY's logrotate file for the cluster's logs (the first; the audit log's is the second): its paths and
    settings."""
    block, _audit = _blocks(DEPLOY, "logrotate")
    ((paths, body),) = re.findall(r"^(\S[^{]*)\{(.*?)^\}", block, flags=re.M | re.S)
    return paths.split(), body


def test_the_documented_log_rotation_covers_every_log_the_cluster_writes():
    """The cluster's logs grew without end and DEPLOY said nothing of rotating them: every log nginx's config and
    deploy/cluster.py name is rotated, by copying and truncating (each is held open with O_APPEND)."""
    run_dir = Path("/run/oversight")  # the CLUSTER_DIR the documentation's example uses
    config = cluster.render(cluster.layout(run_dir))
    nginx_logs = re.findall(r"^\s*(?:access_log|error_log)\s+(\S+?)[;\s]", config, flags=re.M)
    assert sorted(nginx_logs) == [f"{run_dir}/access.log", f"{run_dir}/error.log"]
    paths, settings = _rotated_logs()
    assert sorted(paths) == sorted([*nginx_logs, f"{run_dir}/nginx.out", f"{run_dir}/replica-*.log"])
    assert "copytruncate" in settings and "postrotate" not in settings
    # what the cluster names the logs it opens, and how it opens them
    source = (ROOT / "deploy" / "cluster.py").read_text(encoding="utf-8")
    assert 'f"replica-{port}.log"' in source and '"nginx.out"' in source and 'open(log, "ab")' in source


def test_a_log_written_with_o_append_goes_on_at_the_start_after_copytruncate(tmp_path):
    """Why copytruncate is right for a replica's log: the replica's descriptor is O_APPEND (``open(log, "ab")``
    in deploy/cluster.py), so after the truncation its next line starts the file, with no hole of zeros."""
    log = tmp_path / "replica-8611.log"
    with open(log, "ab", buffering=0) as replica:
        replica.write(b"a line before the rotation\n")
        shutil.copyfile(log, tmp_path / "replica-8611.log.1")  # logrotate's copytruncate: copy ...
        os.truncate(log, 0)  # ... then truncate in place
        replica.write(b"the next line\n")
    assert log.read_bytes() == b"the next line\n"
    assert (tmp_path / "replica-8611.log.1").read_bytes() == b"a line before the rotation\n"


def test_nginx_goes_on_at_the_start_of_its_access_log_after_copytruncate(tmp_path):
    """The same for nginx's own logs, on a running nginx with the cluster's kind of log and pid lines."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.skip("no nginx here")
    import time
    import urllib.request

    from tests.test_offline import _free_port

    port = _free_port()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp_path / "tmp" / name).mkdir(parents=True)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log warn;\nevents {{}}\nhttp {{\n"
        f"  access_log {tmp_path}/access.log;\n  client_body_temp_path {tmp_path}/tmp/body;\n"
        f"  proxy_temp_path {tmp_path}/tmp/proxy;\n  fastcgi_temp_path {tmp_path}/tmp/fastcgi;\n"
        f"  uwsgi_temp_path {tmp_path}/tmp/uwsgi;\n  scgi_temp_path {tmp_path}/tmp/scgi;\n"
        f"  server {{ listen 127.0.0.1:{port}; location / {{ return 204; }} }}\n}}\n"
    )
    command = [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "error.log")]
    process = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    log = tmp_path / "access.log"

    def ask() -> None:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                return
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.2)

    def logged(count: int) -> bytes:
        deadline = time.monotonic() + 10  # nginx writes the line just after the answer
        while (written := log.read_bytes()).count(b"GET / ") < count:
            assert time.monotonic() < deadline, written
            time.sleep(0.05)
        return written

    try:
        ask()
        ask()
        assert logged(2).count(b"GET / ") == 2
        shutil.copyfile(log, tmp_path / "access.log.1")
        os.truncate(log, 0)
        ask()
        after = logged(1)
        assert after.count(b"GET / ") == 1 and b"\0" not in after and after.startswith(b"127.0.0.1 ")
    finally:
        process.terminate()
        process.wait(10)


def test_the_documented_audit_log_rotation_renames_and_keeps_every_copy():
    """The audit log is rotated by renaming (the page reads the renamed copies): never copied and truncated (a line
    written during the copy is lost), compressed a rotation late (a replica may still end the renamed copy), the
    copies kept, and the new file left for the replica that writes next to create."""
    _cluster, block = _blocks(DEPLOY, "logrotate")
    ((paths, body),) = re.findall(r"^(\S[^{]*)\{(.*?)^\}", block, flags=re.M | re.S)
    assert [Path(path).name for path in paths.split()] == ["audit.jsonl"]
    settings = body.split()
    assert "copytruncate" not in settings and "nocreate" in settings and "delaycompress" in settings
    assert int(settings[settings.index("rotate") + 1]) >= 1000
