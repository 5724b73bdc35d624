"""Our ASGI middleware, added to the app Streamlit 1.67 builds on Starlette (``oversight.ui.serve`` only).

Streamlit builds its middleware list with ``starlette_app.create_streamlit_middleware()``; ``append`` wraps that
function so the list it returns ends with ours, innermost, next to Streamlit's routes: ours sees each response
before Streamlit's own gzip does. Called before Streamlit's command line starts the server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


def append(make: Callable[[], Any], what: str) -> bool:
    """Add the middleware ``make()`` returns (a ``starlette.middleware.Middleware``, built when Streamlit builds
    its app, so that it can read Streamlit's settings then). False, with a warning naming ``what`` is lost, where
    this Streamlit builds its app some other way."""
    from streamlit.web.server.starlette import starlette_app

    build: Callable[[], list[Any]] | None = getattr(starlette_app, "create_streamlit_middleware", None)
    if build is None:
        log.warning("this Streamlit has no create_streamlit_middleware: %s", what)
        return False

    def with_ours() -> list[Any]:
        return [*build(), make()]

    starlette_app.create_streamlit_middleware = with_ours
    return True


def path_below(path: str, root_path: str = "", base_url: str = "") -> str:
    """A request's path below where the app is mounted (ASGI ``root_path``) and Streamlit's ``server.baseUrlPath``
    (``/oversight/static/x.js`` → ``/static/x.js``); a prefix counts only as whole path segments."""
    base = "/" + base_url.strip("/") if base_url.strip("/") else ""
    for prefix in (root_path, base):
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :]
    return path
