"""The Chromium we start (kaleido's pictures, the PDF's printer) asks nothing of the network.

Started as choreographer (kaleido's browser driver) starts it, Debian's Chromium reached out as soon as it was up:
the default search engine's preconnect (start.duckduckgo.com), extension updates (clients2.google.com),
accounts.google.com, update.googleapis.com — seen through a proxy standing in for the office's way out
(tests/test_offline.py). Our pages are files and inline scripts: nothing in a chart or a report needs the network,
a discipline-inspection server must not announce itself to third parties, and on an intranet without a way out each
attempt only waits. choreographer takes no extra flags, so its command line is extended here: Chromium's own
switches for its background traffic, and a resolver that finds no host but this machine's, so that even a page that
named an outside address (text from the data, escaped as it is, or a future CDN link) could fetch nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-pings",
    "--dns-prefetch-disable",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
)


def install() -> None:
    """Every Chromium choreographer starts from now on gets ``FLAGS`` (idempotent)."""
    from choreographer.browsers.chromium import Chromium

    original: Callable[[Any], Sequence[str]] = Chromium.get_cli
    if getattr(original, "quiet", False):
        return

    def get_cli(self: Any) -> Sequence[str]:
        return [*original(self), *FLAGS]

    get_cli.quiet = True  # type: ignore[attr-defined]
    Chromium.get_cli = get_cli  # type: ignore[method-assign]
