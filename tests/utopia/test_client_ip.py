"""Behind the CCAS's reverse proxy, limits count per visitor: the address the proxy appended to
X-Forwarded-For, never one the visitor wrote, and never the proxy's own."""

import pytest
from django.conf import settings
from django.test import RequestFactory

from tests.factories import PASSWORD
from utopia.client_ip import client_ip

PROXY = "10.0.0.2"


def request_with(forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", PROXY),  # no proxy trusted: the peer
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the visitor's own claim is left of it
        (1, "6.6.6.6,203.0.113.5 ", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5"),  # two proxies in a row
        (1, "2001:db8::1", "2001:db8::1"),
        (1, None, PROXY),  # not through the proxy (a health check on loopback)
        (1, "", PROXY),
        (2, "203.0.113.5", PROXY),  # fewer hops than proxies: the header is not the proxies'
        (1, "pas-une-adresse", PROXY),
        (1, "203.0.113.5<script>", PROXY),
    ],
)
def test_the_visitor_is_the_address_the_trusted_proxies_appended(
    settings, count, forwarded, expected
):
    settings.UTOPIA_TRUSTED_PROXY_COUNT = count
    assert client_ip(request_with(forwarded)) == expected


def test_production_trusts_one_proxy_by_default():
    # The test settings are DEBUG ones: none. Production behind HTTPS: the CCAS's proxy.
    assert settings.UTOPIA_TRUSTED_PROXY_COUNT == 0


@pytest.mark.django_db
def test_need_reports_are_limited_per_visitor_not_per_proxy(client, settings):
    settings.UTOPIA_TRUSTED_PROXY_COUNT = 1
    data = {"description": "Des familles dorment dans leur voiture.", "place": "Gare"}

    def post(visitor, claimed="6.6.6.6"):
        return client.post(
            "/signaler-un-besoin/",
            data,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{claimed}, {visitor}",
        )

    statuses = [post("203.0.113.5", claimed=f"6.6.6.{n}").status_code for n in range(4)]
    assert statuses == [302, 302, 302, 429]  # changing the claimed address does not help
    assert post("198.51.100.9").status_code == 302  # another visitor, same proxy


@pytest.mark.django_db
def test_a_login_lockout_holds_one_visitor_not_everyone_behind_the_proxy(client, member, settings):
    settings.UTOPIA_TRUSTED_PROXY_COUNT = 1

    def attempt(visitor, password):
        return client.post(
            "/compte/connexion/",
            {"username": member.email, "password": password},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=visitor,
        )

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("203.0.113.66", "mauvais")
    assert attempt("203.0.113.66", PASSWORD).status_code == 429
    assert attempt("198.51.100.9", PASSWORD).status_code == 302
