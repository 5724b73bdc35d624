"""No jump of the page's head while Streamlit's frontend loads its HTML element (``python -m oversight.ui.serve``).

Every page starts with two ``st.html`` elements of no height (app.css and the page's scripts, ``setup.setup_page``).
Streamlit loads the code that draws an HTML element only when a page first has one, and until it has arrived shows a
40 px grey bar in each element's place: the title and the cards were drawn 80 px lower and then jumped up, on every
page a leader opened (about 1.5 s on the sample). The page's HTML carries, before Streamlit's entry script, a rule
that draws those two places at their own height, none, and the head at the place app.css gives it on a phone. app.css
cannot say it: it arrives in the first of them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oversight.ui import streamlit_middleware

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.types import Scope

# app.css's rules for the head on a phone (its max-width: 640px block), here as well: the padding above the title and
# the title's size arrived with app.css, and the title moved up 40 px on a phone (tests/test_first_paint.py keeps the
# two equal)
PHONE_MEDIA = "@media (max-width: 640px)"
PHONE_HEAD = (
    "h1 { font-size: 1.75rem !important; }",
    'div[data-testid="stMainBlockContainer"] { padding-top: 3.5rem !important; }',
)
# the main column's first two elements, ours on every page; a grey bar elsewhere (a chart being drawn) is left as it is
STYLE = (
    "<style>[data-testid='stMain'] [data-testid='stMainBlockContainer'] > [data-testid='stVerticalBlock'] > "
    "[data-testid='stElementContainer']:nth-child(-n+2) > [data-testid='stSkeleton'] { display: none !important; }"
    f"{PHONE_MEDIA} {{ {' '.join(PHONE_HEAD)} }}</style>"
).encode()


def with_style(html: bytes) -> bytes:
    """Streamlit's page with the rule before its entry script; any other HTML as it is."""
    return streamlit_middleware.before_entry_script(html, STYLE)


class FirstPaintMiddleware(streamlit_middleware.PageRewriting):
    """Adds the rule to Streamlit's page on every GET."""

    def change(self, scope: Scope) -> Callable[[bytes], bytes]:
        return with_style


def install_middleware() -> None:
    """For ``python -m oversight.ui.serve``."""

    def middleware() -> Any:
        from starlette.middleware import Middleware

        return Middleware(FirstPaintMiddleware)

    streamlit_middleware.append(middleware, "a page's head drawn 80 px low, then jumping up, while Streamlit loads")
