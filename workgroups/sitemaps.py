from django.contrib.sitemaps import Sitemap

from workgroups.models import WorkingGroup


class WorkingGroupSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return WorkingGroup.objects.active().only("slug", "updated_at").order_by("name")

    def lastmod(self, group):
        return group.updated_at
