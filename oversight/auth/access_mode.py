"""How the app decides its mode (local, accounts, OIDC) and whether a request really comes from this machine."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from oversight.auth.accounts import load_users
from oversight.auth.roles import ACCOUNTS, LOCAL, OIDC, AccountError


def oidc_configured(secrets: Mapping[str, Any] | None) -> bool:
    """``[auth]`` in ``.streamlit/secrets.toml`` with something in it: ``st.login`` is the way in."""
    try:
        section = secrets.get("auth") if secrets else None
        return section is not None and hasattr(section, "keys") and len(section) > 0
    except Exception:  # streamlit's Secrets raises when there is no secrets file at all
        return False


def auth_mode(users_path: Path | None, secrets: Mapping[str, Any] | None = None) -> str:
    """``"oidc"`` if ``[auth]`` is configured, else ``"accounts"`` if the users file holds any, else ``"local"``.

    A users file that exists but cannot be read counts as ``"accounts"``: a broken file must not open the app.
    """
    if oidc_configured(secrets):
        return OIDC
    if users_path is None:
        return LOCAL
    try:
        return ACCOUNTS if load_users(Path(users_path)) else LOCAL
    except AccountError:
        return ACCOUNTS


def is_local_client(address: str | None) -> bool:
    """True only for a loopback peer: 127.0.0.0/8, ::1, ::ffff:127.x.x.x. Unknown or unparseable: False."""
    if not address:
        return False
    text = address.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    text = text.split("%", 1)[0]  # an IPv6 zone id
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


# Headers a proxy, CDN or load balancer adds for the client behind it. Behind any of them every visitor would
# look local, so local mode refuses a request that carries one (and any X-Forwarded-*/X-Original-* at all).
_PROXY_HEADERS = (
    "forwarded",
    "x-forwarded-for",
    "x-real-ip",
    "x-forwarded-host",
    "x-forwarded-proto",
    "via",
    "cf-connecting-ip",
    "true-client-ip",
    "x-client-ip",
    "x-original-forwarded-for",
    "x-cluster-client-ip",
    "fastly-client-ip",
    "x-originating-ip",
    "forwarded-for",
    "x-proxyuser-ip",
    "client-ip",
    "x-azure-clientip",
    "x-appengine-user-ip",
)
_PROXY_HEADER_PREFIXES = ("x-forwarded-", "x-original-")
LOOPBACK_NAMES = ("localhost",)


def _loopback_host(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.1``, ``::1``): a name no other machine's page can own."""
    host = host.strip().lower().rstrip(".")
    return host in LOOPBACK_NAMES or is_local_client(host)


def _split_host(value: str) -> tuple[str, int | None] | None:
    """``host[:port]`` as sent in ``Host`` (``[::1]:8501`` for IPv6); None if malformed."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(f"//{value.strip()}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.username or parts.password or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname, port


def is_loopback_host_header(host: str | None, port: int | None = None) -> bool:
    """The ``Host`` a browser sends for this machine: a loopback name, and the server's port when it has one.

    A DNS-rebinding page sends its own name (``rebind.attacker.test``) to 127.0.0.1: refused here.
    """
    if not host:
        return False
    split = _split_host(host)
    if split is None or not _loopback_host(split[0]):
        return False
    return port is None or split[1] is None or split[1] == int(port)


def is_loopback_origin(origin: str | None, port: int | None = None) -> bool:
    """The websocket's ``Origin``: absent (not a browser), or an http(s) page on a loopback name and our port."""
    from urllib.parse import urlsplit

    if origin is None:
        return True
    try:
        parts = urlsplit(origin.strip())
        origin_port = parts.port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname or not _loopback_host(parts.hostname):
        return False
    return port is None or origin_port is None or origin_port == int(port)


def is_local_request(address: str | None, headers: Mapping[str, str] | None = None, port: int | None = None) -> bool:
    """A loopback peer, asked for by a loopback name from a loopback page, with no proxy relaying someone else.

    ``headers`` are the websocket request's (``st.context.headers``); without any (a test double, a caller
    that has none) only the peer address and forwarding headers are checked.
    """
    if not is_local_client(address):
        return False
    lowered = {str(name).lower(): value for name, value in (headers or {}).items()}
    if set(lowered).intersection(_PROXY_HEADERS) or any(name.startswith(_PROXY_HEADER_PREFIXES) for name in lowered):
        return False
    if not lowered:
        return True
    return is_loopback_host_header(lowered.get("host"), port) and is_loopback_origin(lowered.get("origin"), port)


_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_same_origin_post(headers: Mapping[str, str]) -> bool:
    """Whether a browser's POST came from a page of the dashboard itself: its ``Origin`` (or, where a browser sent
    none, its ``Referer``) names the host and port the request was made to, its ``Host``, as the websocket's own
    check compares them (nginx passes the browser's ``Host`` on, ``deploy/``). The scheme is not compared, as that
    check does not: TLS ended before nginx leaves ``X-Forwarded-Proto: http`` under an https page, and a POST stricter
    than the websocket would have broken the remembered sign-in on a dashboard that works. A POST with neither
    header, or ``Origin: null`` (a sandboxed frame, a page that hides where it is), is refused: every browser sends
    ``Origin`` with a ``fetch`` POST, and our routes have no other caller."""
    from urllib.parse import urlsplit

    lowered = {str(name).lower(): value for name, value in headers.items()}
    host = _split_host(lowered.get("host") or "")
    sent = lowered.get("origin", lowered.get("referer"))
    if host is None or sent is None:
        return False
    try:
        parts = urlsplit(sent.strip())
        port = parts.port
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname or parts.username or parts.password:
        return False
    default = _DEFAULT_PORTS[scheme]  # a port left out of either is the page's scheme's
    name = host[0].lower().rstrip(".")
    return (parts.hostname.lower().rstrip("."), port or default) == (name, host[1] or default)
