"""The HTTPS rule for the URLs of a company's accounting system (pure: it only reads the URL)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def is_local_host(host: str | None) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1: traffic that never leaves this machine."""
    if not host:
        return False
    host = host.rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_https(url: str, allow_insecure_http: bool = False) -> str:
    """``url`` if it is HTTPS, or plain HTTP to this machine, or plain HTTP allowed by the
    company's ``allow_insecure_http = true``; otherwise a ``ValueError`` (the message shows the
    scheme and host only, never credentials a URL may carry)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        host = parts.hostname
    except ValueError:  # a malformed netloc (e.g. an unclosed IPv6 bracket)
        host = None
    if scheme not in ("https", "http") or not host:
        raise ValueError("must be an https:// URL")
    if scheme == "https" or allow_insecure_http or is_local_host(host):
        return url
    raise ValueError(f"http://{host} is not HTTPS: the login and customer data would cross the network "
                     f"unencrypted; use https://, or set allow_insecure_http = true in the company's "
                     f"settings if the network is trusted")
