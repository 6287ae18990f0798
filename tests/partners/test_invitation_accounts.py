"""An invitation never takes over, changes or reopens an existing account (issue 11, C1 and H3).

The look-alike address `ccas@demo.utopıa.test` (dotless ı) is one an attacker can register:
PostgreSQL's case-insensitive comparison folded it onto the CCAS superuser's address, and
accepting the invitation then set that account's password.
"""

import re
from urllib.parse import quote

import pytest
from django.db import connection

from partners import services
from partners.models import AccessRequest, Invitation, Membership, User
from tests.factories import PASSWORD, InvitationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

CCAS_ADDRESS = "ccas@demo.utopia.test"
LOOK_ALIKE = "ccas@demo.utopıa.test"  # a dotless ı in the domain
LOOK_ALIKE_SHOWN = "ccas@demo.xn--utopa-q4a.test"  # the same address, as stored and shown
ATTACKER_PASSWORD = "Une-phrase-de-passe-de-l-attaquant-2026"


def accept(client, path, password=ATTACKER_PASSWORD):
    return client.post(
        path,
        {
            "first_name": "Mallory",
            "last_name": "Attaquant",
            "password1": password,
            "password2": password,
        },
    )


def invitation_path(mail):
    return re.search(r"https?://[^/\s]+(/compte/invitation/\S+/)", mail.body).group(1)


def path_for(invitation):
    return f"/compte/invitation/{services.invitation_token(invitation)}/"


@pytest.fixture
def ccas_superuser(db):
    return StaffFactory(email=CCAS_ADDRESS, first_name="Claire", last_name="Agent CCAS")


def assert_unchanged(account, *, first_name, last_name, is_staff, is_superuser, is_active):
    account.refresh_from_db()
    assert account.check_password(PASSWORD)
    assert not account.check_password(ATTACKER_PASSWORD)
    assert (account.first_name, account.last_name) == (first_name, last_name)
    assert (account.is_staff, account.is_superuser, account.is_active) == (
        is_staff,
        is_superuser,
        is_active,
    )
    assert not account.memberships.exists()


def assert_the_database_folds_the_look_alike():
    """On PostgreSQL the attack's precondition holds: this run goes through the attack path
    (a case-insensitive lookup would find the superuser). SQLite folds ASCII only."""
    if connection.vendor == "postgresql":
        assert User.objects.filter(email__iexact=LOOK_ALIKE).get().email == CCAS_ADDRESS


def test_look_alike_invitation_does_not_take_over_the_ccas_superuser(
    client, manager, partner, ccas_superuser, mailoutbox, django_capture_on_commit_callbacks
):
    assert_the_database_folds_the_look_alike()
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/partenaires/{partner.slug}/inviter/", {"email": LOOK_ALIKE, "role": "manager"}
        )
    assert response.status_code == 302
    pending_list = client.get(f"/partenaires/{partner.slug}/inviter/").content.decode()
    path = invitation_path(mailoutbox[-1])
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    assert accept(client, path).status_code == 302

    assert_unchanged(
        ccas_superuser,
        first_name="Claire",
        last_name="Agent CCAS",
        is_staff=True,
        is_superuser=True,
        is_active=True,
    )
    # The invitation was stored, sent and shown in the visibly different IDNA form.
    assert Invitation.objects.get().email == LOOK_ALIKE_SHOWN
    assert mailoutbox[-1].to == [LOOK_ALIKE_SHOWN]
    assert LOOK_ALIKE_SHOWN in page.content.decode()
    assert LOOK_ALIKE_SHOWN in pending_list
    # The link made another account, which is the look-alike address's, with no power.
    newcomer = User.objects.get(email=LOOK_ALIKE_SHOWN)
    assert newcomer.pk != ccas_superuser.pk
    assert newcomer.email == LOOK_ALIKE_SHOWN
    assert not (newcomer.is_staff or newcomer.is_superuser)
    assert newcomer.check_password(ATTACKER_PASSWORD)


def test_look_alike_access_request_approved_by_the_ccas_does_not_take_over_the_superuser(
    client, partner, ccas_superuser, staff, mailoutbox, django_capture_on_commit_callbacks
):
    assert_the_database_folds_the_look_alike()
    response = client.post(
        "/demande-acces/", {"full_name": "Mallory", "email": LOOK_ALIKE, "partner": partner.pk}
    )
    assert response.status_code == 302
    access_request = AccessRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.access_request_approve(access_request=access_request, by=staff)
    assert accept(client, invitation_path(mailoutbox[-1])).status_code == 302

    assert_unchanged(
        ccas_superuser,
        first_name="Claire",
        last_name="Agent CCAS",
        is_staff=True,
        is_superuser=True,
        is_active=True,
    )
    assert access_request.email == invitation.email == LOOK_ALIKE_SHOWN
    assert mailoutbox[-1].to == [LOOK_ALIKE_SHOWN]
    assert User.objects.filter(email=LOOK_ALIKE_SHOWN).exists()


