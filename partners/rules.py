"""Who may do what to a partner's things. Views raise 404 when these say no to a logged-in user,
so that a URL outside someone's scope leaks nothing."""

import rules

from partners.models import Membership


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


is_staff = rules.is_staff

rules.add_perm("partners.edit_partner_page", is_staff | is_partner_member)
rules.add_perm("partners.invite_to_partner", is_staff | is_partner_manager)
rules.add_perm("partners.view_network", is_staff | is_network_member)
rules.add_perm("partners.post_action", is_staff | is_network_member)
rules.add_perm("partners.edit_action", is_staff | is_action_owner_member)
rules.add_perm(
    "partners.view_action_moderation",
    is_staff | is_action_owner_member | is_action_co_organiser_member,
)
rules.add_perm("partners.remove_bulletin_post", is_staff | is_bulletin_post_author_or_manager)
