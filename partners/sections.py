"""The partners app's blocks on the home page and in "Mon espace" (see utopia/sections.py)."""

from django.db.models import Count, Q

from partners.models import Action, Charter, Partner
from partners.rules import member_memberships, member_partner_ids
from partners.sitemaps import ActionSitemap, PartnerSitemap

HOME_ACTIONS = 3
MEMBER_SPACE_ACTIONS = 5


def home_context(request) -> dict:
    counts = Partner.objects.active().aggregate(
        total=Count("pk"),
        associative=Count("pk", filter=Q(kind=Partner.Kind.ASSOCIATIVE)),
        institutional=Count("pk", filter=Q(kind=Partner.Kind.INSTITUTIONAL)),
    )
    upcoming = (
        Action.objects.published()
        .upcoming()
        .select_related("partner")
        .prefetch_related("fields_of_action")[:HOME_ACTIONS]
    )
    return {
        "partner_counts": counts,
        "charter": Charter.objects.current(),
        "upcoming_actions": upcoming,
    }


def member_space_context(request) -> dict:
    memberships = member_memberships(request.user)
    mine = member_partner_ids(request.user)
    recent_actions = (
        Action.objects.filter(partner_id__in=mine)
        .select_related("partner")
        .order_by("-updated_at", "-pk")[:MEMBER_SPACE_ACTIONS]
        if mine
        else []
    )
    return {"memberships": memberships, "recent_actions": recent_actions}


SITEMAPS = {"partners": PartnerSitemap, "actions": ActionSitemap}
