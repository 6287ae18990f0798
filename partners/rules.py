"""Who may do what to a partner's things. Views raise 404 when these say no to a logged-in user,
so that a URL outside someone's scope leaks nothing."""

import rules
from django.conf import settings

from partners.models import Membership


def has_staff_powers(user) -> bool:
    """CCAS staff powers on the portal: a staff account, verified by its second factor when
    STAFF_2FA is on. django-otp's middleware gives request users `is_verified()`; a user object
    that did not come through it (a service called from a command) counts as not verified, and so
    does an unverified staff session: it is a plain account until its code is entered."""
    if not getattr(user, "is_staff", False):
        return False
    if not settings.UTOPIA_STAFF_2FA:
        return True
    is_verified = getattr(user, "is_verified", None)
    return callable(is_verified) and is_verified() is True


def works_from_the_back_office(user) -> bool:
    """A CCAS agent who belongs to no partner: their "Mon espace" is the back-office's index
    ("À traiter" first), which asks each permission itself, rather than a page saying that the
    account is attached to no partner."""
    return has_staff_powers(user) and not member_memberships(user)


def has_staff_permission(user, perm: str) -> bool:
    """A CCAS staff power on the portal: staff powers (`has_staff_powers`) and the named Django
    permission that the back-office asks for the same power (`partners.moderate_action`,
    `partners.change_action`...), so that a staff group given exactly some permissions has
    exactly those powers in both places. Superusers hold every permission.

    `user.has_perm` asks the rules backend too, which knows no Django permission's name
    (tests/utopia/test_admin_permissions.py checks that no rule bears one): the answer is
    Django's, and a rule built on this one cannot call itself."""
    return has_staff_powers(user) and user.has_perm(perm)


# Every permission named through staff_with, for the test that each one exists (a misspelt
# name would refuse every agent but the superusers, silently).
STAFF_PERMISSIONS: set[str] = set()


def staff_with(perm: str) -> rules.Predicate:
    """The rules predicate of `has_staff_permission(user, perm)`, to combine with the members'
    own predicates in the rules below and in the other apps' rules.py."""
    STAFF_PERMISSIONS.add(perm)
    return rules.predicate(
        lambda user: has_staff_permission(user, perm), name=f"staff_with({perm})"
    )


def has_portal_perm(user, perm: str, obj=None) -> bool:
    """Whether `user` may do `perm` (a rule below or in another app's rules.py) on the portal.

    Not `user.has_perm` alone: Django grants an active superuser every permission before asking
    any rule, which would hand an unverified superuser every staff power. Verified staff keep
    Django's verdict (a superuser may do everything; another agent, what the rules give them,
    whose staff powers each need a named permission: `staff_with`); everyone else gets the
    rules' verdict."""
    if has_staff_powers(user):
        return user.has_perm(perm, obj)
    return rules.has_perm(perm, user, obj)


def member_memberships(user) -> list[Membership]:
    """The user's memberships of active partners, with the partner, by partner name: read once
    per request (cached on the user object) and shared by the permission checks and the blocks
    of "Mon espace"."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_utopia_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, partner__is_active=True)
            .select_related("partner")
            .order_by("partner__name")
        )
        user._utopia_memberships = cached
        user._utopia_partner_roles = {seat.partner_id: seat.role for seat in cached}
    return cached


def member_partner_ids(user) -> frozenset[int]:
    """Partners the user belongs to, read once per request."""
    member_memberships(user)
    return frozenset(getattr(user, "_utopia_partner_roles", {}))


def managed_partner_ids(user) -> frozenset[int]:
    member_partner_ids(user)
    roles = getattr(user, "_utopia_partner_roles", {})
    return frozenset(pk for pk, role in roles.items() if role == Membership.Role.MANAGER)


@rules.predicate
def is_partner_member(user, partner) -> bool:
    return partner is not None and partner.pk in member_partner_ids(user)


@rules.predicate
def is_partner_manager(user, partner) -> bool:
    return partner is not None and partner.pk in managed_partner_ids(user)


@rules.predicate
def is_network_member(user) -> bool:
    return bool(member_partner_ids(user))


@rules.predicate
def is_action_owner_member(user, action) -> bool:
    """Member of the partner that runs the action (they write it and answer for it)."""
    return action is not None and action.partner_id in member_partner_ids(user)


@rules.predicate
def is_action_co_organiser_member(user, action) -> bool:
    """Member of a co-organiser: sees the action and its moderation, does not edit it."""
    if action is None:
        return False
    mine = member_partner_ids(user)
    return bool(mine) and any(p.pk in mine for p in action.co_organisers.all())


@rules.predicate
def is_bulletin_post_author_or_manager(user, post) -> bool:
    if post is None or not user.is_authenticated:
        return False
    return post.author_id == user.pk or post.partner_id in managed_partner_ids(user)


# Each staff power names the permission that the back-office asks for the same power; the
# README's "Sécurité" section lists them for the staff groups.
rules.add_perm(
    "partners.edit_partner_page", is_partner_member | staff_with("partners.change_partner")
)
# The correspondent for the network receives the partner's convocations: its managers name them.
rules.add_perm(
    "partners.edit_correspondent", is_partner_manager | staff_with("partners.change_partner")
)
rules.add_perm(
    "partners.invite_to_partner", is_partner_manager | staff_with("partners.add_invitation")
)
# Who has access to a partner: its managers see the list, take away the access of someone who
# left, cancel or send again a pending invitation.
rules.add_perm(
    "partners.manage_partner_access",
    is_partner_manager | staff_with("partners.change_membership"),
)
# The network's own pages (its bulletin): staff read them as the back-office's list of posts.
rules.add_perm(
    "partners.view_network", is_network_member | staff_with("partners.view_bulletinpost")
)
rules.add_perm(
    "partners.post_to_bulletin", is_network_member | staff_with("partners.add_bulletinpost")
)
rules.add_perm("partners.post_action", is_network_member | staff_with("partners.add_action"))
# Starting an action in a partner's name (the new action's partner is set).
rules.add_perm("partners.create_action", is_action_owner_member | staff_with("partners.add_action"))
rules.add_perm(
    "partners.edit_action", is_action_owner_member | staff_with("partners.change_action")
)
rules.add_perm(
    "partners.view_action_moderation",
    is_action_owner_member | is_action_co_organiser_member | staff_with("partners.view_action"),
)
rules.add_perm(
    "partners.remove_bulletin_post",
    is_bulletin_post_author_or_manager | staff_with("partners.moderate_bulletin_post"),
)
