"""What a bare ``streamlit run app.py`` gets from its first page run: what can still start once Streamlit's server is up.

README's readers may start the dashboard so, not with ``python -m oversight.ui.serve``. Its first page run starts
the warm-up (its image browser ready for the first download), the users file's watch, no public-address lookup for
other sites' sockets, and the stop's wait for the page scripts still running before the browsers close. The start's
line and the middleware (the remembered sign-in's route, the upload guard before a body is read, gzipped files, the
plotly bundle) come only with ``serve``, before Streamlit builds its server.

Its own module, not ``serve``'s: run as ``python -m oversight.ui.serve`` that file is the module ``__main__``, and a
page importing it by its name made a second copy (a flag set in the one said nothing to the other) and had Python
warn at every start that the module was found in ``sys.modules`` before it ran.
"""

from __future__ import annotations

import threading

from oversight.ui import account_watch, offline, stopping, warm

_serve = threading.Event()  # set: this process is ``python -m oversight.ui.serve``'s, which starts all this itself


def launched_by_serve() -> None:
    _serve.set()


def start() -> None:
    """From a page run: the start a bare server missed. Nothing in an AppTest (its runtime a stand-in) nor under
    ``serve``; idempotent."""
    from streamlit import runtime

    if _serve.is_set() or not runtime.exists() or type(runtime.get_instance()) is not runtime.Runtime:
        return
    offline.install()
    stopping.wait_at_exit()
    warm.start()
    account_watch.start()
