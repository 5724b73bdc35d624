"""The page's language known to the browser before Streamlit's frontend starts (``python -m oversight.ui.serve``).

A date field's calendar names its months, weekdays and days in the language Streamlit reads from
``navigator.language``: the browser's, whatever the page's. ``assets/streamlit_words.js`` answers it with the
page's language, but runs only with the page's script, and a session's first drawing can come before that: the
calendar of a page just opened said 十二月 and 2026年12月7日星期一 on an English page in a Chinese browser (2 times
in 3), until a rerun. This middleware writes the language of the address (``?lang=``, as the session takes it:
``i18n.normalise_language`` of its first value) into Streamlit's page, before its entry script, with the root
element's ``lang`` for a screen reader from the first word. A language chosen later on the page is the script's.

The script is inline, as ``backend_base``'s is: the only security policy the dashboard sends is the frame guard's
``frame-ancestors``, which says nothing of scripts. A proxy that forbids inline scripts leaves the calendar as before.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from oversight.core import i18n
from oversight.ui import streamlit_middleware

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.types import Scope

# ``LOCALE``: the page's language tag (zh-CN, en). streamlit_words.js, run later by each page run, finds the getter
# set (``oversightLocaleSet``) and only changes the language it returns.
_SCRIPT = """(function (locale) {
  window.oversightPageLocale = locale;
  window.oversightLocaleSet = true;
  Object.defineProperty(navigator, "language", { configurable: true, get: function () {
    return window.oversightPageLocale;
  } });
  document.documentElement.lang = locale;
})(LOCALE);"""


def language_of(query_string: bytes) -> str:
    """The language a session opened at this address's query shows (``lang=en`` → ``en``; none, or another → zh)."""
    values = parse_qs(query_string.decode("latin-1"), keep_blank_values=True).get("lang")
    return i18n.normalise_language(values[0] if values else None)


def script_tag(lang: str) -> bytes:
    """The script naming ``lang``'s tag as the page's language, for a ``<script>`` element; then Streamlit's own words
    in ``lang`` (assets/streamlit_words.js), watched for from the first paint."""
    # Streamlit draws its frame, the skip link among it, before any page run: with the words only in the page run's
    # script, a Chinese page showed "Skip to main content" for about a second (on every reload after a replica's
    # failover) before it became 跳到正文. The page run's copy of the script finds this one's watch and only renews
    # its words.
    from oversight.ui import setup  # the words and their script are the page run's: one list for both

    locale = f"<script>{_SCRIPT.replace('LOCALE', json.dumps(i18n.t('export.report.html_lang', lang)))}</script>"
    return (locale + f"<script>{setup.streamlit_words_js(lang)}</script>").encode()


def with_locale(html: bytes, lang: str) -> bytes:
    """Streamlit's page with the script before its entry script; any other HTML as it is."""
    return streamlit_middleware.before_entry_script(html, script_tag(lang))


class PageLocaleMiddleware(streamlit_middleware.PageRewriting):
    """Adds the script, in the language the address asks for, to Streamlit's page on every GET."""

    def change(self, scope: Scope) -> Callable[[bytes], bytes]:
        lang = language_of(scope.get("query_string", b""))
        return lambda page: with_locale(page, lang)


def install_middleware() -> None:
    """For ``python -m oversight.ui.serve``."""

    def middleware() -> Any:
        from starlette.middleware import Middleware

        return Middleware(PageLocaleMiddleware)

    streamlit_middleware.append(middleware, "a page's first calendar speaks the browser's language")
