"""Which webhook addresses Plansign posts to: the server-side request forgery it refuses.

A webhook makes Plansign's server send a request where an editor says. Refused: any scheme but
http(s), credentials in the URL, and (unless WEBHOOK_ALLOW_PRIVATE_HOSTS is on, for a chat bot
inside the company network) any host that is or resolves to a loopback, private, link-local,
multicast or reserved address, such as a cloud's metadata service at 169.254.169.254. The host
is checked when the webhook is saved and again before each delivery (its address may change),
and the delivery connects to the very address checked: a name that resolves to a public address
for the check and to an internal one a moment later (DNS rebinding) cannot redirect the post.
Redirects are not followed; the timeout is short and only a short excerpt of the answer is kept.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeUrl(ValueError):
    pass


def check_url(url: str, *, resolve: bool = True) -> str | None:
    """Raise UnsafeUrl, saying why, for an address Plansign will not post to; else the IP
    address checked, to connect to (None where none was resolved: the host is connected to by
    name)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise UnsafeUrl("Only http:// and https:// addresses.")
    if parts.username or parts.password:
        raise UnsafeUrl("No user name or password in the address: the signature authenticates.")
    if not parts.hostname:
        raise UnsafeUrl("The address needs a host.")
    try:
        parts.port  # noqa: B018 - parsing it is the check
    except ValueError:
        raise UnsafeUrl("The port is not a number from 0 to 65535.") from None
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS or not resolve:
        return None
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeUrl(f"The host {parts.hostname} cannot be found.") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise UnsafeUrl(
                f"{parts.hostname} is an internal address ({address}): Plansign posts only to "
                "public hosts."
            )
    return str(infos[0][4][0])
