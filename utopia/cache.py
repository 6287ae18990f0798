"""The whole-page cache of anonymous visitors, and no cache at all for logged-in people.

Public pages are the same for every visitor who is not logged in, so their rendered response is
kept in the shared cache (Redis in production) and served without touching the database.
Three rules keep it correct:

- only requests without a session or a pending message are served from or stored in the cache,
  and only responses that set no cookie and used no CSRF token are stored, so one person's page
  (or form token) is never served to another;
- every write to the network's data (any model of partners, plenaries, workgroups) bumps a
  version number that every stored page carries, so a change shows at once;
- entries also expire after UTOPIA_PAGE_CACHE_SECONDS, which bounds what time alone changes
  (an event that has just passed).

A logged-in person's pages are rendered by their view on every request, permission check
included: no page or fragment that carries a permission decision is kept. They are fast on their
own merits (tests/perf/bench.py measures them with no page cache).
"""

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_vary_headers

from partners.exports import NO_STORE

VERSION_KEY = "utopia:page-cache-version"
PRIVATE_PREFIXES = ("admin/", "mon-espace/", "compte/", "sante/")


def current_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def current_entry(key: str) -> tuple[tuple | None, int]:
    """(the entry stored under `key` if it was stored at the current version, the version), in
    one round trip to the cache: every entry is a tuple whose first item is its version."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or current_version()
    entry = found.get(key)
    return (entry if entry is not None and entry[0] == version else None), version


def bump_version(**kwargs) -> None:
    """Signal receiver: the network's data changed, every cached page is now stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, timeout=None)


class NoStoreForLoggedInMiddleware:
    """After AuthenticationMiddleware: every response to a logged-in person (member pages, staff
    pages, the back-office, CSV and RGPD exports) is marked `private, no-store`, so that neither a
    shared computer's browser cache nor a proxy keeps a page that shows a person's data, and the
    back button after logging out shows nothing. Anonymous public pages keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = NO_STORE
        return response


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.UTOPIA_PAGE_CACHE_SECONDS
        if not seconds or not self._cacheable_request(request):
            return self.get_response(request)
        # One round trip to the cache: the version and the page, which carries the version it
        # was rendered at; a page from an older version is a miss.
        key = self._key(request)
        entry, version = current_entry(key)
        if entry is not None:
            return entry[1]
        response = self.get_response(request)
        if self._cacheable_response(request, response):
            patch_vary_headers(response, ["Cookie"])
            response.headers.setdefault("Cache-Control", "max-age=0, must-revalidate")
            if hasattr(response, "render") and callable(response.render):
                response.render()
            # One chunk: a feed written piece by piece would go out as hundreds of small writes.
            response.content = response.content
            cache.set(key, (version, response), seconds)
        return response

    @staticmethod
    def _cacheable_request(request) -> bool:
        if request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
            return False
        path = request.path_info.lstrip("/").removeprefix(settings.URL_PREFIX)
        return not path.startswith(PRIVATE_PREFIXES)

    @staticmethod
    def _cacheable_response(request, response) -> bool:
        return (
            response.status_code == 200
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not request.META.get("CSRF_COOKIE_USED")
            and not response.streaming
            and "private" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _key(request) -> str:
        return f"utopia:page:{request.method}:{request.get_host()}:{request.get_full_path()}"
