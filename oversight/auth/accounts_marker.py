"""The data folder's memory that accounts guard it, so an environment variable cannot switch them off.

Once a data change (an import or an undo) has been made by a signed-in account,
the folder holds ``.accounts-required`` naming the users file that account came from. From then on the
command line refuses to trust its caller on that folder while the users file it is given has no accounts:
pointing ``OVERSIGHT_USERS_FILE`` at an empty or missing file, or at another folder's, does not open it.
Removing the marker is a deliberate act on the folder itself, by someone who could change its files anyway.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

from oversight.core import atomic

MARKER = ".accounts-required"


def remembered_users_file(data_dir: Path) -> str | None:
    """The users file a signed-in change of ``data_dir`` came from; None if no such change was ever made.

    A marker that cannot be read still counts: its presence is the fact that matters.
    """
    path = Path(data_dir) / MARKER
    if not path.exists():
        return None
    try:
        return str(json.loads(atomic.read_regular(path).decode("utf-8"))["users_file"])
    except (OSError, ValueError, KeyError, TypeError):
        return "?"


def remember_accounts(data_dir: Path, users_path: Path) -> None:
    """Mark ``data_dir`` as guarded by the accounts of ``users_path`` (once; an existing marker is kept).

    Called once the change's audit line is written, before its first file is replaced (called after the change, a kill
    in between left the folder changed by an account and unguarded). A marker that cannot be written (a full disk) is
    logged and tried again by the next signed-in change, never raised: raised after the change, it told the clerk that
    an import made had changed nothing; before it, it would refuse an import for a file that guards nothing yet."""
    path = Path(data_dir) / MARKER
    if path.exists() or not Path(data_dir).is_dir():
        return
    text = json.dumps(
        {"users_file": str(Path(users_path).resolve()), "since": datetime.now(UTC).isoformat()},
        ensure_ascii=False,
    )
    try:
        atomic.write_bytes(path, (text + "\n").encode("utf-8"))
    except OSError as error:
        logging.getLogger(__name__).warning("%s not written (the next signed-in change tries again): %s", path, error)
