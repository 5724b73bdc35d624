"""N Oversight replicas behind nginx on one machine: render the config, start, stop (``make cluster``).

    python -m deploy.cluster start  --replicas 3 --port 8600 --replica-port 8611 --run-dir test-output/cluster
    python -m deploy.cluster stop   --run-dir test-output/cluster
    python -m deploy.cluster render --replicas 3 --port 8600 --replica-port 8611 --run-dir /srv/oversight/run
    python -m deploy.cluster render --site --replicas 1 --replica-port 8501 --port 8080   # for /etc/nginx/conf.d/

Everything lives in the run directory: one pid file per process (``replica-8611.pid`` …, ``nginx.pid`` written by
nginx itself), their logs, the rendered ``nginx.conf`` and nginx's temporary folders. nginx runs with that
directory as its prefix (``-p``) and in the foreground of a process of its own (``daemon off``), so it never reads
or writes /etc/nginx or /var/lib/nginx, and stopping it is stopping one pid. ``stop`` ends only the processes
whose pid files it finds, and only if each pid still runs the program it was started as.

The replicas share the data folder, the accounts file and the audit log of the environment
(``OVERSIGHT_DATA_DIR``, ``OVERSIGHT_USERS_FILE``, ``OVERSIGHT_AUDIT_LOG``); ``OVERSIGHT_TRUSTED_PROXIES`` defaults to
the address nginx connects from, so the audit log records the browser's address, not nginx's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).with_name("nginx.conf.template")
HOST = "127.0.0.1"
START_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 15.0
MAX_BODY = "32m"
_PLACEHOLDER = re.compile(r"@[A-Z_]+@")


def _language() -> str:
    """The language of the messages: the command line's ``--lang`` (``main`` sets it), else ``OVERSIGHT_LANG``."""
    return _LANG.get() or os.environ.get("OVERSIGHT_LANG", "zh")


_LANG: ContextVar[str | None] = ContextVar("cluster_language", default=None)


def _t(key: str, **params) -> str:
    from oversight.core import i18n

    return i18n.t(key, _language(), **params)


class ClusterError(RuntimeError):
    """A sentence for the operator (already translated)."""


@dataclass(frozen=True)
class Layout:
    """Where the cluster listens and keeps its files."""

    run_dir: Path
    port: int = 8600
    replica_ports: tuple[int, ...] = (8611, 8612, 8613)
    host: str = HOST
    # the address nginx connects to the replicas from (``proxy_bind``); None = the system's choice
    proxy_source: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def replica_url(self, port: int) -> str:
        return f"http://{self.host}:{port}"

    def pid_file(self, port: int) -> Path:
        return self.run_dir / f"replica-{port}.pid"

    @property
    def nginx_pid_file(self) -> Path:
        return self.run_dir / "nginx.pid"

    @property
    def config(self) -> Path:
        return self.run_dir / "nginx.conf"


def layout(run_dir: Path, replicas: int = 3, port: int = 8600, replica_port: int = 8611, **options) -> Layout:
    return Layout(Path(run_dir).resolve(), port, tuple(range(replica_port, replica_port + replicas)), **options)


