"""Who is asking, behind a reverse proxy: the client address from the proxy's headers, trusted only from the proxy.

Behind nginx every websocket comes from nginx's own address, so the audit log
and the sign-in throttle would record the proxy for everyone. nginx passes the
browser's address on in ``X-Forwarded-For`` (each hop appends the address it
saw) and ``X-Real-IP`` (the address nginx saw). Anyone can *send* those
headers, so they are believed only when the direct peer is one of the proxies
named in ``OVERSIGHT_TRUSTED_PROXIES`` (addresses or networks, comma- or
space-separated, e.g. ``127.0.0.1`` or ``10.0.0.0/8, 192.168.1.5``). Empty or
unset (the default) trusts nobody: the peer is the client.

``X-Forwarded-For`` is read from the right: the right-most entry was written by
the nearest proxy; walking left past every trusted proxy, the first address
that is not one is the client (entries further left were written by the client
itself and prove nothing). Without that header, ``X-Real-IP`` is taken.

Local mode never uses this: it refuses any request that carries a forwarding
header (``access_mode.is_local_request``), trusted proxy or not.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Mapping

from oversight import config

TRUSTED_PROXIES_VARIABLE = "OVERSIGHT_TRUSTED_PROXIES"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

log = logging.getLogger(__name__)


def parse_networks(text: str | None) -> tuple[Network, ...]:
    """The networks in a setting's text; an entry that is not an address or network is skipped (and logged),
    so a typo trusts nobody rather than everybody."""
    networks = []
    for entry in (text or "").replace(",", " ").split():
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            log.warning("%s: %r is not an address or network; ignored", TRUSTED_PROXIES_VARIABLE, entry)
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    return parse_networks(config.setting(TRUSTED_PROXIES_VARIABLE))


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a header entry: ``1.2.3.4``, ``1.2.3.4:5678``, ``[::1]:80``, ``::ffff:1.2.3.4``."""
    text = (text or "").strip().strip('"')
    if text.startswith("["):  # [v6]:port
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted(address: str | None, networks: Iterable[Network]) -> bool:
    parsed = _address(address)
    return parsed is not None and any(parsed.version == n.version and parsed in n for n in networks)


def client_address(
    peer: str | None, headers: Mapping[str, str] | None, networks: Iterable[Network] | None = None
) -> str | None:
    """The client's address: the peer's own, unless the peer is a trusted proxy that says whom it relays."""
    networks = tuple(trusted_proxies() if networks is None else networks)
    if not networks or not is_trusted(peer, networks):
        return peer
    lowered = {str(name).lower(): str(value) for name, value in (headers or {}).items()}
    hops = [hop for hop in lowered.get("x-forwarded-for", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return peer  # a malformed chain names nobody reliably: keep the address we know
        if not is_trusted(str(address), networks):
            return str(address)
    if hops:  # every hop is a trusted proxy: the left-most is as far as the chain goes
        return str(_address(hops[0]))
    real = _address(lowered.get("x-real-ip"))
    return str(real) if real is not None else peer
