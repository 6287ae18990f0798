"""Django's Redis cache backend, made to ride out a Redis that goes away, with one redis-py
client per connection pool.

Redis holds nothing that the database does not (cached pages, the collaboration graph, copies
of the sessions, which `cached_db` writes to the database first), so a Redis that is stopped,
restarting or hung must cost the portal its speed, never a page:

- every operation that cannot reach Redis is a miss or does nothing (get: the default,
  add: False, incr: "key not found", set and delete: nothing), instead of redis-py's
  ConnectionError or TimeoutError, which would answer 500;
- the connect and read timeouts are short, and after a failure this process leaves Redis alone
  for `skip_seconds`, so that a dead Redis costs a request nothing rather than a connection
  attempt each;
- the outage is logged at WARNING at most once per `warn_seconds` in each process, and shown on
  the staff dashboard (utopia/dashboard.py, `unreachable_since()`);
- a write that did not reach Redis (a logout's session delete, the page cache's version bump)
  leaves a stale entry there if Redis kept its data (hung, or restarted from its dump file): a
  process that missed a write empties the cache at its first contact after the outage, before
  it reads anything (the whole Redis database of REDIS_URL, which is the portal's alone, as
  Django's cache.clear() does; other processes may read a stale entry until then, a few
  seconds).

A cache object is made per thread (Django's `caches`), so what a process knows about a Redis
server is kept per process, in `_servers_state`, shared by its threads.

The shared client: Django builds a new `redis.Redis` client for every cache operation; each one
fills a table of some 170 response callbacks, which cost a member's page about a tenth of its
time under load (three cache reads per page). A client holds no connection of its own (the pool
does) and is safe to share between threads, so one per pool is kept.
"""

import datetime
import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils import timezone
from django.utils.functional import cached_property
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)

# What redis-py raises when Redis is stopped, restarting, loading its dump, or does not answer.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)

# Redis runs on the same machine or the CCAS's network and answers within a millisecond.
CONNECTION_OPTIONS = {
    "socket_connect_timeout": 0.5,
    "socket_timeout": 1,
    # A pooled connection that a Redis restart closed fails once; one new connection is tried at
    # once. Never after a timeout, which would double the wait.
    "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
}
SKIP_SECONDS = 5
WARN_SECONDS = 60


class ServerState:
    """What this process knows of one Redis server, shared by its threads."""

    def __init__(self, *, name: str, skip_seconds: float, warn_seconds: float):
        self.name = name
        self.skip_seconds, self.warn_seconds = skip_seconds, warn_seconds
        self.lock = threading.Lock()
        self.down_since: datetime.datetime | None = None
        self.skip_until = 0.0
        self.warned_at: float | None = None
        self.warned_this_outage = False
        # A write was missed: what Redis holds may be stale once it answers.
        self.stale = False

    def skipping(self, *, write: bool) -> bool:
        if time.monotonic() >= self.skip_until:
            return False
        if write:
            self.stale = True
        return True

    def failed(self, error: Exception, *, write: bool) -> None:
        now = time.monotonic()
        with self.lock:
            self.skip_until = now + self.skip_seconds
            self.stale = self.stale or write
            if self.down_since is None:
                self.down_since = timezone.now()
                self.warned_this_outage = False
            if self.warned_at is not None and now - self.warned_at < self.warn_seconds:
                return
            self.warned_at = now
            self.warned_this_outage = True
        logger.warning(
            "Redis (%s) ne répond pas (%s) : le cache est contourné, le portail continue sans "
            "lui ; prochain essai dans %g s, ce message au plus une fois par %g s et par "
            "processus.",
            self.name,
            error,
            self.skip_seconds,
            self.warn_seconds,
        )

    def answered(self) -> None:
        if self.down_since is None:
            return
        with self.lock:
            down_since, self.down_since = self.down_since, None
            announced = self.warned_this_outage
        if down_since is not None and announced:
            logger.warning(
                "Redis (%s) répond de nouveau, après %d s sans cache.",
                self.name,
                (timezone.now() - down_since).total_seconds(),
            )


_servers_state: dict[tuple, ServerState] = {}
_servers_state_lock = threading.Lock()


def server_state(servers: list[str], **options) -> ServerState:
    key = (tuple(servers), *sorted(options.items()))
    with _servers_state_lock:
        if key not in _servers_state:
            _servers_state[key] = ServerState(
                name=", ".join(map(_without_password, servers)), **options
            )
        return _servers_state[key]


def _without_password(url: str) -> str:
    # The name goes to the logs; REDIS_URL may carry a password.
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 6379}{parts.path}" if parts.hostname else url


def unreachable_since() -> datetime.datetime | None:
    """Since when this process has found a Redis cache of the site unreachable, if it has."""
    outages = [
        backend.state.down_since
        for backend in caches.all()
        if isinstance(backend, RedisCache) and backend.state.down_since is not None
    ]
    return min(outages, default=None)


# The value of an operation that Redis did not run.
MISSED = object()


class ResilientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, state: ServerState, **kwargs):
        super().__init__(*args, **kwargs)
        self._state = state
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client

    def _run(self, operation, *args, write: bool, missed=MISSED):
        state = self._state
        if state.skipping(write=write):
            return missed
        try:
            if state.stale:
                self._empty_stale_cache()
            result = operation(*args)
        except UNREACHABLE as error:
            state.failed(error, write=write)
            return missed
        state.answered()
        return result

    def _empty_stale_cache(self) -> None:
        # Sessions are in the database and pages are rendered again: emptying costs speed only.
        super().clear()
        self._state.stale = False
        logger.warning(
            "Redis (%s) répond de nouveau et a manqué des écritures : cache vidé.",
            self._state.name,
        )

    def get(self, key, default):
        return self._run(super().get, key, default, write=False, missed=default)

    def get_many(self, keys):
        return self._run(super().get_many, keys, write=False, missed={})

    def has_key(self, key):
        return self._run(super().has_key, key, write=False, missed=False)

    def add(self, key, value, timeout):
        return self._run(super().add, key, value, timeout, write=True, missed=False)

    def set(self, key, value, timeout):
        self._run(super().set, key, value, timeout, write=True)

    def set_many(self, data, timeout):
        self._run(super().set_many, data, timeout, write=True)

    def touch(self, key, timeout):
        return self._run(super().touch, key, timeout, write=True, missed=False)

    def incr(self, key, delta):
        value = self._run(super().incr, key, delta, write=True)
        if value is MISSED:
            raise ValueError(f"Key '{key}' not found.")
        return value

    def delete(self, key):
        return self._run(super().delete, key, write=True, missed=False)

    def delete_many(self, keys):
        self._run(super().delete_many, keys, write=True)

    def clear(self):
        return self._run(super().clear, write=True, missed=False)


class RedisCache(DjangoRedisCache):
    """OPTIONS: redis-py's connection options (CONNECTION_OPTIONS above by default), and
    `skip_seconds` (how long a process leaves Redis alone after a failure) and `warn_seconds`
    (at most one warning per this many seconds and process)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        options = dict(self._options)
        self._state_options = {
            "skip_seconds": options.pop("skip_seconds", SKIP_SECONDS),
            "warn_seconds": options.pop("warn_seconds", WARN_SECONDS),
        }
        self._options = {**CONNECTION_OPTIONS, **options}
        self._class = ResilientRedisCacheClient

    @cached_property
    def state(self) -> ServerState:
        return server_state(self._servers, **self._state_options)

    @cached_property
    def _cache(self):
        return self._class(self._servers, state=self.state, **self._options)
