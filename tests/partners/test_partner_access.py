"""A partner's managers see who has access, take away the access of someone who left, and
cancel or send again a pending invitation; re-inviting an address says it replaces the first
link. Checked through the rules for each role: others get 404 (or the login page)."""

import pytest

from partners.models import Invitation, Membership
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(partner):
    return MembershipFactory(
        partner=partner, user=UserFactory(email="parti@exemple.fr", first_name="Paul")
    )


@pytest.fixture
def pending(partner, manager):
    return InvitationFactory(partner=partner, email="nouvelle@exemple.fr", invited_by=manager)


def page(partner):
    return f"/partenaires/{partner.slug}/inviter/"


def remove_url(partner, membership):
    return f"/partenaires/{partner.slug}/acces/{membership.pk}/retirer/"


def cancel_url(partner, invitation):
    return f"/partenaires/{partner.slug}/invitations/{invitation.pk}/annuler/"


def resend_url(partner, invitation):
    return f"/partenaires/{partner.slug}/invitations/{invitation.pk}/renvoyer/"


def test_a_manager_sees_who_has_access_and_the_pending_invitations(
    client, manager, partner, leaver, pending
):
    client.force_login(manager)
    html = client.get(page(partner)).content.decode()
    assert "parti@exemple.fr" in html and "responsable@exemple.fr" in html
    assert remove_url(partner, leaver) in html
    # Nobody is offered to remove their own access.
    own = Membership.objects.get(user=manager, partner=partner)
    assert remove_url(partner, own) not in html
    assert "nouvelle@exemple.fr" in html
    assert cancel_url(partner, pending) in html and resend_url(partner, pending) in html


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("member", 404), ("other_member", 404), ("manager", 302), ("staff", 302)],
)
def test_removing_an_access_is_for_the_partners_managers_and_staff(
    role_client, request, partner, leaver, role, status
):
    client = role_client(request.getfixturevalue(role) if role else None)
    response = client.post(remove_url(partner, leaver))
    assert response.status_code == status
    removed = not Membership.objects.filter(pk=leaver.pk).exists()
    assert removed is (role in ("manager", "staff"))
    if role is None:
        assert response["Location"].startswith("/compte/connexion/")


@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), ("member", 404), ("other_member", 404), ("manager", 302), ("staff", 302)],
)
def test_cancelling_an_invitation_is_for_the_partners_managers_and_staff(
    role_client, request, partner, pending, role, status
):
    client = role_client(request.getfixturevalue(role) if role else None)
    assert client.post(cancel_url(partner, pending)).status_code == status
    pending.refresh_from_db()
    assert (pending.revoked_at is not None) is (role in ("manager", "staff"))


def test_a_removed_access_names_its_author_in_the_history(client, manager, partner, leaver):
    client.force_login(manager)
    response = client.post(remove_url(partner, leaver), follow=True)
    assert "Paul" in response.content.decode()
    deletion = Membership.history.filter(id=leaver.pk, history_type="-").get()
    assert deletion.history_user == manager


def test_a_manager_cannot_remove_their_own_access(client, manager, partner):
    own = Membership.objects.get(user=manager, partner=partner)
    client.force_login(manager)
    response = client.post(remove_url(partner, own), follow=True)
    assert "Vous ne pouvez pas retirer votre propre accès" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_a_resent_invitation_replaces_the_first_link(
    client, manager, partner, pending, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend_url(partner, pending), follow=True)
    assert "elle remplace la précédente" in response.content.decode()
    pending.refresh_from_db()
    assert pending.revoked_at is not None
    fresh = Invitation.objects.pending().get(partner=partner)
    assert fresh.email == "nouvelle@exemple.fr" and fresh.pk != pending.pk
    assert [message.to for message in mailoutbox] == [["nouvelle@exemple.fr"]]


def test_inviting_the_same_address_again_says_it_replaces_the_first_link(
    client, manager, partner, pending
):
    client.force_login(manager)
    response = client.post(
        page(partner), {"email": "nouvelle@exemple.fr", "role": "member"}, follow=True
    )
    assert "elle remplace la précédente" in response.content.decode()
    assert Invitation.objects.pending().filter(partner=partner).count() == 1


def test_another_partners_invitation_or_member_is_not_found(
    client, manager, partner, other_partner, other_member
):
    theirs = Membership.objects.get(user=other_member)
    invitation = InvitationFactory(partner=other_partner)
    client.force_login(manager)
    assert client.post(remove_url(partner, theirs)).status_code == 404
    assert client.post(cancel_url(partner, invitation)).status_code == 404
    assert Membership.objects.filter(pk=theirs.pk).exists()
