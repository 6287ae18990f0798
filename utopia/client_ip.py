"""The visitor's address, for the limits that count per client (need reports, login lockout).

Behind the CCAS's reverse proxy, REMOTE_ADDR is the proxy's own address: every visitor would
share one count, and three need reports from anyone would block the whole city for ten minutes.
Each trusted proxy appends to X-Forwarded-For the address it received the request from, so with
UTOPIA_TRUSTED_PROXY_COUNT = n the visitor is the n-th address from the right. What a client
writes in that header itself lies further left and is never read.
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.UTOPIA_TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Not through the expected proxies (a health check on loopback): the peer itself.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