def render(plan: Layout, template: str | None = None) -> str:
    """The nginx.conf for ``plan``; raises if the template names a placeholder this code does not fill."""
    text = template if template is not None else TEMPLATE.read_text(encoding="utf-8")
    servers = "\n".join(f"        server {plan.host}:{port} max_fails=0;" for port in plan.replica_ports)
    values = {
        "@RUN_DIR@": str(plan.run_dir),
        "@LISTEN@": f"{plan.host}:{plan.port}",
        "@UPSTREAM_SERVERS@": servers,
        "@MAX_BODY@": MAX_BODY,
        "@PROXY_BIND@": f"        proxy_bind {plan.proxy_source};" if plan.proxy_source else "",
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    left = _PLACEHOLDER.findall(text)
    if left:
        raise ClusterError(f"nginx.conf.template: unknown placeholders {sorted(set(left))}")
    return text


SITE_START = "    # ---- the site:"
SITE_END = "    # ---- end of the site"


def site(config: str) -> str:
    """The part of a rendered config that goes inside a production nginx's own ``http {}`` (a file in
    /etc/nginx/conf.d/): the maps, the upstream and the server block, without the cluster's pid, logs, temporary
    paths and gzip (Debian's nginx.conf sets gzip itself, and a second ``gzip on`` is refused as a duplicate)."""
    start, end = config.index(SITE_START), config.index(SITE_END)
    lines = config[start:end].splitlines()
    return "\n".join(line.removeprefix("    ") for line in lines).rstrip() + "\n"


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if not found:
        raise ClusterError(_t("cluster.no_nginx"))
    return found


def _alive(pid: int, program: str) -> bool:
    """The pid runs and is still the program we started (pids are reused)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return program in command


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ClusterError(_t("cluster.exited", url=url, log=log))
        if _healthy(url):
            return
        time.sleep(0.3)
    raise ClusterError(_t("cluster.timeout", url=url, log=log))


def _port_free(host: str, port: int) -> bool:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def start_replica(plan: Layout, port: int) -> subprocess.Popen:
    """One Streamlit process on ``port``, detached into its own session so the shell that started it can go."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **plan.extra_env}
    env.setdefault("OVERSIGHT_TRUSTED_PROXIES", plan.proxy_source or plan.host)
    log = plan.run_dir / f"replica-{port}.log"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "oversight.ui.serve",  # streamlit run app.py, with the store and caches warmed at start
                "--server.port",
                str(port),
                "--server.address",
                plan.host,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    plan.pid_file(port).write_text(f"{process.pid}\n")
    return process


def start_nginx(plan: Layout) -> subprocess.Popen:
    binary = nginx_binary()
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (plan.run_dir / "tmp" / name).mkdir(parents=True, exist_ok=True)
    plan.config.write_text(render(plan), encoding="utf-8")
    command = [binary, "-p", str(plan.run_dir), "-c", str(plan.config), "-e", str(plan.run_dir / "error.log")]
    checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
    if checked.returncode != 0:
        raise ClusterError(_t("cluster.bad_config", detail=(checked.stderr or checked.stdout).strip()))
    log = plan.run_dir / "nginx.out"
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [*command, "-g", "daemon off;"],
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    _wait_healthy(plan.url, process, plan.run_dir / "error.log")
    return process


def start(plan: Layout) -> dict[str, int]:
    """Start every replica, wait until each answers, then nginx; the pids by name. Stops what it started on failure."""
    plan.run_dir.mkdir(parents=True, exist_ok=True)
    if running(plan):
        raise ClusterError(_t("cluster.already_running", run_dir=plan.run_dir))
    busy = [port for port in (plan.port, *plan.replica_ports) if not _port_free(plan.host, port)]
    if busy:
        raise ClusterError(_t("cluster.port_busy", ports=", ".join(map(str, busy))))
    started: dict[str, int] = {}
    try:
        processes = {port: start_replica(plan, port) for port in plan.replica_ports}
        for port, process in processes.items():  # started together, waited for in turn: the starts overlap
            _wait_healthy(plan.replica_url(port), process, plan.run_dir / f"replica-{port}.log")
            started[f"replica-{port}"] = process.pid
        started["nginx"] = start_nginx(plan).pid
    except BaseException:
        stop(plan)
        raise
    return started


def running(plan: Layout) -> dict[str, int]:
    """The cluster's processes that are up, from their pid files."""
    found = {}
    for port in plan.replica_ports:
        pid = _read_pid(plan.pid_file(port))
        if pid and _alive(pid, "oversight.ui.serve"):
            found[f"replica-{port}"] = pid
    pid = _read_pid(plan.nginx_pid_file)
    if pid and _alive(pid, "nginx"):
        found["nginx"] = pid
    return found


def _pid_files(run_dir: Path) -> list[tuple[Path, str]]:
    replicas = sorted(run_dir.glob("replica-*.pid"))
    return [(run_dir / "nginx.pid", "nginx"), *[(path, "oversight.ui.serve") for path in replicas]]


def stop(plan: Layout | Path) -> list[str]:
    """Stop nginx first (no new requests), then each replica: TERM, then KILL after a grace period."""
    run_dir = plan.run_dir if isinstance(plan, Layout) else Path(plan).resolve()
    stopped = []
    for path, program in _pid_files(run_dir):
        pid = _read_pid(path)
        if pid and _alive(pid, program):
            os.kill(pid, signal.SIGTERM)  # nginx: fast shutdown; streamlit: closes its sessions
            deadline = time.monotonic() + STOP_TIMEOUT_S
            while _alive(pid, program) and time.monotonic() < deadline:
                _reap(pid)
                time.sleep(0.1)
            if _alive(pid, program):
                os.kill(pid, signal.SIGKILL)
            _reap(pid)
            stopped.append(path.stem)
        path.unlink(missing_ok=True)
    return stopped


def _reap(pid: int) -> None:
    """Collect a child we started ourselves (in tests), so it does not linger as a zombie that looks alive."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def _help(key: str) -> str:
    return _t(f"cluster.help.{key}")


def _layout_options(parser: argparse.ArgumentParser, *, port: bool = True) -> None:
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("N", 3)), help=_help("replicas"))
    if port:
        parser.add_argument("--port", type=int, default=8600, help=_help("port"))
    parser.add_argument("--replica-port", type=int, default=8611, help=_help("replica_port"))


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--run-dir", type=Path, default=ROOT / "test-output" / "cluster", help=_help("run_dir"))
    parser.add_argument("--lang", choices=("zh", "en"), help=_help("lang"))


def build_parser() -> argparse.ArgumentParser:
    """The command line, with every help in the language being spoken (``usage_language.speaking``) as
    ``python -m oversight``'s is: each subcommand says what it does, and takes only the options it reads."""
    from oversight.cli import usage_language

    parser = usage_language.Parser(prog="python -m deploy.cluster", description=_help("main"))
    # no dest: argparse names a missing subcommand by its choices ({start,stop,…})
    actions = parser.add_subparsers(required=True)
    for action in ("start", "stop", "status", "render"):
        command = actions.add_parser(action, help=_help(action), description=_help(action))
        command.set_defaults(action=action)
        if action != "stop":  # stop reads the pid files it finds in the run directory, whatever the layout
            _layout_options(command, port=action != "status")
        _common_options(command)
        if action == "render":
            command.add_argument("--site", action="store_true", help=_help("site"))
    return parser


def _requested_language(argv: list[str]) -> str | None:
    """The ``--lang`` given (the last one, as argparse takes it), else None: ``OVERSIGHT_LANG`` then decides."""
    from oversight.cli import usage_language

    given = any(token == "--lang" or token.startswith("--lang=") for token in argv)
    return usage_language.requested_language(argv) if given else None


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    from oversight.cli import usage_language

    arguments = sys.argv[1:] if argv is None else argv
    _LANG.set(_requested_language(arguments))
    with usage_language.speaking(_language()):
        return build_parser().parse_args(arguments)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if args.action == "stop":
        for name in stop(args.run_dir):
            print(_t("cluster.stopped", name=name))
        return 0
    plan = layout(args.run_dir, args.replicas, getattr(args, "port", 8600), args.replica_port)
    try:
        if args.action == "render":
            print(site(render(plan)) if args.site else render(plan), end="" if args.site else "\n")
        elif args.action == "status":
            up = running(plan)
            for name, pid in up.items():
                print(f"{name} {pid}")
            return 0 if up else 1
        else:
            from oversight.auth import access_mode, accounts, roles

            if access_mode.auth_mode(accounts.users_file(), {}) == roles.LOCAL:
                print(_t("cluster.local_mode_warning"), file=sys.stderr)
            for name, pid in start(plan).items():
                print(_t("cluster.started", name=name, pid=pid))
            print(_t("cluster.ready", url=plan.url, run_dir=plan.run_dir))
    except ClusterError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
