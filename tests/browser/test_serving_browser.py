"""How the app is served, seen from the browser: every page URL, opened anew (a link, a bookmark, a reload), asks
the server nothing it answers 404.

Streamlit's page looks for its server at its own path first: opened at ``/issues`` it asked
``/issues/_stcore/health`` and ``/issues/_stcore/host-config`` (404 both, on every page but the Overview, behind
nginx too) before ``/_stcore/…``; ``oversight.ui.backend_base`` tells it where the server is."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_no_exception, wait_for_charts

pytestmark = pytest.mark.browser

# every page's URL path: app.py and pages/NN_<name>.py
PAGE_URLS = ["", "meetings", "issues", "suggestions", "reminders", "unit_profile", "briefing", "data", "audit"]


def _not_found_opening(page, url: str) -> list[str]:
    """The requests answered 404 while ``url`` opens and its script runs to the end."""
    missing: list[str] = []
    page.on("response", lambda response: missing.append(response.url) if response.status == 404 else None)
    page.goto(url)
    wait_for_charts(page, 0)
    assert_no_exception(page)
    page.reload()  # a reload asks again, as a new visit does
    wait_for_charts(page, 0)
    return missing


@pytest.mark.parametrize("path", PAGE_URLS, ids=[path or "overview" for path in PAGE_URLS])
def test_no_page_url_asks_for_a_path_that_is_not_found(page, server_url, path):
    assert _not_found_opening(page, f"{server_url}/{path}") == []


@pytest.fixture(scope="module")
def based_server_url(tmp_path_factory):
    """The app under a base URL (``server.baseUrlPath``), as behind a proxy that serves it at /oversight/."""
    from tests.browser.conftest import start_server, stop_server

    users = tmp_path_factory.mktemp("based-conf") / "users.toml"
    users.touch()
    process, url = start_server(env_extra={"OVERSIGHT_USERS_FILE": str(users)}, base_url="oversight")
    yield url
    stop_server(process)


@pytest.mark.parametrize("path", ["", "issues", "data"])
def test_under_a_base_url_no_page_url_asks_for_a_path_that_is_not_found(page, based_server_url, path):
    assert _not_found_opening(page, f"{based_server_url}/{path}") == []
