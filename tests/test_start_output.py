"""What ``make run`` prints is one line of where to open the dashboard, and no real warning is lost on the way
(tests/test_offline.py starts the server as ``make run`` does and reads all it prints)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from oversight.ui import start_output

ROOT = Path(__file__).resolve().parent.parent


def test_a_cached_function_called_without_a_runtime_still_says_so(caplog):
    """Only the pages' decorators, while ``oversight.ui`` is imported, are quiet: the message is true afterwards."""
    import streamlit as st

    import oversight.ui  # noqa: F401 — its import is where the message is not news

    logger = logging.getLogger(start_output._NO_RUNTIME[0])
    assert not any(isinstance(found, start_output._Dropped) for found in logger.filters)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:

        @st.cache_data
        def twice(value: int) -> int:
            return value * 2

        assert twice(2) == 4
    finally:
        logger.removeHandler(handler)
    assert any(record.getMessage().startswith("No runtime found") for record in records)


def test_the_filter_drops_only_its_own_words():
    dropped = start_output._Dropped("Uvicorn server started on ")

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("streamlit.web", logging.WARNING, __file__, 1, message, (), None)

    assert not dropped.filter(record("Uvicorn server started on :::8501"))
    assert dropped.filter(record("Uvicorn server failed to start on :::8501"))


@pytest.mark.parametrize(
    ("flags", "urls"),
    [
        # make run: its Host check lets only this machine's names in, so no network address is offered
        ({"server.allowedHosts": ["localhost", "127.0.0.1", "::1"]}, ["http://localhost:8501"]),
        # the cluster's and the systemd unit's: the one address it listens on
        ({"server.address": "127.0.0.1"}, ["http://127.0.0.1:8501"]),
        ({"browser.serverAddress": "dash.example.gov"}, ["http://dash.example.gov:8501"]),
    ],
)
def test_where_to_open_is_an_address_that_opens(monkeypatch, flags, urls):
    from streamlit import config

    given = {"server.port": 8501, **flags}
    original = config.get_option
    monkeypatch.setattr(config, "get_option", lambda name: given[name] if name in given else original(name))
    monkeypatch.setattr(config, "is_manually_set", lambda name: name in flags)
    monkeypatch.setattr("streamlit.net_util.get_internal_ip", lambda: "192.0.2.2")
    assert start_output.open_at() == urls


def test_a_server_others_may_reach_is_given_with_its_network_address_too(monkeypatch):
    """No Host check (an office that opened the port): the address other machines use is there, on the same line."""
    monkeypatch.setattr("streamlit.net_util.get_internal_ip", lambda: "192.0.2.2")
    from streamlit import config

    original = config.get_option
    given = {"server.port": 8501, "server.allowedHosts": []}
    monkeypatch.setattr(config, "get_option", lambda name: given[name] if name in given else original(name))
    monkeypatch.setattr(config, "is_manually_set", lambda name: False)
    monkeypatch.setattr(start_output, "_local_mode", lambda: False)  # accounts or single sign-on
    assert start_output.open_at() == ["http://localhost:8501", "http://192.0.2.2:8501"]
    assert "http://localhost:8501、http://192.0.2.2:8501" in start_output.ready_line()
    # local mode refuses every other machine, whatever the Host check allows
    monkeypatch.setattr(start_output, "_local_mode", lambda: True)
    assert start_output.open_at() == ["http://localhost:8501"]


def test_local_mode_is_no_accounts_and_no_single_sign_on(monkeypatch, tmp_path):
    monkeypatch.setenv("OVERSIGHT_USERS_FILE", str(tmp_path / "users.toml"))
    monkeypatch.setattr("oversight.ui.sign_in.configured_secrets", lambda: {})
    assert start_output._local_mode()
    (tmp_path / "users.toml").write_text('[users.chief]\nrole = "admin"\n', encoding="utf-8")
    assert not start_output._local_mode()


def test_the_upload_bound_holds_after_streamlits_own_parse_and_says_nothing_of_a_restart():
    """``session_guard.install`` read Streamlit's configuration before Streamlit had read its command line: its own
    parse then warned "An update to the [server] config option section was detected … please restart streamlit"
    at every start, and set the upload limit back to Streamlit's 200 MB until a page ran."""
    script = (
        "from oversight.ui import session_guard\n"
        "from streamlit import config\n"
        "from streamlit.web import bootstrap\n"
        "session_guard.install()\n"
        "bootstrap.load_config_options({'server_port': 8689})\n"
        "print(config.get_option('server.maxUploadSize'), config.get_option('server.port'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "OVERSIGHT_MAX_UPLOAD_MB": "7"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.split() == ["7", "8689"], done.stderr
    assert "[server] config option" not in done.stderr, done.stderr
