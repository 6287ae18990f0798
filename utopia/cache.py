"""Whole-page caches: for anonymous visitors, and for each member on the pages that opt in.

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

Member pages (MemberPageCacheMiddleware, further down) follow the same version and expiry, with
one entry per member and page.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

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
    """After AuthenticationMiddleware, before the member page cache: every response to a
    logged-in person (member pages, staff pages, the back-office, CSV and RGPD exports) is
    marked `private, no-store`, so that neither a shared computer's browser cache nor a proxy
    keeps a page that shows a person's data, and the back button after logging out shows
    nothing. Anonymous public pages keep their own caching."""

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


# --- Member pages -------------------------------------------------------------------------------
#
# A member's form and space pages cost far more to render than to compute: crispy-forms renders
# each field through several templates. A page opts in with `cache_member_page = True` on its
# view class (partners.permissions.KeptPerMemberMixin, for the apps) or @cache_member_page on a
# function, which says that its GET is a function of the member, the URL, the network's data and
# the day, and of nothing else: no writes, nothing read from the session. Its response is then
# kept per member, URL, language, day and data version.
#
# A page served from this cache skips its view, permission check included. That is sound because
# the check was passed by the same member at the same version of the data: losing access takes a
# write (a membership, a seat, a partner closed), which changes the version; a pilot's term ends
# with a date, which is in the key; a deactivated account or a changed password ends the session
# before this middleware runs. Staff are never served from it (their pages depend on the session's
# two-factor verification).
#
# The form token is the one part of a page that changes with each response: pages are rendered
# with a placeholder in its place (context processor below), which each response replaces with a
# fresh masked token of the member's own CSRF secret.

CSRF_PLACEHOLDER = "utopia-csrf-placeholder-7c1e"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
PLACEHOLDER_FLAG = "_utopia_csrf_placeholder"


def cache_member_page(view):
    """Decorator for a function view: opt its GET into the member page cache."""
    view.cache_member_page = True
    return view


def csrf_placeholder(request):
    """Context processor (after Django's csrf one): the placeholder while a page is cached."""
    if getattr(request, PLACEHOLDER_FLAG, False):
        return {"csrf_token": CSRF_PLACEHOLDER}
    return {}


class MemberPageCacheMiddleware:
    """Last in MIDDLEWARE: it sees the view and the response before any cookie is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        pending = getattr(request, "_utopia_member_page", None)
        if pending is None or response.streaming:
            return response
        setattr(request, PLACEHOLDER_FLAG, False)
        key, version = pending
        content = response.content
        if (
            response.status_code == 200
            and not response.cookies
            and not getattr(getattr(request, "_messages", None), "added_new", False)
            and _only_placeholder_tokens(content)
            # A CSP nonce is good for one response: a page that used one is never replayed.
            and not get_nonce(request)
        ):
            entry = (version, content, dict(response.headers))
            cache.set(key, entry, settings.UTOPIA_PAGE_CACHE_SECONDS)
        response.content = _with_token(request, content)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._cacheable(request, view_func):
            return None
        key = self._key(request)
        entry, version = current_entry(key)
        if entry is not None:
            return HttpResponse(_with_token(request, entry[1]), headers=entry[2])
        request._utopia_member_page = (key, version)
        setattr(request, PLACEHOLDER_FLAG, True)
        return None

    @staticmethod
    def _cacheable(request, view_func) -> bool:
        if not settings.UTOPIA_PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return False
        view = getattr(view_func, "view_class", view_func)
        if not getattr(view, "cache_member_page", False):
            return False
        user = request.user
        if not user.is_authenticated or user.is_staff or user.is_superuser:
            return False
        # A page showing a pending message shows it once.
        storage = getattr(request, "_messages", None)
        return storage is None or not len(storage)

    @staticmethod
    def _key(request) -> str:
        user = request.user
        # The header shows who is logged in; account fields are not network data and do not
        # bump the version, so they are part of the key.
        who = hashlib.blake2b(
            f"{user.get_username()}|{user.email}|{user.get_full_name()}".encode(), digest_size=8
        ).hexdigest()
        return (
            f"utopia:member-page:{user.pk}:{who}:{get_language()}:{timezone.localdate()}:"
            f"{request.method}:{request.get_host()}:{request.get_full_path()}"
        )


def _only_placeholder_tokens(content: bytes) -> bool:
    """A form token rendered without the placeholder would be replayed: such a page is not kept."""
    field = b'name="csrfmiddlewaretoken"'
    return content.count(field) == content.count(field + b' value="' + _PLACEHOLDER_BYTES)


def _with_token(request, content: bytes) -> bytes:
    if _PLACEHOLDER_BYTES not in content:
        return content
    return content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
