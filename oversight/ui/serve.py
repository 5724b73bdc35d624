"""``python -m oversight.ui.serve [streamlit options]``: ``streamlit run app.py`` with the warm-up started first.

Streamlit runs a page's script only when a browser opens a session, so nothing in ``app.py`` can prepare the
server before its first visitor; this launcher starts ``oversight.ui.warm`` in a background thread, has
Streamlit's static files gzipped once (``oversight.ui.compressed_static``) and our plotly.js served and named in
the chart pages' HTML (``oversight.ui.plotly_bundle``), starts the users file's watch (``oversight.ui.account_watch``),
switches off Streamlit's lookup of the machine's public address (``oversight.ui.offline``), lets no other site
frame the dashboard (``oversight.ui.frame_guard``), shows Streamlit's metrics to this machine only
(``oversight.ui.metrics_guard``), has a tab whose session
the server no longer holds (a restart, another replica) load itself again (``oversight.ui.serve_reconnect``), names
the page's language before Streamlit's frontend starts (``oversight.ui.page_locale``), has it
print one line of
where to open the dashboard (``oversight.ui.start_output``), then hands over to
Streamlit's own command line (every
``--server.*`` option works as with ``streamlit run``). When Streamlit has stopped (Ctrl+C, SIGTERM), the page
scripts still running are given a few seconds to end (``oversight.ui.stopping``) before the process exits. A bare
``streamlit run app.py`` gets, from its first page run, what can start that late (``oversight.ui.bare_start``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from oversight.ui import (
    account_watch,
    backend_base,
    bare_start,
    compressed_static,
    first_paint,
    frame_guard,
    kept_downloads,
    metrics_guard,
    offline,
    page_locale,
    plotly_bundle,
    remembered_sign_in,
    serve_reconnect,
    session_guard,
    start_output,
    stopping,
    warm,
)

APP = Path(__file__).resolve().parents[2] / "app.py"


def main(argv: list[str] | None = None) -> None:
    from streamlit.web import cli

    bare_start.launched_by_serve()
    offline.install()
    start_output.install()
    session_guard.install()
    kept_downloads.install()  # a file made on a click is kept until its session's browser has fetched it
    frame_guard.install_middleware()  # first, so outermost: every response of ours and Streamlit's says it
    metrics_guard.install_middleware()
    serve_reconnect.install_middleware()  # before the upload guard: it sees an upload of a session held elsewhere
    session_guard.install_middleware()
    remembered_sign_in.install_middleware()
    backend_base.install_middleware()
    page_locale.install_middleware()
    first_paint.install_middleware()
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
