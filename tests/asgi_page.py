"""A middleware of ours called directly, without a server, with a fake Streamlit behind it that answers one page."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import Any

# Streamlit's entry script in its index.html, which the page-rewriting middlewares look for
ENTRY = b'<script type="module" crossorigin src="./static/js/index.DormvYxC.js"></script>'


def served(wrap: Callable[[Any], Any], scope: dict, *, content_type: bytes, body: bytes) -> tuple[dict, bytes]:
    """The headers and body of the response ``wrap(app)`` gives to ``scope``, where ``app`` answers ``body``."""
    sent: list[dict] = []

    async def app(scope, receive, send):
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def receive():
        return {"type": "http.request"}

    async def send(message):
        sent.append(message)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # its own event loop, whatever the test's thread runs
        pool.submit(asyncio.run, wrap(app)(scope, receive, send)).result()
    return dict(sent[0]["headers"]), b"".join(message.get("body", b"") for message in sent[1:])
