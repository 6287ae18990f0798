from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from plenaries.models import Plenary


class PlenarySitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Plenary.objects.announced().only("year", "semester", "updated_at").order_by("-date")

    def lastmod(self, plenary):
        return plenary.updated_at


class PlenaryListSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return ["plenaries:list"]

    def location(self, name):
        return reverse(name)
