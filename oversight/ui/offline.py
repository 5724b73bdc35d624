"""The server asks nothing of the internet: Streamlit's lookup of this machine's public address is switched off.

Streamlit (1.67) finds the "External URL" it prints at a headless start (our ``.streamlit/config.toml`` sets
headless) by an HTTP request to checkip.amazonaws.com, and asks the same again for every WebSocket whose Origin
is neither its host nor localhost, as one more origin to allow. For a discipline-inspection team's server that is
a call to a third party announcing the server, made at every start; on an intranet without a way out it is two
blocking one-second timeouts, the second kind inside the server's event loop — every visitor waits while a page
on another site opens cross-origin sockets to us. No origin of ours is the machine's public address (a visitor
comes by the name in ``server.allowedHosts`` or the proxy's), so the answer is always "none".
"""

from __future__ import annotations


def no_public_address() -> None:
    """What ``get_external_ip`` returns when it finds nothing; no request is made."""
    return None


def install() -> None:
    # both callers (the start banner and the origin check) look the function up on the module at each call
    from streamlit import net_util

    net_util.get_external_ip = no_public_address
