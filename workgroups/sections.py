"""The working groups' blocks on the home page, in "Mon espace", on a partner's page (wired by
settings.UTOPIA_PARTNER_PAGE_SECTIONS) and in the sitemap (see utopia/sections.py)."""

from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from partners.rules import member_partner_ids
from workgroups.models import (
    CoordinatedProject,
    Election,
    ExpertiseRequest,
    GroupMembership,
    PilotTerm,
    WorkingGroup,
)
from workgroups.sitemaps import WorkingGroupSitemap

HOME_GROUPS = 6


def home_context(request) -> dict:
    groups = WorkingGroup.objects.active().select_related("theme").order_by("-created_at")
    return {
        "home_groups": groups[:HOME_GROUPS],
        "home_group_count": WorkingGroup.objects.active().count(),
    }


def member_space_context(request) -> dict:
    partner_ids = member_partner_ids(request.user)
    # Whether the user pilots the group comes with each seat: a pilot is one of its members.
    seats = list(
        GroupMembership.objects.filter(
            partner_id__in=partner_ids,
            status__in=[GroupMembership.Status.PENDING, GroupMembership.Status.ACTIVE],
        )
        .annotate(
            user_pilots=Exists(
                PilotTerm.objects.current().filter(user=request.user, group=OuterRef("group"))
            )
        )
        .select_related("group", "partner")
        .order_by("group__name", "partner__name")
    )
    piloted = {seat.group_id for seat in seats if seat.user_pilots}
    now = timezone.now()
    elections = (
        Election.objects.running()
        .filter(
            opens_at__lte=now,
            closes_at__gt=now,
            group__memberships__status=GroupMembership.Status.ACTIVE,
            group__memberships__role=GroupMembership.Role.MEMBER,
            group__memberships__representatives__membership__user=request.user,
        )
        .exclude(participations__partner_id__in=partner_ids)
        .select_related("group")
        .distinct()
    )
    expertise = (
        ExpertiseRequest.objects.filter(partner_id__in=partner_ids)
        .exclude(status=ExpertiseRequest.Status.CLOSED)
        .select_related("group", "partner")[:10]
    )
    return {
        "group_seats": seats,
        "piloted_group_ids": piloted,
        "elections_to_vote": elections,
        "expertise_requests": expertise,
    }


def partner_page_block(request, partner) -> str:
    """The groups a partner sits in and the public projects it leads or contributes to."""
    seats = (
        GroupMembership.objects.active()
        .filter(partner=partner, group__status=WorkingGroup.Status.ACTIVE)
        .select_related("group")
        .order_by("group__name")
    )
    projects = (
        CoordinatedProject.objects.public()
        .filter(Q(lead_partner=partner) | Q(contributors=partner))
        .select_related("group")
        .distinct()
        .order_by("title")
    )
    return render_to_string(
        "workgroups/_partner_page.html",
        {"partner": partner, "group_seats": list(seats), "partner_projects": list(projects)},
        request=request,
    )


SITEMAPS = {"workgroups": WorkingGroupSitemap}
