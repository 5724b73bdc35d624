"""Where things are and how the deployment configures them: every path and environment variable in one place.

Settings are read when asked for, not at import: a test or a long-running server that changes one
(``monkeypatch.setenv``, a new ``OVERSIGHT_DATA_DIR``) sees the new value on the next call. No other module
reads ``os.environ``; each variable is documented in README's configuration section.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
SAMPLE_DATA_DIR = PROJECT_ROOT / "data"
QUERY_DIR = PROJECT_ROOT / "queries"
LOCALE_DIR = PACKAGE_DIR / "locales"
ASSET_DIR = PACKAGE_DIR / "ui" / "assets"
# The team reads Beijing time whatever zone the server's clock is in: the audit page, the watermark's time and a
# scheduled digest's "today" all use it (on a UTC host the watermark read 8 hours behind the audit line).
TEAM_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def team_now() -> datetime:
    """Now, in the team's time zone."""
    return datetime.now(TEAM_TIME_ZONE)


def team_time_text(at: str | None, nothing: str = "—") -> str:
    """A recorded moment (``2021-01-05T01:30:12.345+00:00``, as the audit log and the import history write it in
    UTC) as the team reads it: ``2021-01-05 09:30:12``, Beijing time; unreadable text as it is. A moment without its
    zone is UTC, as the logs are written and as the audit page's date filter reads it: shown unconverted, a line the
    filter put on 5 January read 2021-01-04 23:45:00 under 时间（北京时间）."""
    if not at:
        return nothing
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(TEAM_TIME_ZONE).strftime("%Y-%m-%d %H:%M:%S")


def setting(name: str, default: str | None = None) -> str | None:
    """An environment variable, or ``default`` when it is unset or empty."""
    return os.environ.get(name) or default


def setting_as_set(name: str) -> str | None:
    """An environment variable as it is set, empty included (an empty marking means "no marking"); None if unset."""
    return os.environ.get(name)


def data_dir() -> Path:
    """The folder of spreadsheets the dashboard reads (OVERSIGHT_DATA_DIR; the sample data by default)."""
    return Path(setting("OVERSIGHT_DATA_DIR") or SAMPLE_DATA_DIR)


def config_dir() -> Path:
    """The user's configuration folder for Oversight ($XDG_CONFIG_HOME/oversight, ~/.config/oversight)."""
    return Path(setting("XDG_CONFIG_HOME") or str(Path.home() / ".config")) / "oversight"


def os_user() -> str:
    """The operating-system account running this process: recorded beside whatever name is claimed."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, as in some containers
        return "unknown"


def claimed_user() -> str:
    """Who is at work in local mode and in the CLI: ``OVERSIGHT_USER``, else the operating-system account."""
    return setting("OVERSIGHT_USER") or os_user()
