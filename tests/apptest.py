"""Helpers for AppTest runs of the pages."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from oversight.ui import TEST_ADDRESS_KEY

ROOT = Path(__file__).resolve().parent.parent


def run_page(
    script: str = "app.py",
    query: dict[str, str | list[str]] | None = None,
    timeout: float = 60,
    address: str = "127.0.0.1",
) -> AppTest:
    """Run a page as a user arrives at it: the app's entry point first (it defines the pages), then the page.

    AppTest has no browser connection, so ``address`` stands in for the browser's address.
    """
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state[TEST_ADDRESS_KEY] = address
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if script != "app.py":
        at.switch_page(script).run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def decode_typed_arrays(node):
    """Plotly 6+ sends numeric arrays as {"dtype", "bdata"} (base64); turn them back into lists."""
    import base64

    import numpy as np

    if isinstance(node, dict):
        if set(node) >= {"dtype", "bdata"}:
            values = np.frombuffer(base64.b64decode(node["bdata"]), dtype=np.dtype(node["dtype"]))
            if "shape" in node:
                values = values.reshape([int(n) for n in str(node["shape"]).split(",")])
            return values.tolist()
        return {key: decode_typed_arrays(value) for key, value in node.items()}
    if isinstance(node, list):
        return [decode_typed_arrays(value) for value in node]
    return node


def figures(at: AppTest) -> list[dict]:
    import json

    return [decode_typed_arrays(json.loads(chart.proto.spec)) for chart in at.get("plotly_chart")]


def _unbroken(text: str) -> str:
    return "".join(text.replace("<br>", " ").split())


def figure_titled(at: AppTest, title: str) -> dict:
    """The chart with this title; a title too wide for a phone's card comes on lines (``<br>``), read whole."""
    for figure in figures(at):
        if _unbroken(figure["layout"]["title"]["text"]) == _unbroken(title):
            return figure
    raise AssertionError(f"no chart titled {title!r}; have {[f['layout']['title']['text'] for f in figures(at)]}")


def as_read(text: str) -> str:
    """An element's text as a person reads it: without the invisible joins that keep a number with its unit on
    screen (``safe_text.kept_together``: 217⁠天, "217 days" with a no-break space)."""
    from oversight.core import safe_text

    return text.replace(safe_text.WORD_JOINER, "").replace(safe_text.NO_BREAK_SPACE, " ")
