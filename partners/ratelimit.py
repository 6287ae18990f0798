"""Limits per client address or per email address: need reports, access requests, password
reset and invitation emails.

Each attempt is counted in one database row per (limit, key), locked while it is read and
written: concurrent requests wait for each other, so no more than the limit ever pass, on
SQLite (one writer at a time) and PostgreSQL (the row lock) alike, and across every worker
process. The cache is not used: it is per process without Redis, and a Redis outage would then
either open the limits or break the forms. A window starts with the first attempt and lasts
`seconds`; the next attempt after it starts a new one. Counters whose window is over are
deleted a few at a time whenever a new counter is created, so the table stays small.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from partners.models import RateLimitCounter

PURGE_BATCH = 100

# The emails anyone can have sent to an address (password reset) or a manager sends
# (invitations): counted per recipient and per client, each kind apart.
PASSWORD_RESET = "password-reset"
INVITATION = "invitation"


def _digest(scope: str, key: str) -> str:
    return salted_hmac("partners.ratelimit", f"{scope}\n{key}", algorithm="sha256").hexdigest()


def _purge_expired(now: datetime.datetime) -> None:
    # SKIP LOCKED: a counter that another request is restarting is left to it; waiting for it
    # here could deadlock two purges taking the same rows in another order.
    expired = RateLimitCounter.objects.select_for_update(skip_locked=True).filter(
        window_ends_at__lte=now
    )
    pks = list(expired.values_list("pk", flat=True)[:PURGE_BATCH])
    if pks:
        RateLimitCounter.objects.filter(pk__in=pks).delete()


@transaction.atomic
def count_attempt(*, scope: str, key: str, limit: int, seconds: int) -> bool:
    """Count one attempt of `key` (a client or email address) against the limit `scope`, and
    say whether it is allowed: at most `limit` per window of `seconds`. A refused attempt is not
    counted, so a window ends `seconds` after it began, however hard it is pushed."""
    now = timezone.now()
    window_ends_at = now + datetime.timedelta(seconds=seconds)
    counter, created = RateLimitCounter.objects.select_for_update().get_or_create(
        scope=scope,
        key=_digest(scope, key),
        defaults={"count": 1, "window_ends_at": window_ends_at},
    )
    if created:
        _purge_expired(now)
        return limit >= 1
    if counter.window_ends_at <= now:
        counter.count, counter.window_ends_at = 1, window_ends_at
    elif counter.count >= limit:
        return False
    else:
        counter.count += 1
    counter.save(update_fields=["count", "window_ends_at"])
    return counter.count <= limit


def is_limited(*, scope: str, key: str, limit: int) -> bool:
    """Whether `key` has used up `limit` in the current window (reads only, counts nothing)."""
    return RateLimitCounter.objects.filter(
        scope=scope,
        key=_digest(scope, key),
        window_ends_at__gt=timezone.now(),
        count__gte=limit,
    ).exists()


def email_allowed(*, kind: str, email: str, client: str) -> bool:
    """Count one email of `kind` to `email` asked from the client address `client`: allowed
    while both are within their limit (UTOPIA_EMAIL_LIMIT_PER_ADDRESS and _PER_CLIENT per
    UTOPIA_EMAIL_LIMIT_SECONDS). The client is counted first: a client past its limit adds
    nothing to the address's count."""
    seconds = settings.UTOPIA_EMAIL_LIMIT_SECONDS
    return count_attempt(
        scope=f"{kind}:client",
        key=client,
        limit=settings.UTOPIA_EMAIL_LIMIT_PER_CLIENT,
        seconds=seconds,
    ) and count_attempt(
        scope=f"{kind}:address",
        key=email.strip().lower(),
        limit=settings.UTOPIA_EMAIL_LIMIT_PER_ADDRESS,
        seconds=seconds,
    )
