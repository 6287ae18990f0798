"""Audit trail (django-simple-history): every change by staff or members is kept with who and
when, staff read it in the admin, and it never undoes a secret ballot or an erasure."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model

from partners.models import Action, Invitation, Partner
from tests.factories import InvitationFactory
from tests.partners.test_partner_page import page_data

pytestmark = pytest.mark.django_db


def test_member_change_from_the_front_office_is_recorded_with_who_and_when(client, member, partner):
    client.force_login(member)
    response = client.post(
        f"/partenaires/{partner.slug}/modifier/", page_data(summary="Nouveau résumé.")
    )
    assert response.status_code == 302
    record = partner.history.latest()
    assert record.history_type == "~"
    assert record.history_user == member
    assert record.summary == "Nouveau résumé."
    assert record.prev_record.summary != "Nouveau résumé."
    assert record.history_date is not None


def test_staff_change_in_the_admin_is_recorded_and_shown_in_its_history_page(
    client, staff, partner
):
    client.force_login(staff)
    change = client.get(f"/admin/partners/partner/{partner.pk}/change/")
    assert f"/admin/partners/partner/{partner.pk}/history/" in change.content.decode()
    partner.summary = "Modifié par le CCAS."
    partner._history_user = staff
    partner.save()

    history = client.get(f"/admin/partners/partner/{partner.pk}/history/")
    assert history.status_code == 200
    body = history.content.decode()
    assert staff.email in body or staff.get_username() in body
    assert partner.history.count() >= 2


def test_members_cannot_read_the_history(client, member, partner):
    client.force_login(member)
    response = client.get(f"/admin/partners/partner/{partner.pk}/history/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_every_model_people_edit_is_audited_but_ballots_are_not():
    audited = {
        model._meta.label
        for model in apps.get_models()
        if hasattr(model, "history") and not model._meta.label.split(".")[1].startswith("Hist")
    }
    for label in [
        "partners.Partner",
        "partners.Action",
        "partners.Membership",
        "partners.Signature",
        "partners.BulletinPost",
        "plenaries.Plenary",
        "plenaries.Attendance",
        "plenaries.Registration",
        "plenaries.Theme",
        "workgroups.WorkingGroup",
        "workgroups.GroupMembership",
        "workgroups.PilotTerm",
        "workgroups.Meeting",
        "workgroups.Document",
        "workgroups.Need",
        "workgroups.CoordinatedProject",
        "auth.User",
    ]:
        assert label in audited, label
    # A history row names the user who saved it: on a ballot it would reveal the vote.
    assert "workgroups.Ballot" not in audited
    assert "workgroups.Participation" not in audited


def test_history_of_accounts_never_keeps_password_hashes(member):
    member.set_password("un autre mot de passe 2026")
    member.save()
    fields = {field.name for field in get_user_model().history.model._meta.fields}
    assert "password" not in fields
    assert "email" in fields


def test_a_login_records_its_date_without_a_history_row(client, member):
    from tests.factories import PASSWORD

    User = get_user_model()
    rows = User.history.filter(id=member.pk).count()
    response = client.post("/compte/connexion/", {"username": member.email, "password": PASSWORD})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.last_login is not None
    assert User.history.filter(id=member.pk).count() == rows


def test_erasure_reaches_the_history(client, staff, member, partner):
    InvitationFactory(partner=partner, email=member.email)
    old_email = member.email
    member.first_name = "Camille"
    member.save()
    User = get_user_model()
    assert User.history.filter(email=old_email).exists()

    client.force_login(staff)
    client.post(
        "/admin/auth/user/",
        {"action": "erase_personal_data", "_selected_action": [member.pk], "confirm": "yes"},
    )
    assert not User.history.filter(email=old_email).exists()
    assert not User.history.filter(first_name="Camille").exists()
    assert not Invitation.history.filter(email__iexact=old_email).exists()
    assert User.history.filter(id=member.pk).count() == 1


def test_deleting_keeps_a_record_of_who_deleted(client, staff, partner):
    from tests.factories import ActionFactory

    action = ActionFactory(partner=partner)
    pk = action.pk
    client.force_login(staff)
    response = client.post(f"/admin/partners/action/{pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Action.objects.filter(pk=pk).exists()
    record = Action.history.filter(id=pk).latest()
    assert record.history_type == "-"
    assert record.history_user == staff
    assert Partner.history.filter(id=partner.pk).exists()


def test_staff_cannot_restore_an_old_version_behind_the_services(client, staff):
    """Reverting would reopen a closed election or undo a convocation: the history is read-only."""
    from django.utils import timezone

    from tests.factories import ElectionFactory

    election = ElectionFactory()
    first = election.history.earliest()
    election.closed_at = timezone.now()
    election.save()
    client.force_login(staff)
    url = f"/admin/workgroups/election/{election.pk}/history/{first.history_id}/"
    page = client.get(url)
    assert page.status_code == 200  # an old version can be read
    assert client.post(url, {}).status_code == 403
    election.refresh_from_db()
    assert election.closed_at is not None
