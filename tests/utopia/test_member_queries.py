"""The member pages a person opens every week cost a fixed number of queries, whatever the size
of their network: at most 10 (issue 7), equal with 1 and with 30 of everything they list."""

import datetime

import pytest
from django.utils import timezone

from plenaries.models import Plenary
from tests.factories import (
    ActionFactory,
    GroupMembershipFactory,
    MembershipFactory,
    PilotTermFactory,
    PlenaryFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


def network(member, size):
    """`size` partners of the member, each with actions and a seat in a group the member pilots."""
    today = timezone.localdate()
    PlenaryFactory(date=today + datetime.timedelta(days=40), status=Plenary.Status.CONVENED)
    groups = []
    for _ in range(size):
        partner = MembershipFactory(user=member).partner
        ActionFactory(partner=partner)
        group = WorkingGroupFactory()
        GroupMembershipFactory(group=group, partner=partner)
        PilotTermFactory(group=group, user=member, partner=partner)
        groups.append(group)
    return groups


@pytest.mark.parametrize("size", [1, 30])
def test_member_space_queries_do_not_grow(client, member, size, django_assert_num_queries):
    network(member, size)
    client.force_login(member)
    client.get("/mon-espace/")  # saves the session once (utopia.sessions)
    # session, user, memberships with partners, recent actions, participation rates, next
    # plenary, its answers, seats (with whether the user pilots), elections, expertise
    with django_assert_num_queries(10):
        response = client.get("/mon-espace/")
    assert response.status_code == 200
    assert len(response.context["blocks"]) == 3


@pytest.mark.parametrize("size", [1, 30])
def test_group_space_queries_do_not_grow(client, member, size, django_assert_num_queries):
    groups = network(member, size)
    url = f"/groupes/{groups[0].slug}/espace/"
    client.force_login(member)
    client.get(url)
    # session, user, the group (with its pilot and the counts of join requests and open needs),
    # memberships, seats, running election, meetings, documents, topics
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


def test_group_space_figures_read_with_the_group_are_right(client, member):
    from tests.factories import NeedFactory, PartnerFactory
    from workgroups.models import GroupMembership, Need

    group = network(member, 1)[0]
    for _ in range(2):
        GroupMembershipFactory(
            group=group, partner=PartnerFactory(), status=GroupMembership.Status.PENDING
        )
    NeedFactory(group=group)
    NeedFactory(group=group, status=Need.Status.ANSWERED)
    NeedFactory()  # another group's
    client.force_login(member)
    body = client.get(f"/groupes/{group.slug}/espace/").content.decode()
    assert "2 demandes d'entrée attendent votre décision." in body
    assert "1 besoin repéré reste à traiter." in body
