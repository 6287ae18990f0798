"""Roles of a working group, on top of the shared ones (tests/conftest.py):

- `member` (of `partner`) represents `partner`, an associative member of `group`;
- `pilot` represents `pilot_partner`, another member partner, and is the group's pilot;
- `expert` belongs to `institution`, which sits in the group as an expert;
- `other_member` (of `other_partner`) is in the network but not in the group;
- `staff` is CCAS staff (a superuser); `agent`, a CCAS agent given no permission;
  `group_reader`, one given only the permission to view the groups;
- `managed_member` is a plain member of `partner` once `partner` has a manager: the manager,
  not they, names the partner's representatives and records its leaving. Giving `partner` a
  manager takes that from `member` too, so this role exists only in the tests run for it.
"""

import pytest

from partners.models import Membership, Partner
from tests.factories import (
    GroupMembershipFactory,
    MembershipFactory,
    PartnerFactory,
    PilotTermFactory,
    RepresentativeFactory,
    UserFactory,
    WorkingGroupFactory,
)


@pytest.fixture
def group(db):
    return WorkingGroupFactory(name="Accès au logement", slug="acces-au-logement")


@pytest.fixture
def seat(group, partner, member):
    seat = GroupMembershipFactory(group=group, partner=partner)
    RepresentativeFactory(
        seat=seat, membership=Membership.objects.get(user=member, partner=partner)
    )
    return seat


@pytest.fixture
def pilot_partner(db):
    return PartnerFactory(name="Athenes", slug="athenes")


@pytest.fixture
def pilot(group, pilot_partner, seat):
    user = UserFactory(email="pilote@exemple.fr")
    membership = MembershipFactory(user=user, partner=pilot_partner)
    pilot_seat = GroupMembershipFactory(group=group, partner=pilot_partner)
    RepresentativeFactory(seat=pilot_seat, membership=membership)
    PilotTermFactory(group=group, user=user, partner=pilot_partner)
    return user


@pytest.fixture
def institution(db):
    return PartnerFactory(
        name="Mission Locale", slug="mission-locale", kind=Partner.Kind.INSTITUTIONAL
    )


@pytest.fixture
def expert(group, institution):
    user = UserFactory(email="expert@exemple.fr")
    membership = MembershipFactory(user=user, partner=institution)
    expert_seat = GroupMembershipFactory(
        group=group, partner=institution, role="expert", specialty="Insertion des jeunes"
    )
    RepresentativeFactory(seat=expert_seat, membership=membership)
    return user


@pytest.fixture
def managed_member(partner, manager):
    return MembershipFactory(partner=partner, user=UserFactory(email="collegue@exemple.fr")).user


@pytest.fixture
def roles(request, member, seat, pilot, expert, other_member, staff, agent, agent_with):
    roles = {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "pilot": pilot,
        "expert": expert,
        "staff": staff,
        "agent": agent,
        "group_reader": agent_with("workgroups.view_workinggroup"),
    }
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("role") == "managed_member":
        roles["managed_member"] = request.getfixturevalue("managed_member")
    return roles
