from django.contrib.sitemaps import Sitemap

from partners.models import Partner


class PartnerSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Partner.objects.active().only("slug", "updated_at").order_by("name")

    def lastmod(self, partner):
        return partner.updated_at
