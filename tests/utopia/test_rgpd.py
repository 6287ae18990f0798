import json

import pytest

from partners.models import Membership
from tests.factories import (
    AccessRequestFactory,
    ElectionFactory,
    InvitationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_staff_exports_a_members_personal_data(client, staff, member, partner):
    client.force_login(staff)
    response = client.post(
        "/admin/auth/user/", {"action": "export_personal_data", "_selected_action": [member.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["compte"]["email"] == member.email
    memberships = next(rows for key, rows in data["donnees"].items() if "membres" in key)
    assert memberships[0]["partner"] == partner.pk


def test_erasure_asks_for_confirmation_then_anonymises(client, staff, member, partner):
    InvitationFactory(partner=partner, email=member.email)
    client.force_login(staff)
    url = "/admin/auth/user/"
    confirm = client.post(url, {"action": "erase_personal_data", "_selected_action": [member.pk]})
    assert "définitive" in confirm.content.decode()
    member.refresh_from_db()
    assert member.email == "membre@exemple.fr"  # nothing done yet

    client.post(
        url, {"action": "erase_personal_data", "_selected_action": [member.pk], "confirm": "yes"}
    )
    member.refresh_from_db()
    assert member.email.endswith("@efface.utopia.invalid")
    assert member.first_name == member.last_name == ""
    assert not member.is_active
    assert not member.has_usable_password()
    assert not Membership.objects.filter(user=member).exists()
    from partners.models import Invitation

    assert not Invitation.objects.filter(email="membre@exemple.fr").exists()


def test_members_cannot_reach_personal_data_actions(client, member, other_member):
    client.force_login(member)
    response = client.post(
        "/admin/auth/user/",
        {"action": "export_personal_data", "_selected_action": [other_member.pk]},
    )
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def export_through_the_back_office(client, staff, user) -> str:
    client.force_login(staff)
    response = client.post(
        "/admin/auth/user/", {"action": "export_personal_data", "_selected_action": [user.pk]}
    )
    assert response.status_code == 200
    return response.content.decode()


def test_export_of_a_running_elections_opener_never_reveals_its_tie_break_seed(
    client, staff, member
):
    """The seed is committed (digest shown) at the opening and revealed with the results: a
    copy before the count would let the opener know the draw."""
    election = ElectionFactory(opened_by=member, tie_seed="graine-secrete-du-tirage")
    exported = export_through_the_back_office(client, staff, member)
    assert "graine-secrete-du-tirage" not in exported
    assert '"tie_seed"' not in exported
    assert election.tie_seed_digest in exported  # the commitment is public anyway


def test_export_says_whom_the_member_invited_without_their_address(client, staff, member, partner):
    invitation = InvitationFactory(partner=partner, invited_by=member, email="invitee@exemple.fr")
    exported = export_through_the_back_office(client, staff, member)
    assert "invitee@exemple.fr" not in exported
    invitations = next(
        rows
        for key, rows in json.loads(exported)["donnees"].items()
        if key.startswith("invitations")
    )
    assert invitations[0]["partner"] == partner.pk
    assert invitations[0]["created_at"].startswith(str(invitation.created_at.year))


def test_export_of_a_staff_member_carries_no_other_persons_name_or_address(client, staff):
    """Staff decide access requests and edit accounts: the rows they made name other people."""
    agent = StaffFactory(email="agent2@ccas-thionville.fr")
    AccessRequestFactory(
        full_name="Dominique Demandeur", email="demandeur@exemple.fr", decided_by=agent
    )
    other = UserFactory(first_name="Ondine", last_name="Autrui", email="autrui@exemple.fr")
    other.first_name = "Ondine-Marie"
    other._history_user = agent  # django-simple-history's way to name the author
    other.save()
    exported = export_through_the_back_office(client, staff, agent)
    assert "agent2@ccas-thionville.fr" in exported  # their own account
    for someone_else in ("Dominique", "demandeur@", "Ondine", "Autrui", "autrui@"):
        assert someone_else not in exported
