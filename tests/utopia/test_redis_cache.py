"""The portal rides out a Redis that goes away (utopia/redis_cache.py): every cache operation
is a miss or a no-op, pages and forms answer, members stay logged in, the outage is logged once
and shown on the staff dashboard, and what was written while Redis was away is not served stale
once it answers again.

These tests use the real backend against a port where nothing listens, or against a
redis-server of their own that they stop, restart and pause (never the machine's Redis)."""

import logging
import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.test import Client

from partners.models import Invitation
from tests.factories import PASSWORD, PartnerFactory
from utopia import dashboard

pytestmark = pytest.mark.django_db

# Short enough for a test, long enough that a request in the loop below falls inside it.
SKIP_SECONDS = 0.3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of this test's own, on a free port, keeping nothing on disk (as the load
    test's): stopped and started again, it comes back empty."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def raw(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.directory)),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                self.raw().ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if self.process is not None:
            self.resume()
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def pause(self) -> None:
        """Hung rather than gone: connections are accepted, nothing is answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        reason = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(reason + " — not allowed in CI")
        pytest.skip(reason)
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def nothing_listens():
    return f"redis://127.0.0.1:{free_port()}/0"


def use_redis(settings, url: str, **options) -> None:
    """What utopia/settings.py configures when REDIS_URL is set."""
    settings.CACHES = {
        "default": {
            "BACKEND": "utopia.redis_cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.UTOPIA_PAGE_CACHE_SECONDS = 300


def log_in(client, user) -> None:
    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


def is_logged_in(client) -> bool:
    response = client.get("/mon-espace/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def outage_warnings(caplog) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if record.name == "utopia.redis_cache" and "ne répond pas" in record.getMessage()
    ]


def test_every_cache_operation_is_a_miss_or_does_nothing_when_redis_is_unreachable(
    settings, nothing_listens
):
    use_redis(settings, nothing_listens)
    assert cache.get("clé") is None
    assert cache.get("clé", "défaut") == "défaut"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("clé") is False
    assert "clé" not in cache
    assert cache.set("clé", 1) is None
    assert cache.add("clé", 1) is False
    assert cache.set_many({"a": 1, "b": 2}) == []
    assert cache.get_or_set("clé", 5) == 5
    assert cache.get_or_set("clé", lambda: 6) == 6
    assert cache.touch("clé") is False
    assert cache.delete("clé") is False
    assert cache.delete_many(["a", "b"]) is None
    with pytest.raises(ValueError, match="not found"):
        cache.incr("clé")
    with pytest.raises(ValueError, match="not found"):
        cache.decr("clé")
    assert cache.clear() is False
    # After a failure, Redis is left alone for a few seconds: a stopped Redis costs nothing.
    started = time.monotonic()
    for number in range(1000):
        cache.get(f"clé-{number}")
    assert time.monotonic() - started < 1


def test_pages_logins_and_forms_answer_without_redis(
    client, settings, nothing_listens, partner, manager
):
    use_redis(settings, nothing_listens)
    for path in ("/", "/partenaires/", partner.get_absolute_url(), "/compte/connexion/"):
        assert client.get(path).status_code == 200, path
    anonymous = client.post(
        "/demande-acces/", {"full_name": "Camille", "email": "c@exemple.fr", "partner": partner.pk}
    )
    assert anonymous.status_code == 302
    log_in(client, manager)
    assert is_logged_in(client)
    invited = client.post(
        f"/partenaires/{partner.slug}/inviter/", {"email": "nouvelle@exemple.fr", "role": "member"}
    )
    assert invited.status_code == 302
    assert Invitation.objects.filter(email="nouvelle@exemple.fr").exists()
    assert client.get(partner.get_absolute_url()).status_code == 200


def test_an_unreachable_redis_is_logged_once_for_many_requests(
    client, settings, nothing_listens, partner, manager, caplog
):
    use_redis(settings, nothing_listens, skip_seconds=SKIP_SECONDS)
    caplog.set_level(logging.WARNING)
    log_in(client, manager)
    started = time.monotonic()
    for _ in range(10):
        client.get("/")
        client.get("/mon-espace/")
        time.sleep(SKIP_SECONDS / 3)  # Redis is tried again between some of these requests
    assert time.monotonic() - started > 2 * SKIP_SECONDS
    assert len(outage_warnings(caplog)) == 1
    # Nothing else complains either (cached_db logs an error per failed session save).
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_member_stays_logged_in_while_redis_stops_and_after_it_restarts(
    client, settings, redis_server, partner, manager
):
    use_redis(settings, redis_server.url, skip_seconds=SKIP_SECONDS)
    log_in(client, manager)
    assert is_logged_in(client)
    assert redis_server.raw().dbsize() > 0  # the session and the pages are in Redis

    redis_server.stop()
    assert is_logged_in(client)
    invited = client.post(
        f"/partenaires/{partner.slug}/inviter/", {"email": "pendant@exemple.fr", "role": "member"}
    )
    assert invited.status_code == 302
    assert client.get("/partenaires/").status_code == 200

    redis_server.start()  # empty: it keeps nothing on disk
    time.sleep(SKIP_SECONDS)
    assert is_logged_in(client)
    assert Invitation.objects.filter(email="pendant@exemple.fr").exists()
    assert redis_server.raw().dbsize() > 0  # used again, without restarting anything


def test_what_was_written_while_redis_hung_is_not_served_stale_once_it_answers(
    client, settings, redis_server, partner, manager
):
    # A hung Redis (or a restart that reloads its dump, as Debian's configuration does) comes
    # back with what it held before: the logout and the new partner below never reached it.
    use_redis(settings, redis_server.url, skip_seconds=SKIP_SECONDS, socket_timeout=0.2)
    visitor = Client()
    assert "Nouvelle association" not in visitor.get("/partenaires/").content.decode()
    log_in(client, manager)
    assert is_logged_in(client)
    stolen = client.cookies["sessionid"].value

    redis_server.pause()
    assert client.post("/compte/deconnexion/").status_code == 302
    PartnerFactory(name="Nouvelle association")
    redis_server.resume()
    time.sleep(SKIP_SECONDS)

    thief = Client()
    thief.cookies["sessionid"] = stolen
    assert not is_logged_in(thief)
    assert "Nouvelle association" in visitor.get("/partenaires/").content.decode()


def test_the_staff_dashboard_says_so_while_redis_is_unreachable(
    client, settings, redis_server, staff
):
    use_redis(settings, redis_server.url, skip_seconds=SKIP_SECONDS)
    client.force_login(staff)
    assert 'data-line="cache_unreachable"' not in client.get("/admin/").content.decode()

    redis_server.stop()
    page = client.get("/admin/")
    assert page.status_code == 200
    assert 'data-line="cache_unreachable"' in page.content.decode()
    line = next(line for line in dashboard.lines() if line.key == "cache_unreachable")
    assert line.text.startswith("Le cache Redis ne répond pas depuis")

    redis_server.start()
    time.sleep(SKIP_SECONDS)
    assert 'data-line="cache_unreachable"' not in client.get("/admin/").content.decode()
