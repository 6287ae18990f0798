from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class ShellPageSitemap(Sitemap):
    """The shell's own pages worth finding from a search engine (the apps list theirs)."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return ["collaboration_map"]

    def location(self, item):
        return reverse(item)
