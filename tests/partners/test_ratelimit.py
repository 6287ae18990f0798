"""The limits per client or email address (partners/ratelimit.py): counted in the database, so
that every worker process shares the count and concurrent requests cannot all pass."""

import datetime

import pytest
from django.utils import timezone

from partners import ratelimit
from partners.models import RateLimitCounter
from tests.concurrency import concurrently


def attempt(key="203.0.113.7", scope="essai", limit=3, seconds=600):
    return ratelimit.count_attempt(scope=scope, key=key, limit=limit, seconds=seconds)


@pytest.mark.django_db
def test_attempts_pass_up_to_the_limit_and_refusals_are_not_counted():
    assert [attempt() for _ in range(6)] == [True, True, True, False, False, False]
    assert RateLimitCounter.objects.get().count == 3
    assert ratelimit.is_limited(scope="essai", key="203.0.113.7", limit=3)
    assert not ratelimit.is_limited(scope="essai", key="198.51.100.9", limit=3)


@pytest.mark.django_db
def test_each_key_and_each_limit_counts_apart():
    for _ in range(3):
        attempt()
    assert attempt(key="198.51.100.9")
    assert attempt(scope="autre")
    assert not attempt()


@pytest.mark.django_db
def test_a_new_window_starts_after_the_last_one_ended():
    for _ in range(4):
        attempt()
    RateLimitCounter.objects.update(window_ends_at=timezone.now())  # what the clock does
    assert [attempt() for _ in range(4)] == [True, True, True, False]
    counter = RateLimitCounter.objects.get()
    assert counter.window_ends_at > timezone.now() + datetime.timedelta(seconds=590)


@pytest.mark.django_db
def test_no_address_is_stored_only_a_keyed_digest():
    attempt(key="203.0.113.7")
    ratelimit.email_allowed(kind=ratelimit.INVITATION, email="Camille@Exemple.fr", client="::1")
    keys = list(RateLimitCounter.objects.values_list("key", flat=True))
    assert len(keys) == 3 and all(len(key) == 64 for key in keys)
    assert not any("203.0.113" in key or "exemple" in key.lower() for key in keys)


@pytest.mark.django_db
def test_counters_of_ended_windows_are_purged_when_a_new_counter_is_made(settings):
    for number in range(ratelimit.PURGE_BATCH + 5):
        attempt(key=f"10.0.{number // 250}.{number % 250}")
    RateLimitCounter.objects.update(window_ends_at=timezone.now())
    attempt(key="203.0.113.7")  # one batch of the old ones goes
    assert RateLimitCounter.objects.count() == 6
    attempt(key="198.51.100.9")  # then the rest
    assert RateLimitCounter.objects.count() == 2


@pytest.mark.django_db
def test_an_email_counts_the_client_first_then_the_recipient(settings):
    settings.UTOPIA_EMAIL_LIMIT_PER_ADDRESS = 2
    settings.UTOPIA_EMAIL_LIMIT_PER_CLIENT = 3

    def email(address, client="203.0.113.7"):
        return ratelimit.email_allowed(kind=ratelimit.PASSWORD_RESET, email=address, client=client)

    assert [email("camille@exemple.fr") for _ in range(3)] == [True, True, False]
    assert not email("dominique@exemple.fr")  # the client's three are used
    assert email("dominique@exemple.fr", client="198.51.100.9")
    assert not email(" CAMILLE@exemple.fr ", client="198.51.100.10")  # same recipient
    assert ratelimit.email_allowed(
        kind=ratelimit.INVITATION, email="camille@exemple.fr", client="192.0.2.1"
    )  # another kind of email


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_never_pass_more_than_the_limit():
    results = concurrently(20, lambda number: attempt(limit=5))
    assert results.count(True) == 5
    assert RateLimitCounter.objects.get().count == 5


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_attempts_of_new_keys_all_pass():
    # Twenty counters created at once: none is lost to another's insert, none fails.
    results = concurrently(20, lambda number: attempt(key=f"203.0.113.{number}", limit=1))
    assert results == [True] * 20
    assert RateLimitCounter.objects.count() == 20
