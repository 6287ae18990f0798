import json

import pytest

from partners.models import Membership
from tests.factories import InvitationFactory

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
