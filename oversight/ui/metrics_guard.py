"""Streamlit's ``/_stcore/metrics`` answered only on this machine (``python -m oversight.ui.serve``).

Streamlit serves its metrics to anyone who can reach the server, signed in or not: how many sessions are open now,
how many connected, and each cached query's lookups and misses. A visitor at the sign-in page (or any machine that can
reach it) read from them when the leadership was using the dashboard and how many views it asked for, minute by
minute (review of 5 Dec). They are the operator's: a request from this machine, to a loopback name, with no proxy
relaying someone else (``access_mode.is_local_request``, what local mode asks) still reads them — the warm-up's check,
``bench``, a monitor on the host; anyone else, through nginx too, is answered 404, as if there were none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oversight.auth import access_mode
from oversight.ui import streamlit_middleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

METRICS_PATH = "/_stcore/metrics"


class MetricsGuardMiddleware:
    """Answers a request for the metrics from anywhere but this machine with 404."""

    def __init__(self, app: ASGIApp, base_url: str = "") -> None:
        self.app, self.base_url = app, base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._asks_for_metrics(scope) and not self._from_this_machine(scope):
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-length", b"0")]})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)

    def _asks_for_metrics(self, scope: Scope) -> bool:
        path = streamlit_middleware.path_below(scope.get("path", ""), scope.get("root_path", ""), self.base_url)
        return path.rstrip("/") == METRICS_PATH

    @staticmethod
    def _from_this_machine(scope: Scope) -> bool:
        client = scope.get("client")
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope.get("headers", [])}
        return access_mode.is_local_request(client[0] if client else None, headers)


def install_middleware() -> None:
    """For ``python -m oversight.ui.serve``."""

    def middleware() -> Any:
        from starlette.middleware import Middleware
        from streamlit import config

        return Middleware(MetricsGuardMiddleware, base_url=config.get_option("server.baseUrlPath") or "")

    streamlit_middleware.append(middleware, "anyone who reaches the server reads Streamlit's metrics")
