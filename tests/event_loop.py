"""A coroutine run to its end from a test, whatever event loop the test's thread has."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any


def run_apart(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """``asyncio.run(coroutine)`` in a thread of its own: a browser test run before in the same pytest worker leaves
    Playwright's event loop running in this thread, and ``asyncio.run`` refuses to start inside a running loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
