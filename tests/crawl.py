"""Walk the site as a person would: from the home page (and the sitemap), follow every link
that stays on the site, and yield each page reached. Used by the site-wide tests (CSP on every
response, no server error, axe-core on every page)."""

import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

HREF = re.compile(r'<a\s[^>]*href="([^"#][^"]*)"', re.IGNORECASE)
LOC = re.compile(r"<loc>([^<]+)</loc>")

# Links a crawler must not follow: leaving the site, the back-office (Django's own pages),
# downloads that are not pages, and links whose GET changes something by design.
SKIPPED_PREFIXES = ("/admin/", "/media/", "/static/")
SKIPPED_PARTS = ("/desabonnement/", "/confirmer/", "/deconnexion/")


def internal_links(html: str, base: str) -> list[str]:
    links = []
    for href in HREF.findall(html):
        href = href.replace("&amp;", "&")
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        links.append(path)
    return links


def route_key(path: str) -> str:
    """One key per kind of page: its URL pattern and the names of its query parameters."""
    from django.urls import Resolver404, resolve

    bare, _, query = path.partition("?")
    try:
        route = resolve(bare).route
    except Resolver404:
        route = bare
    names = sorted({pair.split("=")[0] for pair in query.split("&") if pair})
    return route + ("?" + "&".join(names) if names else "")


def sitemap_text(client) -> str:
    """The XML of /sitemap.xml, an index, followed by every section file and page it lists."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    parts = [index.content.decode()]
    for loc in LOC.findall(parts[0]):
        if ".xml" in loc:
            section = client.get(loc.replace("http://testserver", ""))
            assert section.status_code == 200, loc
            parts.append(section.content.decode())
    return "\n".join(parts)


def crawl(client, start=("/",), limit=400, keep_query=True, key=None):
    """Yield (path, response) for every page reachable from `start`, at most `limit`.

    `key` decides which pages count as the same one (default: the path and the names of its
    query parameters); `route_key` keeps one page per URL pattern."""
    seen: set[str] = set()
    queue = deque(start)
    for loc in LOC.findall(sitemap_text(client)):
        if ".xml" not in loc:
            queue.append(urlsplit(loc).path)
    while queue and len(seen) < limit:
        path = queue.popleft()
        if not keep_query:
            path = path.split("?")[0]
        # Filter combinations would never end: one page per set of parameter names is enough.
        page_key = (
            key(path)
            if key
            else (
                path
                if "?" not in path
                else path.split("?")[0]
                + "?"
                + "&".join(sorted(p.split("=")[0] for p in path.split("?")[1].split("&")))
            )
        )
        if (
            page_key in seen
            or path.startswith(SKIPPED_PREFIXES)
            or any(p in path for p in SKIPPED_PARTS)
        ):
            continue
        seen.add(page_key)
        response = client.get(path)
        yield path, response
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            queue.extend(internal_links(response.content.decode(), path))


# Back-office links a crawler does not follow: leaving the session, downloads, the portal.
ADMIN_SKIPPED_PARTS = ("/logout/", ".csv", "/password/", "_popup=")


def admin_route_key(path: str) -> str:
    """One page per back-office URL pattern: its lists' filters and orderings are the same page."""
    return route_key(path.split("?")[0])


def crawl_admin(client, limit=400):
    """Yield (path, response) for every back-office page reachable from its index by following
    its links, one per URL pattern (a list, an add form, a change form of each model...)."""
    from django.urls import reverse

    seen: set[str] = set()
    queue = deque([reverse("admin:index")])
    while queue and len(seen) < limit:
        path = queue.popleft()
        if not path.startswith("/admin/") or any(part in path for part in ADMIN_SKIPPED_PARTS):
            continue
        page_key = admin_route_key(path)
        if page_key in seen:
            continue
        seen.add(page_key)
        response = client.get(path)
        yield path, response
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            queue.extend(internal_links(response.content.decode(), path))
