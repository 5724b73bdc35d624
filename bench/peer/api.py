"""A small client for Superset's REST API (standard library only, so it runs in the project's venv).

Signs in through the login form, as the UI does, and sends the session cookie and a CSRF token on every
write. (A JWT from /api/v1/security/login is not enough here: with a Public role configured, Superset
takes a JWT caller for the anonymous user when it sets a new object's owners, and fails with a 500.)
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class ApiError(RuntimeError):
    pass


class SupersetApi:
    def __init__(self, base_url: str, username: str, password: str):
        self.base_url = base_url.rstrip("/")
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self._headers: dict[str, str] = {"Referer": self.base_url}
        with self._opener.open(self.base_url + "/login/", timeout=60) as response:
            page = response.read().decode()
        form_token = re.search(r'id="csrf_token"\s+value="([^"]+)"', page)
        if not form_token:
            raise ApiError("the login page carries no csrf_token")
        form = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": form_token[1]})
        with self._opener.open(
            urllib.request.Request(self.base_url + "/login/", data=form.encode(), headers=self._headers), timeout=60
        ) as response:
            if "/login" in urllib.parse.urlparse(response.url).path:
                raise ApiError(f"signing in as {username} failed")
        self._headers["X-CSRFToken"] = self.get("/api/v1/security/csrf_token/")["result"]

    def _send(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        headers = {**self._headers, **({"Content-Type": "application/json"} if data is not None else {})}
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with self._opener.open(request, timeout=300) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise ApiError(
                f"{method} {path}: HTTP {error.code}: {error.read().decode(errors='replace')[:2000]}"
            ) from None
        return json.loads(payload) if payload else None

    def get(self, path: str) -> Any:
        return self._send("GET", path)

    def post(self, path: str, body: Any) -> Any:
        return self._send("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self._send("PUT", path, body)

    def delete(self, path: str) -> Any:
        return self._send("DELETE", path)

    def find(self, resource: str, column: str, value: str | int, operator: str = "eq") -> list[dict[str, Any]]:
        """Objects of ``resource`` matching one filter (Rison-encoded, as the UI sends it)."""
        encoded = value if isinstance(value, int) else f"'{_rison_string(value)}'"
        rison = f"(filters:!((col:{column},opr:{operator},value:{encoded})),page_size:100)"
        return self.get(f"/api/v1/{resource}/?q={urllib.parse.quote(rison)}")["result"]


def _rison_string(value: str) -> str:
    # Rison quotes with ' and escapes ' and ! with !
    return value.replace("!", "!!").replace("'", "!'")
