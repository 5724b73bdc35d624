"""One rule for a configuration problem shown on a page (the alerts settings, the data folder, the users file).

The problem in full (the file's path, the setting, the cell it quotes) goes to the server log, once per process,
and on screen to an admin only (``roles.can_read_setup_problems``); anyone else reads a plain sentence. A broken
``alerts.toml`` put its path and failing setting over the 预警 strip of every account, a unit account's too.
"""

from __future__ import annotations

import functools
import logging

from oversight.auth import roles

log = logging.getLogger(__name__)


def detail_shown_to(account: roles.Account | None, what: str, detail_for_the_log: str) -> bool:
    """Log ``detail_for_the_log`` (English, for the operator) under ``what``; whether ``account`` reads it in full."""
    _log_once(what, detail_for_the_log)
    return roles.can_read_setup_problems(account)


@functools.lru_cache(maxsize=256)  # once per problem: every page run of every session meets it again
def _log_once(what: str, detail: str) -> None:
    log.error("%s: %s", what, detail)
