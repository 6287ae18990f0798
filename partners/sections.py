"""The partners app's blocks on the home page and in "Mon espace" (see utopia/sections.py)."""

from django.db.models import Count, Q

from partners.models import Charter, Membership, Partner
from partners.sitemaps import PartnerSitemap


def home_context(request) -> dict:
    counts = Partner.objects.active().aggregate(
        total=Count("pk"),
        associative=Count("pk", filter=Q(kind=Partner.Kind.ASSOCIATIVE)),
        institutional=Count("pk", filter=Q(kind=Partner.Kind.INSTITUTIONAL)),
    )
    return {"partner_counts": counts, "charter": Charter.objects.current()}


def member_space_context(request) -> dict:
    memberships = (
        Membership.objects.filter(user=request.user, partner__is_active=True)
        .select_related("partner")
        .order_by("partner__name")
    )
    return {"memberships": memberships}


SITEMAPS = {"partners": PartnerSitemap}
