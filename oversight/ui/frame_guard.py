"""No other site may show the dashboard inside a frame of its own page (``python -m oversight.ui.serve``).

Streamlit sends no framing policy, so any web page could load the dashboard in an invisible ``<iframe>`` and steer
clicks into it (clickjacking). In local mode that frame is this machine's admin: its websocket comes from the
dashboard's own address, so the Host and Origin checks that stop DNS rebinding let it in, and a page the local user
visited showed the 数据管理 page, its import and undo, under a page of its own (review of 5 Dec). Every response
now says that only the dashboard itself may frame it (``X-Frame-Options: SAMEORIGIN`` for older browsers, CSP
``frame-ancestors 'self'`` for the rest); a browser then draws nothing in the foreign frame. The dashboard frames
nothing of its own today (its charts and scripts are drawn without an iframe), ``'self'`` leaves it free to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oversight.ui import streamlit_middleware

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAME_HEADERS = (
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"content-security-policy", b"frame-ancestors 'self'"),
)


class FrameGuardMiddleware:
    """Adds ``FRAME_HEADERS`` to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in FRAME_HEADERS if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_policy)


def install_middleware() -> None:
    """For ``python -m oversight.ui.serve``."""

    def middleware() -> Any:
        from starlette.middleware import Middleware

        return Middleware(FrameGuardMiddleware)

    streamlit_middleware.append(middleware, "another site may show the dashboard inside a frame of its page")
