"""The client behind the proxy: believed from the proxy's headers only when the peer is a trusted proxy."""

from __future__ import annotations

import pytest

from oversight.auth import access_mode
from oversight.auth.client_address import client_address, parse_networks


@pytest.mark.parametrize(
    "peer, headers, trusted, expected",
    [
        # nobody trusted (the default): the headers are anyone's to write, the peer is the client
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}, "", "127.0.0.1"),
        # the peer is the trusted nginx: the address it appended is the client
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9", "X-Real-IP": "203.0.113.9"}, "127.0.0.1", "203.0.113.9"),
        # a client that forges the header: nginx appends the real peer, which is right-most and wins
        ("127.0.0.1", {"x-forwarded-for": "10.9.9.9, 198.51.100.7"}, "127.0.0.1", "198.51.100.7"),
        # two proxies (a load balancer at 10.0.0.2, then nginx): walk left past the trusted hops
        ("127.0.0.1", {"X-Forwarded-For": "198.51.100.7, 10.0.0.2"}, "127.0.0.1, 10.0.0.0/8", "198.51.100.7"),
        # a peer that is not the proxy sends the headers itself: ignored
        ("192.0.2.44", {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"}, "127.0.0.1", "192.0.2.44"),
        # only X-Real-IP
        ("127.0.0.1", {"X-Real-IP": "198.51.100.7"}, "127.0.0.1", "198.51.100.7"),
        # the proxy sends nothing: the peer
        ("127.0.0.1", {}, "127.0.0.1", "127.0.0.1"),
        # IPv6, with ports and brackets
        ("::1", {"X-Forwarded-For": "[2001:db8::5]:51234"}, "::1", "2001:db8::5"),
        ("127.0.0.1", {"X-Forwarded-For": "198.51.100.7:40000"}, "127.0.0.1", "198.51.100.7"),
        # garbage in the chain names nobody: keep the address known
        ("127.0.0.1", {"X-Forwarded-For": "<script>, 198.51.100.7"}, "127.0.0.1", "198.51.100.7"),
        ("127.0.0.1", {"X-Forwarded-For": "198.51.100.7, not-an-address"}, "127.0.0.1", "127.0.0.1"),
        # no peer known (a test double): nothing to trust
        (None, {"X-Forwarded-For": "198.51.100.7"}, "127.0.0.1", None),
    ],
)
def test_the_client_address(peer, headers, trusted, expected):
    assert client_address(peer, headers, parse_networks(trusted)) == expected


def test_the_setting_is_read_from_the_environment_and_a_typo_trusts_nobody(monkeypatch, caplog):
    headers = {"X-Forwarded-For": "198.51.100.7"}
    monkeypatch.delenv("OVERSIGHT_TRUSTED_PROXIES", raising=False)
    assert client_address("127.0.0.1", headers) == "127.0.0.1"
    monkeypatch.setenv("OVERSIGHT_TRUSTED_PROXIES", "127.0.0.1,::1")
    assert client_address("127.0.0.1", headers) == "198.51.100.7"
    monkeypatch.setenv("OVERSIGHT_TRUSTED_PROXIES", "127.0.0.l")  # a letter l for a one
    assert client_address("127.0.0.1", headers) == "127.0.0.1"
    assert "127.0.0.l" in caplog.text


def test_local_mode_still_refuses_a_request_relayed_by_a_trusted_proxy(monkeypatch):
    """Trusting nginx for the address does not make the people behind it local."""
    monkeypatch.setenv("OVERSIGHT_TRUSTED_PROXIES", "127.0.0.1")
    headers = {"Host": "127.0.0.1:8600", "X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"}
    assert not access_mode.is_local_request("127.0.0.1", headers, 8600)
