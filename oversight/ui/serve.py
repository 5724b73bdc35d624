"""``python -m oversight.ui.serve [streamlit options]``: ``streamlit run app.py`` with the warm-up started first.

Streamlit runs a page's script only when a browser opens a session, so nothing in ``app.py`` can prepare the
server before its first visitor; this launcher starts ``oversight.ui.warm`` in a background thread, has
Streamlit's static files gzipped once (``oversight.ui.compressed_static``) and our plotly.js served and named in
the chart pages' HTML (``oversight.ui.plotly_bundle``), starts the users file's watch (``oversight.ui.account_watch``),
switches off Streamlit's lookup of the machine's public address (``oversight.ui.offline``), has it print one line of
where to open the dashboard (``oversight.ui.start_output``), then hands over to
Streamlit's own command line (every
``--server.*`` option works as with ``streamlit run``). When Streamlit has stopped (Ctrl+C, SIGTERM), the page
scripts still running are given a few seconds to end (``oversight.ui.stopping``) before the process exits. A bare
``streamlit run app.py`` gets, from its first page run, what can start that late (``start_beside_a_bare_server``).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from oversight.ui import (
    account_watch,
    backend_base,
    compressed_static,
    offline,
    plotly_bundle,
    remembered_sign_in,
    session_guard,
    start_output,
    stopping,
    warm,
)

APP = Path(__file__).resolve().parents[2] / "app.py"
_launched = False  # this process is ``python -m oversight.ui.serve``'s


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    global _launched
    _launched = True
    # run as ``python -m oversight.ui.serve`` this file is the module ``__main__``, and the pages import it again by
    # its name: a second module, whose flag would still say a bare ``streamlit run`` started the process
    importlib.import_module("oversight.ui.serve")._launched = True  # type: ignore[attr-defined]
    offline.install()
    start_output.install()
    session_guard.install()
    session_guard.install_middleware()
    remembered_sign_in.install_middleware()
    backend_base.install_middleware()
    warm.start()
    account_watch.start()
    compressed_static.install()
    plotly_bundle.install()
    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    try:
        cli.main()
    finally:
        stopping.requested.set()
        stopping.wait_for_script_runs()


if __name__ == "__main__":
    main()


def start_beside_a_bare_server() -> None:
    """Under a bare ``streamlit run app.py`` (README's readers may start it so), from the first page run: what can
    still be started once Streamlit's server is up — the warm-up (its image browser, ready for the first download),
    the users file's watch, no public-address lookup for other sites' sockets, and the stop's wait for the page
    scripts still running before the browsers close. The start's line, the middleware (the remembered sign-in's
    route, the upload guard before a body is read, gzipped files, the plotly bundle) come only with ``main``.
    Nothing in an AppTest (its runtime a stand-in) nor in a process ``main`` started; idempotent."""
    from streamlit import runtime

    if _launched or not runtime.exists() or type(runtime.get_instance()) is not runtime.Runtime:
        return
    offline.install()
    stopping.wait_at_exit()
    warm.start()
    account_watch.start()
