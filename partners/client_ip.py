"""The visitor's address, for the limits that count per client (need reports, access requests,
emails, login lockout).

Behind the CCAS's reverse proxy, REMOTE_ADDR is the proxy's own address: every visitor would
share one count, and three need reports from anyone would block the whole city for ten minutes.
Each trusted proxy appends to X-Forwarded-For the address it received the request from, so with
UTOPIA_TRUSTED_PROXY_COUNT = n the visitor is the n-th address from the right. What a client
writes in that header itself lies further left and is never read.

The header is read only when the request comes from one of the proxies themselves
(UTOPIA_TRUSTED_PROXIES): anyone who reaches gunicorn directly could otherwise write any
address there, and be a new visitor at each request.

It lives in `partners`, the lowest app, because `partners` counts per client too (access
requests, invitations); the shell and django-axes use the same function.
"""

import ipaddress

from django.conf import settings


def _address(value: str):
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # A dual-stack socket reports an IPv4 peer as ::ffff:a.b.c.d.
    return getattr(address, "ipv4_mapped", None) or address


def _is_trusted_proxy(remote: str) -> bool:
    address = _address(remote)
    return address is not None and any(
        address in network for network in settings.UTOPIA_TRUSTED_PROXIES
    )


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.UTOPIA_TRUSTED_PROXY_COUNT
    if count <= 0 or not _is_trusted_proxy(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Not through the expected proxies (a health check on loopback): the peer itself.
        return remote
    candidate = _address(forwarded[-count])
    return str(candidate) if candidate is not None else remote
