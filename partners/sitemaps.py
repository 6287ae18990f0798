from django.contrib.sitemaps import Sitemap

from partners.models import Action, Partner


class PartnerSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 1000

    def items(self):
        return Partner.objects.active().only("slug", "updated_at").order_by("name")

    def lastmod(self, partner):
        return partner.updated_at


class ActionSitemap(Sitemap):
    """Published actions only: drafts, submitted and rejected ones are never listed."""

    changefreq = "weekly"
    priority = 0.5
    limit = 1000

    def items(self):
        return Action.objects.published().only("slug", "updated_at").order_by("-published_at", "pk")

    def lastmod(self, action):
        return action.updated_at