def test_invitation_stored_before_the_fix_in_unicode_is_compared_in_idna_form(
    client, partner, ccas_superuser
):
    """An invitation written by the older code keeps its Unicode domain: it is compared, and
    its account made, in the IDNA form all the same."""
    assert_the_database_folds_the_look_alike()
    invitation = InvitationFactory(partner=partner, email=LOOK_ALIKE)
    assert accept(client, path_for(invitation)).status_code == 302
    assert_unchanged(
        ccas_superuser,
        first_name="Claire",
        last_name="Agent CCAS",
        is_staff=True,
        is_superuser=True,
        is_active=True,
    )
    assert User.objects.filter(email=LOOK_ALIKE_SHOWN).exists()


@pytest.mark.parametrize("address", ["ccaſ@demo.utopia.test", "ccas\u0131@demo.utopia.test"])
def test_non_ascii_local_part_is_refused_in_french_and_nothing_is_saved(
    client, manager, partner, mailoutbox, address
):
    client.force_login(manager)
    response = client.post(
        f"/partenaires/{partner.slug}/inviter/", {"email": address, "role": "member"}
    )
    assert response.status_code == 200
    assert "Avant le « @ »" in response.content.decode()
    client.logout()
    response = client.post(
        "/demande-acces/", {"full_name": "Mallory", "email": address, "partner": partner.pk}
    )
    assert response.status_code == 200
    assert "Avant le « @ »" in response.content.decode()
    assert not Invitation.objects.exists()
    assert not AccessRequest.objects.exists()
    assert mailoutbox == []


def test_invitation_service_refuses_a_non_ascii_local_part(partner, manager):
    with pytest.raises(Exception, match="Avant le « @ »"):
        services.invitation_create(partner=partner, email="ccaſ@exemple.fr", by=manager)
    assert not Invitation.objects.exists()


def test_invitation_does_not_reopen_a_closed_staff_account(client, manager, partner, mailoutbox):
    closed = UserFactory(
        email="ancien.agent@ccas-thionville.fr",
        first_name="Ancien",
        last_name="Agent",
        is_staff=True,
        is_active=False,
    )
    client.force_login(manager)
    client.post(f"/partenaires/{partner.slug}/inviter/", {"email": closed.email, "role": "manager"})
    invitation = Invitation.objects.get()
    client.logout()

    path = path_for(invitation)
    for response in (client.get(path), accept(client, path)):
        assert response.status_code == 403
        page = response.content.decode()
        assert "Ce compte a été fermé" in page
        assert "utopia@ccas-thionville.fr" in page  # how to reach the CCAS
    assert_unchanged(
        closed,
        first_name="Ancien",
        last_name="Agent",
        is_staff=True,
        is_superuser=False,
        is_active=False,
    )
    invitation.refresh_from_db()
    assert invitation.is_pending
    # The service refuses too, whichever way it is called.
    with pytest.raises(Exception, match="Un compte existe déjà"):
        services.invitation_accept_with_new_account(
            invitation=invitation, first_name="A", last_name="B", password=ATTACKER_PASSWORD
        )
    with pytest.raises(Exception, match="fermé"):
        services.invitation_accept(invitation=invitation, by=closed)
    closed.refresh_from_db()
    assert not closed.is_active
    assert not Membership.objects.filter(user=closed).exists()


def test_existing_account_logs_in_with_its_own_password_to_accept(
    client, partner, other_member, mailoutbox
):
    invitation = InvitationFactory(partner=partner, email=other_member.email, role="manager")
    path = path_for(invitation)
    names = (other_member.first_name, other_member.last_name)

    # Following the link asks for a login; the new-account form changes nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert "Un compte existe déjà" in page.content.decode()
    assert f"/compte/connexion/?next={quote(path, safe='')}" in page.content.decode()
    assert accept(client, path).status_code == 200
    other_member.refresh_from_db()
    assert other_member.check_password(PASSWORD)
    assert not other_member.memberships.filter(partner=partner).exists()

    # Logged in with its own password, back to the invitation, one button joins.
    response = client.post(
        "/compte/connexion/",
        {"username": other_member.email, "password": PASSWORD, "next": path},
    )
    assert response["Location"] == path
    page = client.get(path)
    assert "Rejoindre Emergence" in page.content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"

    other_member.refresh_from_db()
    assert other_member.check_password(PASSWORD)
    assert (other_member.first_name, other_member.last_name) == names
    assert other_member.memberships.get(partner=partner).role == "manager"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_another_logged_in_account_cannot_accept(client, partner, member, other_member):
    invitation = InvitationFactory(partner=partner, email=other_member.email)
    path = path_for(invitation)
    client.force_login(member)
    for response in (client.get(path), client.post(path), accept(client, path)):
        assert response.status_code == 403
        page = response.content.decode()
        assert "Déconnectez-vous, puis connectez-vous avec le compte invité" in page
        assert other_member.email in page
    with pytest.raises(Exception, match="un autre compte"):
        services.invitation_accept(invitation=invitation, by=member)
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert not other_member.memberships.filter(partner=partner).exists()
    assert set(member.memberships.values_list("partner", flat=True)) == {partner.pk}
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
