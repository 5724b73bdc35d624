"""Apache Superset as the peer: its own virtualenv and home under test-output/, initialised once, served by gunicorn.

The virtualenv is made by ``make bench-peer`` (bench/peer/requirements.txt with bench/peer/constraints.txt).
The secret key and the bench account's password are generated here on first use and kept in the home
folder (git-ignored, mode 600), never in the repository.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HOME = ROOT / "test-output" / "superset-peer"
VENV = HOME / "venv"
ADMIN = "bench"
INITIALISED = HOME / ".initialised"
# gunicorn as Superset's own image runs it (gthread workers), sized for this machine's 2 cores
WORKERS = 2
THREADS = 8


class PeerMissing(RuntimeError):
    pass


def _private(path: Path, make) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(make())
    return path.read_text().strip()


def admin_password() -> str:
    return _private(HOME / "admin_password", lambda: secrets.token_urlsafe(24))


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "SUPERSET_CONFIG_PATH": str(HERE / "superset_config.py"),
        "FLASK_APP": "superset",
        "OVERSIGHT_PEER_HOME": str(HOME),
        "SUPERSET_SECRET_KEY": _private(HOME / "secret_key", lambda: secrets.token_urlsafe(48)),
    }


def _run(*args: str, log=print) -> None:
    completed = subprocess.run(
        [str(VENV / "bin" / args[0]), *args[1:]],
        cwd=HOME,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{completed.stdout.decode(errors='replace')[-4000:]}")


# Oversight's local mode needs no sign-in; the Public role (like Gamma) also needs to read the datasets.
_GRANT_PUBLIC = """
from superset.app import create_app
app = create_app()
with app.app_context():
    from superset import db, security_manager
    role = security_manager.find_role(app.config["AUTH_ROLE_PUBLIC"])
    grant = security_manager.find_permission_view_menu("all_datasource_access", "all_datasource_access")
    security_manager.add_permission_role(role, grant)
    db.session.commit()
"""


def initialise(log=print) -> None:
    """Metadata database, the bench account, roles and permissions: once per home folder."""
    if not (VENV / "bin" / "superset").exists():
        raise PeerMissing(f"{VENV} has no Superset: run `make bench-peer`, which installs it")
    if INITIALISED.exists():
        return
    log("  Superset: initialising its metadata (SQLite) …")
    _run("superset", "db", "upgrade", log=log)
    _run(
        "superset",
        "fab",
        "create-admin",
        "--username",
        ADMIN,
        "--firstname",
        "Bench",
        "--lastname",
        "Peer",
        "--email",
        "bench@localhost",
        "--password",
        admin_password(),
        log=log,
    )
    _run("superset", "init", log=log)
    _run("python", "-c", _GRANT_PUBLIC, log=log)
    INITIALISED.write_text("ok\n")


def drop_caches() -> None:
    """A first visit after start computes its queries and reads its dashboard's metadata, as Oversight's
    does: no results or metadata responses left on disk from a last run."""
    shutil.rmtree(HOME / "cache", ignore_errors=True)


class Gunicorn:
    """Superset under gunicorn on a free loopback port; a context manager that stops it."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                str(VENV / "bin" / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--worker-class",
                "gthread",
                "--threads",
                str(THREADS),
                "--timeout",
                "300",
                "--limit-request-line",
                "0",
                "--limit-request-field_size",
                "0",
                "--no-control-socket",  # gunicorn 27 would otherwise share one socket in ~/.gunicorn between servers
                "superset.app:create_app()",
            ],
            cwd=HOME,
            env=environment(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.output())
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Superset did not start within {timeout:.0f} s")

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
