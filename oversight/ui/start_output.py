"""What ``python -m oversight.ui.serve`` (``make run``) prints at a start: one line of where to open the dashboard.

Streamlit 1.67 printed, before it: "No runtime found, using MemoryCacheStorageManager" three times (the pages'
module-level ``st.cache_data`` check their parameters when the module is imported, which ``serve`` does before the
server's runtime exists; the caches themselves are made at their first call, which the warm-up makes only once
the runtime is up, so nothing falls back to anything), "Uvicorn server started on :::8501" and its banner with a
"Network URL" that ``make run`` refuses (``server.allowedHosts`` holds only this machine's names, and local mode
serves only this machine). Each is dropped by its exact words, where it is said, and only then: a cached function
called without a runtime, or any other warning of Streamlit's, is still printed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from oversight.core import i18n

_NO_RUNTIME = ("streamlit.runtime.caching.cache_data_api", "No runtime found, using MemoryCacheStorageManager")
_UVICORN_STARTED = ("streamlit.web.server.starlette.starlette_server", "Uvicorn server started on ")
# the names a browser on this machine uses: a Host check holding only these refuses every other machine
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class _Dropped(logging.Filter):
    """Drops the records whose message starts with ``words``; lets every other through."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(self.words)


@contextmanager
def cache_decorators_defined() -> Iterator[None]:
    """Around the import of the pages' modules: their ``st.cache_data`` say no runtime exists, which is not news."""
    logger_name, words = _NO_RUNTIME
    dropped = _Dropped(words)
    logging.getLogger(logger_name).addFilter(dropped)
    try:
        yield
    finally:
        logging.getLogger(logger_name).removeFilter(dropped)


def open_at() -> list[str]:
    """Where a browser opens the dashboard: the address it was given (``browser.serverAddress``, a
    ``server.address`` that is not every interface), else this machine's, and the network's too unless the Host check
    lets only this machine's names in (``make run``) or local mode serves only this machine."""
    from streamlit import config, net_util
    from streamlit.web.server import server_util

    for option in ("browser.serverAddress", "server.address"):
        address = config.get_option(option)
        if config.is_manually_set(option) and address not in ("0.0.0.0", "::"):  # noqa: S104 — compared, not bound
            return [server_util.get_url(address)]
    urls = [server_util.get_url("localhost")]
    allowed = set(config.get_option("server.allowedHosts") or ())
    internal = None if allowed and allowed <= LOOPBACK_NAMES or _local_mode() else net_util.get_internal_ip()
    return [*urls, server_util.get_url(internal)] if internal else urls


def _local_mode() -> bool:
    """No accounts and no single sign-on: the app serves only a browser on this machine (``access_mode``)."""
    from oversight.auth import access_mode, accounts, roles
    from oversight.ui.sign_in import configured_secrets

    try:
        return access_mode.auth_mode(accounts.users_file(), configured_secrets()) == roles.LOCAL
    except roles.AccountError:  # a users file the app refuses to use: no other machine is served either
        return True


def ready_line() -> str:
    """The one line, in Chinese and English: whoever started it may read either."""
    urls = open_at()
    return " · ".join(i18n.t("serve.ready", lang, urls=i18n.listed(urls, lang)) for lang in i18n.LANGUAGES)


def install() -> None:
    """Streamlit's start banner and its "Uvicorn server started" replaced by ``ready_line``; a unix socket's banner
    (no URL of ours to give) as Streamlit prints it."""
    from streamlit.web import bootstrap

    logger_name, words = _UVICORN_STARTED
    logging.getLogger(logger_name).addFilter(_Dropped(words))
    streamlits = bootstrap._print_url

    def print_where_to_open(is_running_hello: bool) -> None:
        from streamlit import config

        if config.get_option("logger.hideWelcomeMessage"):
            return
        if bootstrap.server_address_is_unix_socket():
            streamlits(is_running_hello)
            return
        print(f"\n  {ready_line()}\n", flush=True)

    # both callers (the server's start, and the port chosen when 0 was asked for) look it up on the module
    bootstrap._print_url = print_where_to_open
