"""How the shell composes the apps' pages: each app may offer, in `<app>/sections.py`,

- `home_context(request) -> dict` and the template `<app>/_home.html` (a block of the home page),
- `member_space_context(request) -> dict` and `<app>/_member_space.html` ("Mon espace"),
- `SITEMAPS`, a dict of sitemap classes for /sitemap.xml,

and the shell gathers them in a fixed order, after its own pages (utopia/sitemaps.py). Apps stay unaware of each other and of the shell.
"""

from importlib import import_module

from django.template.loader import render_to_string

from utopia.sitemaps import ShellPageSitemap

APPS = ["partners", "plenaries", "workgroups"]


def _module(app: str):
    try:
        return import_module(f"{app}.sections")
    except ModuleNotFoundError as error:
        if error.name != f"{app}.sections":
            raise
        return None


def blocks(request, hook: str) -> list[str]:
    """The rendered block of each app offering `hook`, in APPS order."""
    result = []
    for app in APPS:
        module = _module(app)
        function = getattr(module, hook, None) if module else None
        if function is None:
            continue
        template = "_home.html" if hook == "home_context" else "_member_space.html"
        result.append(render_to_string(f"{app}/{template}", function(request), request=request))
    return result


def sitemaps() -> dict:
    combined = {"pages": ShellPageSitemap}
    for app in APPS:
        module = _module(app)
        combined.update(getattr(module, "SITEMAPS", {}) if module else {})
    return combined
