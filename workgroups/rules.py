"""Who may do what in a working group. Views answer 404 when these say no to a logged-in
person, so that a group space's URL reveals nothing to someone outside the group."""

import rules

from partners.models import Membership
from partners.rules import managed_partner_ids, member_partner_ids, staff_with
from workgroups.models import GroupMembership, PilotTerm


def group_seats(user) -> dict[int, dict[int, str]]:
    """{group id: {partner id: role}} for the user's partners' current seats, read once per
    request (cached on the user object)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_utopia_group_seats", None)
    if cached is None:
        cached = {}
        partner_ids = member_partner_ids(user)
        if partner_ids:
            rows = GroupMembership.objects.active().filter(partner_id__in=partner_ids)
            for group_id, partner_id, role in rows.values_list("group_id", "partner_id", "role"):
                cached.setdefault(group_id, {})[partner_id] = role
        user._utopia_group_seats = cached
    return cached


def group_partner_ids(user, group, role=None) -> frozenset[int]:
    """The user's partners that sit in `group` (with `role` if given)."""
    if group is None:
        return frozenset()
    seats = group_seats(user).get(group.pk, {})
    return frozenset(pk for pk, seat_role in seats.items() if role is None or seat_role == role)


def current_pilot_id(group):
    """The user id of the group's pilot today (cached on the group object)."""
    if not hasattr(group, "_current_pilot_id"):
        group._current_pilot_id = (
            PilotTerm.objects.current()
            .filter(group=group)
            .order_by("-started_on")
            .values_list("user_id", flat=True)
            .first()
        )
    return group._current_pilot_id


@rules.predicate
def is_group_member(user, group) -> bool:
    """A user of a partner that sits in the group, as member or expert."""
    return bool(group_partner_ids(user, group))


@rules.predicate
def is_group_pilot(user, group) -> bool:
    return (
        group is not None
        and user.is_authenticated
        and current_pilot_id(group) == user.pk
        and is_group_member(user, group)
    )


@rules.predicate
def can_request_to_join(user, group) -> bool:
    return group is not None and group.is_active and bool(member_partner_ids(user))


@rules.predicate
def is_expertise_party(user, expertise_request) -> bool:
    """Group members and the members of the partner asked both see the thread."""
    if expertise_request is None:
        return False
    return expertise_request.partner_id in member_partner_ids(user) or is_group_member(
        user, expertise_request.group
    )


def seat_partner_ids(user) -> frozenset[int]:
    """Partners whose group seats the user speaks for (names representatives, records
    leaving): those they manage, and those they belong to that have no manager on the portal
    (no active account with the manager role), where every member is equal. Read once per
    request (cached on the user object)."""
    cached = getattr(user, "_utopia_seat_partner_ids", None)
    if cached is None:
        managed = managed_partner_ids(user)
        unmanaged = member_partner_ids(user) - managed
        if unmanaged:
            unmanaged -= set(
                Membership.objects.filter(
                    partner_id__in=unmanaged,
                    role=Membership.Role.MANAGER,
                    user__is_active=True,
                ).values_list("partner_id", flat=True)
            )
        cached = user._utopia_seat_partner_ids = managed | unmanaged
    return cached


@rules.predicate
def can_manage_seat(user, seat) -> bool:
    """Name representatives or record leaving: a manager of the partner, or any of its
    members when the partner has no manager on the portal yet. A plain member of a partner
    that has a manager does neither: they would name themselves and vote for the partner."""
    return seat is not None and seat.partner_id in seat_partner_ids(user)


@rules.predicate
def is_pilot_of_seat_group(user, seat) -> bool:
    """The pilot records any partner's leaving of their group."""
    return seat is not None and is_group_pilot(user, seat.group)


# Each staff power names the permission that the back-office asks for the same power; the
# README's "Sécurité" section lists them for the staff groups. Members keep theirs.
reads_groups = staff_with("workgroups.view_workinggroup")
runs_groups = staff_with("workgroups.change_workinggroup")
manages_seats = staff_with("workgroups.change_groupmembership")

rules.add_perm("workgroups.view_space", is_group_member | reads_groups)
# Writing in the space (documents, discussions, needs, projects, expertise requests): reading
# it is not enough for staff.
rules.add_perm("workgroups.contribute", is_group_member | runs_groups)
rules.add_perm("workgroups.manage_group", is_group_pilot | runs_groups)
rules.add_perm(
    "workgroups.decide_membership",
    is_group_pilot | staff_with("workgroups.decide_join_request"),
)
rules.add_perm("workgroups.end_election", is_group_pilot | staff_with("workgroups.close_election"))
rules.add_perm("workgroups.request_join", can_request_to_join)
rules.add_perm("workgroups.manage_seat", can_manage_seat | manages_seats)
rules.add_perm(
    "workgroups.record_leaving", is_pilot_of_seat_group | can_manage_seat | manages_seats
)
# The group organises itself: its pilot records the pilot designated at a meeting.
rules.add_perm(
    "workgroups.designate_pilot", is_group_pilot | staff_with("workgroups.add_pilotterm")
)
rules.add_perm("workgroups.view_expertise", is_expertise_party | reads_groups)
rules.add_perm("workgroups.write_expertise", is_expertise_party | runs_groups)
