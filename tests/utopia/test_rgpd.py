import json

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.db.models import Q
from simple_history.models import registered_models

from partners.models import AccessRequest, Action, Membership
from tests.factories import (
    PASSWORD,
    AccessRequestFactory,
    ActionFactory,
    ElectionFactory,
    InvitationFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_staff_exports_a_members_personal_data(client, staff, member, partner):
    client.force_login(staff)
    response = client.post(
        "/admin/partners/user/", {"action": "export_personal_data", "_selected_action": [member.pk]}
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
    url = "/admin/partners/user/"
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
        "/admin/partners/user/",
        {"action": "export_personal_data", "_selected_action": [other_member.pk]},
    )
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def export_through_the_back_office(client, staff, user) -> str:
    client.force_login(staff)
    response = client.post(
        "/admin/partners/user/", {"action": "export_personal_data", "_selected_action": [user.pk]}
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
    # Named, so that a random name cannot be one of the others' below.
    agent = StaffFactory(email="agent2@ccas-thionville.fr", first_name="Claire", last_name="Agent")
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


def erase_through_the_back_office(client, staff, user):
    client.force_login(staff)
    client.post(
        "/admin/partners/user/",
        {"action": "erase_personal_data", "_selected_action": [user.pk], "confirm": "yes"},
    )


def test_erasure_removes_the_persons_login_audit_rows(client, staff, member, other_member):
    """django-axes keeps each login and failure with the address typed, the IP address and the
    browser: after erasure, nothing of it is left about the person."""
    member.email = "camille@exemple.fr"  # an "i", which a look-alike can replace
    member.save()
    for email, password in [
        (member.email.upper(), PASSWORD),  # axes keeps the address as typed
        (other_member.email, PASSWORD),
        (member.email, "mauvais mot de passe"),
    ]:
        client.post("/compte/connexion/", {"username": email, "password": password})
        client.logout()
    AccessFailureLog.objects.create(
        username=member.email, ip_address="192.0.2.7", user_agent="Navigateur", locked_out=False
    )
    # Someone else's login name, which PostgreSQL's case-blind match would confuse with hers.
    local, _, domain = member.email.partition("@")
    look_alike = f"{local.replace('i', 'ı', 1)}@{domain}"
    assert look_alike != member.email
    AccessFailureLog.objects.create(
        username=look_alike, ip_address="192.0.2.8", user_agent="Navigateur", locked_out=False
    )
    assert AccessAttempt.objects.filter(username=member.email).exists()
    assert AccessLog.objects.filter(username__iexact=member.email).exists()

    erase_through_the_back_office(client, staff, member)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        names = model.objects.values_list("username", flat=True)
        assert "camille@exemple.fr" not in [name.lower() for name in names]
    assert AccessLog.objects.filter(username=other_member.email).exists()
    assert AccessFailureLog.objects.filter(username=look_alike).exists()


def user_links(model):
    User = get_user_model()
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is User
    ]


def test_erasure_unlinks_every_history_row_about_or_by_the_person(client, staff, member, partner):
    action = ActionFactory(partner=partner, created_by=member, body="Écrit par Camille Membre.")
    action.title = "Atelier du lundi"
    action._history_user = member  # the member edited it from the portal
    action.save()
    partner.summary = "Mis à jour par un membre"
    partner._history_user = member
    partner.save()
    member.first_name, member.last_name = "Camille", "Membre"
    member._history_user = member
    member.save()
    history_models = [model.history.model for model in registered_models.values()]
    assert any(
        model.objects.filter(**{link: member}).exists()
        for model in history_models
        for link in user_links(model)
    )

    erase_through_the_back_office(client, staff, member)
    for model in history_models:
        for link in user_links(model):
            assert not model.objects.filter(**{link: member}).exists(), (model, link)
    User = get_user_model()
    for old in ("membre@exemple.fr", "Camille", "Membre"):
        assert not User.history.filter(
            Q(email__icontains=old) | Q(first_name=old) | Q(last_name=old)
        ).exists()
    # What the person wrote stays the partner's, as written: free text is not scanned.
    action.refresh_from_db()
    assert action.body == "Écrit par Camille Membre."
    assert action.created_by == member  # the now anonymous account
    assert Action.history.filter(id=action.pk, title="Atelier du lundi").exists()


def test_erasure_deletes_the_persons_access_request_and_its_history(client, staff, member):
    AccessRequestFactory(email="Membre@exemple.fr", full_name="Camille Membre")
    erase_through_the_back_office(client, staff, member)
    assert not AccessRequest.objects.filter(email__iexact="membre@exemple.fr").exists()
    assert not AccessRequest.history.filter(email__iexact="membre@exemple.fr").exists()


def test_privacy_notice_says_what_erasure_removes_and_what_it_keeps(client):
    page = client.get("/donnees-personnelles/").content.decode()
    assert "journal des connexions" in page
    assert "ne sont pas parcourus" in page
