"""An institutional partner is an expert in a group, never a voting member, whatever screen is
used: the join request, the back-office's seat form and the group's inline (the admin path that
used to seat an institution as a voting member), and the vote itself."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import (
    ElectionFactory,
    GroupMembershipFactory,
    MembershipFactory,
    RepresentativeFactory,
    UserFactory,
)
from workgroups import services
from workgroups.models import GroupMembership

pytestmark = pytest.mark.django_db

REFUSAL = "Un partenaire institutionnel siège comme expert, jamais comme membre votant"


def test_the_model_refuses_an_institution_as_a_member(group, institution):
    seat = GroupMembership(group=group, partner=institution, role="member")
    with pytest.raises(ValidationError) as caught:
        seat.full_clean()
    assert REFUSAL in caught.value.message_dict["role"][0]
    GroupMembership(
        group=group, partner=institution, role="expert", specialty="Insertion"
    ).full_clean()


def test_the_back_office_seat_form_refuses_an_institution_as_a_voting_member(
    client, group, institution, staff
):
    client.force_login(staff)
    response = client.post(
        "/admin/workgroups/groupmembership/add/",
        {
            "group": group.pk,
            "partner": institution.pk,
            "role": "member",
            "specialty": "",
            "motivation": "",
            "leave_reason": "",
        },
    )
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not GroupMembership.objects.exists()
    # As an expert, with its specialty, the same form seats it.
    response = client.post(
        "/admin/workgroups/groupmembership/add/",
        {
            "group": group.pk,
            "partner": institution.pk,
            "role": "expert",
            "specialty": "Insertion des jeunes",
            "motivation": "",
            "leave_reason": "",
        },
    )
    assert response.status_code == 302
    assert GroupMembership.objects.get().role == "expert"


def test_the_back_office_seat_form_refuses_turning_an_institutions_seat_into_a_member(
    client, group, institution, staff
):
    seat = GroupMembershipFactory(group=group, partner=institution, expert=True)
    client.force_login(staff)
    response = client.post(
        f"/admin/workgroups/groupmembership/{seat.pk}/change/",
        {
            "group": group.pk,
            "partner": institution.pk,
            "role": "member",
            "specialty": "Accès aux droits",
            "motivation": "",
            "leave_reason": "",
        },
    )
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    seat.refresh_from_db()
    assert seat.role == "expert"


def test_the_groups_inline_refuses_an_institution_as_a_voting_member(
    client, group, institution, staff
):
    client.force_login(staff)
    page = client.get(f"/admin/workgroups/workinggroup/{group.pk}/change/")
    assert page.status_code == 200
    data = {
        "theme": group.theme_id,
        "name": group.name,
        "slug": group.slug,
        "mission": group.mission,
        "meeting_rhythm": "",
        "decision_making": "",
        "roles": "",
        "created_at_plenary": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-partner": institution.pk,
        "memberships-0-role": "member",
        "memberships-0-specialty": "",
        "memberships-0-group": group.pk,
        "pilot_terms-TOTAL_FORMS": "0",
        "pilot_terms-INITIAL_FORMS": "0",
        "pilot_terms-MIN_NUM_FORMS": "0",
        "pilot_terms-MAX_NUM_FORMS": "1000",
    }
    response = client.post(f"/admin/workgroups/workinggroup/{group.pk}/change/", data)
    assert response.status_code == 200
    assert REFUSAL in response.content.decode()
    assert not GroupMembership.objects.exists()


def test_an_institution_seated_as_member_before_the_rule_still_never_votes(
    group, seat, pilot, institution
):
    """A seat written before this rule, or a partner whose type changed after it joined: the
    vote looks at the partner, not only at the seat's role."""
    user = UserFactory()
    legacy = GroupMembership.objects.create(
        group=group,
        partner=institution,
        role="member",
        status="active",
        joined_on=timezone.localdate(),
    )
    RepresentativeFactory(seat=legacy, membership=MembershipFactory(user=user, partner=institution))
    election = ElectionFactory(group=group)
    assert institution not in services.electorate(election)
    with pytest.raises(ValidationError, match="Seuls les représentants"):
        services.candidacy_submit(election=election, by=user, partner=institution)
    with pytest.raises(ValidationError, match="Seuls les représentants"):
        services.ballot_cast(election=election, partner=institution, by=user, candidate=None)
