"""Behind the CCAS's reverse proxy, limits count per visitor: the address the proxy appended to
X-Forwarded-For, never one the visitor wrote, and never the proxy's own. The header is read
only from the proxy itself: a client that reaches the server directly is its own address,
whatever it writes there."""

import ipaddress

import pytest
from django.conf import settings
from django.test import RequestFactory

from partners.client_ip import client_ip
from tests.factories import PASSWORD
from tests.utopia.test_settings import PRODUCTION_ENV, run_manage

PROXY = "10.0.0.2"
DIRECT = "192.0.2.44"  # a client that reaches gunicorn without the proxy


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings):
    settings.UTOPIA_TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]


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


@pytest.mark.parametrize("forwarded", ["203.0.113.7", "6.6.6.6, 203.0.113.7", "127.0.0.1"])
def test_a_direct_client_is_its_own_address_whatever_it_writes_in_the_header(settings, forwarded):
    settings.UTOPIA_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_with(forwarded, remote=DIRECT)) == DIRECT


@pytest.mark.parametrize(
    ("proxies", "remote", "expected"),
    [
        (["10.0.0.0/24"], "10.0.0.77", "203.0.113.5"),  # a network of proxies
        (["10.0.0.0/24"], "10.0.1.1", "10.0.1.1"),
        (["127.0.0.1", "::1"], "::1", "203.0.113.5"),
        (["127.0.0.1"], "::ffff:127.0.0.1", "203.0.113.5"),  # IPv4 peer on a dual-stack socket
        (["127.0.0.1"], "", ""),  # a Unix socket: no peer address, nothing to trust
    ],
)
def test_the_header_is_read_only_from_a_trusted_proxy(settings, proxies, remote, expected):
    settings.UTOPIA_TRUSTED_PROXY_COUNT = 1
    settings.UTOPIA_TRUSTED_PROXIES = [ipaddress.ip_network(p) for p in proxies]
    assert client_ip(request_with("203.0.113.5", remote=remote)) == expected


def test_development_counts_no_proxy():
    # The test settings are DEBUG ones: none. Production: see below.
    assert settings.UTOPIA_TRUSTED_PROXY_COUNT == 0


def test_production_defaults_trust_one_proxy_on_loopback_and_read_trusted_proxies():
    # Loopback is where the CCAS's web server reaches gunicorn (README, "Mise en production").
    show = (
        "from django.conf import settings;"
        "print(settings.UTOPIA_TRUSTED_PROXY_COUNT, "
        "[str(n) for n in settings.UTOPIA_TRUSTED_PROXIES])"
    )
    result = run_manage("shell", "--no-imports", "-c", show, env=PRODUCTION_ENV)
    assert result.stdout.strip() == "1 ['127.0.0.1/32', '::1/128']", result.stderr
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        show,
        env={**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.2, 10.1.0.0/16"},
    )
    assert result.stdout.strip() == "1 ['10.0.0.2/32', '10.1.0.0/16']", result.stderr
    result = run_manage("check", env={**PRODUCTION_ENV, "TRUSTED_PROXIES": "10.0.0.300"})
    assert result.returncode != 0 and "10.0.0.300" in result.stderr


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
def test_a_direct_client_cannot_escape_the_need_report_limit_by_rotating_the_header(
    client, settings
):
    settings.UTOPIA_TRUSTED_PROXY_COUNT = 1
    data = {"description": "Des familles dorment dans leur voiture.", "place": "Gare"}
    statuses = [
        client.post(
            "/signaler-un-besoin/", data, REMOTE_ADDR=DIRECT, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        ).status_code
        for n in range(6)
    ]
    assert statuses == [302, 302, 302, 429, 429, 429]


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


@pytest.mark.django_db
def test_a_direct_client_cannot_escape_the_login_lockout_by_rotating_the_header(
    client, member, settings
):
    # Issue 11: with "X-Forwarded-For: 203.0.113.7" a locked account logged in again.
    settings.UTOPIA_TRUSTED_PROXY_COUNT = 1

    def attempt(claimed, password):
        return client.post(
            "/compte/connexion/",
            {"username": member.email, "password": password},
            REMOTE_ADDR=DIRECT,
            HTTP_X_FORWARDED_FOR=claimed,
        )

    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(f"203.0.113.{n}", "mauvais")
    assert attempt("203.0.113.7", PASSWORD).status_code == 429
    assert attempt("198.51.100.9", PASSWORD).status_code == 429
