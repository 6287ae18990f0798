"""Staff two-factor authentication on the whole portal (issue 11, H1). With STAFF_2FA on, a staff
account logged in with its password alone is a plain account: every staff power (rules, views,
exports, services) waits for its second factor. A first authenticator is enrolled only through a
one-time link that a colleague sends from the back-office, or that `manage.py
staff_enrolment_link` prints for the first superuser; each enrolment is recorded."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import Membership, Partner
from plenaries.models import Plenary
from tests.factories import (
    PASSWORD,
    GroupMembershipFactory,
    PlenaryFactory,
    RegistrationFactory,
    RepresentativeFactory,
    StaffFactory,
    WorkingGroupFactory,
)
from tests.partners.test_partner_page import page_data
from utopia import two_factor
from utopia.models import StaffEnrolment
from workgroups import services as workgroup_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def staff_two_factor_on(settings):
    settings.UTOPIA_STAFF_2FA = True


# What the targets below need, for an agent who is not a superuser: each staff power on the
# portal is the back-office's permission for the same power.
TARGET_PERMISSIONS = [
    "plenaries.view_plenary",  # the yearly report and its CSV
    "plenaries.export_registrations",
    "workgroups.view_workinggroup",  # the group's documents
    "workgroups.add_pilotterm",
    "partners.change_partner",
    "partners.view_partner",  # a partner that left
]


@pytest.fixture(params=["superuser", "agent"])
def agent(request):
    """A CCAS account: a superuser (Django grants them every permission) or an agent given the
    permissions of the powers tested here."""
    is_superuser = request.param == "superuser"
    return StaffFactory(
        email=f"{request.param}@ccas-thionville.fr",
        is_superuser=is_superuser,
        permissions=[] if is_superuser else TARGET_PERMISSIONS,
    )


def password_login(client, user):
    response = client.post("/compte/connexion/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, "the password is right"


def current_token(device):
    return (
        f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"
    )


def verified_login(client, user):
    """Password, then the code of a confirmed authenticator: as django_otp.login records it."""
    device = TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)
    password_login(client, user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


# --- every staff power waits for the second factor --------------------------------------------


@pytest.fixture
def targets(partner, member):
    """What the issue lists: the yearly report and its CSV, a plenary's answers CSV (attendees'
    names), a private group document, another partner's page, a pilot designation."""
    plenary = PlenaryFactory(status=Plenary.Status.CONVENED)
    RegistrationFactory(plenary=plenary, partner=partner, attendee_names="Léa Martin")
    group = WorkingGroupFactory()
    seat = GroupMembershipFactory(group=group, partner=partner)
    RepresentativeFactory(seat=seat, membership=Membership.objects.get(user=member))
    upload = ContentFile(b"%PDF-1.4\n%%EOF\n", name="compte-rendu.pdf")
    upload.detected_content_type = "application/pdf"
    document = workgroup_services.document_upload(
        group=group, title="Compte rendu privé", upload=upload, by=member
    )
    year = timezone.localdate().year
    space = f"/groupes/{group.slug}/espace"
    return {
        "yearly_report": f"/rapport-annuel/{year}/",
        "yearly_report_csv": f"/rapport-annuel/{year}/?format=csv",
        "plenary_answers_csv": f"/plenieres/{plenary.year}-s{plenary.semester}/reponses.csv",
        "group_document": f"{space}/documents/{document.pk}/telecharger/",
        "pilot_designation": f"{space}/pilote/designation/",
        "partner_page_form": f"/partenaires/{partner.slug}/modifier/",
    }


TARGETS = [
    "yearly_report",
    "yearly_report_csv",
    "plenary_answers_csv",
    "group_document",
    "pilot_designation",
    "partner_page_form",
]


@pytest.mark.parametrize("target", TARGETS)
def test_staff_logged_in_with_the_password_alone_has_no_staff_power(client, agent, targets, target):
    password_login(client, agent)
    assert client.get(targets[target]).status_code == 404


@pytest.mark.parametrize("target", TARGETS)
def test_staff_verified_by_their_second_factor_have_their_powers(client, agent, targets, target):
    verified_login(client, agent)
    assert client.get(targets[target]).status_code == 200


def test_the_answers_csv_names_attendees_only_once_verified(client, agent, targets):
    password_login(client, agent)
    assert "Léa Martin" not in client.get(targets["plenary_answers_csv"]).content.decode()
    verified_login(client, agent)
    assert "Léa Martin" in client.get(targets["plenary_answers_csv"]).content.decode("utf-8-sig")


def test_staff_with_the_password_alone_cannot_save_another_partners_page(client, agent, partner):
    password_login(client, agent)
    response = client.post(
        f"/partenaires/{partner.slug}/modifier/", page_data(summary="Réécrit par un intrus.")
    )
    assert response.status_code == 404
    partner.refresh_from_db()
    assert partner.summary != "Réécrit par un intrus."


def test_verified_staff_save_another_partners_page(client, agent, partner):
    verified_login(client, agent)
    response = client.post(
        f"/partenaires/{partner.slug}/modifier/", page_data(summary="Corrigé par le CCAS.")
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.summary == "Corrigé par le CCAS."


def test_an_inactive_partners_page_stays_hidden_until_verified(client, agent, partner):
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    password_login(client, agent)
    assert client.get(f"/partenaires/{partner.slug}/").status_code == 404
    verified_login(client, agent)
    assert client.get(f"/partenaires/{partner.slug}/").status_code == 200


def test_services_refuse_staff_that_no_second_factor_verified(agent, partner, member):
    """A user object that did not come through the OTP middleware is not verified."""
    group = WorkingGroupFactory()
    seat = GroupMembershipFactory(group=group, partner=partner)
    RepresentativeFactory(seat=seat, membership=Membership.objects.get(user=member))
    with pytest.raises(ValidationError, match="Seuls le pilote du groupe et le CCAS"):
        workgroup_services.pilot_designate(
            group=group,
            user=member,
            partner=partner,
            started_on=timezone.localdate(),
            minutes_reference="Réunion du 3 mars",
            by=agent,
        )


def test_mon_espace_asks_unverified_staff_for_their_code(client, agent):
    TOTPDevice.objects.create(user=agent, name="Téléphone", confirmed=True)
    password_login(client, agent)
    page = client.get("/mon-espace/").content.decode()
    assert "/rapport-annuel/" not in page
    assert "/compte/double-authentification/code/" in page


# --- enrolling a first authenticator needs more than the password ------------------------------

SETUP = "/compte/double-authentification/"


def test_enrolment_with_the_password_alone_is_refused(client, agent):
    password_login(client, agent)
    page = client.get(SETUP)
    assert page.status_code == 403
    content = page.content.decode()
    assert "lien de configuration" in content
    assert "<svg" not in content
    assert not TOTPDevice.objects.filter(user=agent).exists()

    refused = client.post(SETUP, {"token": "123456"})
    assert refused.status_code == 403
    assert not TOTPDevice.objects.filter(user=agent, confirmed=True).exists()


def test_staff_confirm_a_portal_session_with_their_code(client, agent, targets):
    device = TOTPDevice.objects.create(user=agent, name="Téléphone", confirmed=True)
    password_login(client, agent)
    report = targets["yearly_report"]
    page = client.get("/compte/double-authentification/code/", {"next": report})
    assert page.status_code == 200

    wrong = client.post("/compte/double-authentification/code/", {"token": "000000"})
    assert "Ce code n&#x27;est pas valide" in wrong.content.decode()
    assert client.get(report).status_code == 404
    # django-otp makes a device wait after a failure (throttling); the test does not wait.
    device.refresh_from_db()
    device.throttle_reset()

    response = client.post(
        "/compte/double-authentification/code/", {"token": current_token(device), "next": report}
    )
    assert response.status_code == 302
    assert response["Location"] == report
    assert client.get(report).status_code == 200


def test_the_code_page_sends_nowhere_outside_the_site(client, agent):
    device = TOTPDevice.objects.create(user=agent, name="Téléphone", confirmed=True)
    password_login(client, agent)
    response = client.post(
        "/compte/double-authentification/code/",
        {"token": current_token(device), "next": "https://ailleurs.example/"},
    )
    assert response["Location"] == "/mon-espace/"


def test_members_have_no_code_page(client, member):
    client.force_login(member)
    assert client.get("/compte/double-authentification/code/").status_code == 404


@pytest.fixture
def colleague(db):
    """Another CCAS agent, verified in the back-office, who sends enrolment links."""
    return StaffFactory(email="collegue@ccas-thionville.fr")


def link_path(link):
    return re.search(r"/compte/double-authentification/lien/[\w-]+/", link).group(0)


def enrol_through(client, user, link):
    """Follow the link logged in with the password, scan the code, enter it."""
    password_login(client, user)
    response = client.get(link_path(link))
    assert response.status_code == 302
    assert response["Location"] == SETUP, "the secret leaves the address bar"
    page = client.get(SETUP)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(SETUP, {"token": current_token(device)})


def test_enrolment_through_a_colleagues_link_works_once_and_is_recorded(client, agent, colleague):
    enrolment, link = two_factor.staff_enrolment_create(
        user=agent, by=colleague, channel=StaffEnrolment.Channel.EMAIL
    )
    assert enrolment.token_hash not in link  # only a hash of the secret is kept

    response = enrol_through(client, agent, link)
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=agent, confirmed=True).count() == 1
    assert client.get("/admin/").status_code == 200  # the session is verified
    enrolment.refresh_from_db()
    assert enrolment.used_at is not None
    assert enrolment.created_by == colleague
    assert enrolment.channel == StaffEnrolment.Channel.EMAIL

    # Lost phone: a colleague removes the device; the used link does not serve again.
    TOTPDevice.objects.filter(user=agent).delete()
    reused = client.get(link_path(link))
    assert reused.status_code == 400
    assert "Ce lien de configuration a déjà servi" in reused.content.decode()
    assert client.get(SETUP).status_code == 403


def test_an_expired_link_is_refused_in_french(client, agent, colleague):
    enrolment, link = two_factor.staff_enrolment_create(
        user=agent, by=colleague, channel=StaffEnrolment.Channel.EMAIL
    )
    StaffEnrolment.objects.filter(pk=enrolment.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=4),
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    password_login(client, agent)
    response = client.get(link_path(link))
    assert response.status_code == 400
    assert "Ce lien de configuration a expiré" in response.content.decode()
    assert client.get(SETUP).status_code == 403
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_a_link_that_expires_between_the_scan_and_the_code_enrols_nothing(client, agent, colleague):
    enrolment, link = two_factor.staff_enrolment_create(
        user=agent, by=colleague, channel=StaffEnrolment.Channel.EMAIL
    )
    password_login(client, agent)
    client.get(link_path(link))
    device = TOTPDevice.objects.get(user=agent, confirmed=False)
    StaffEnrolment.objects.filter(pk=enrolment.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=3),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert client.post(SETUP, {"token": current_token(device)}).status_code == 403
    device.refresh_from_db()
    assert not device.confirmed


def test_a_link_serves_only_the_account_it_was_sent_to(client, agent, colleague, member):
    other = StaffFactory(email="autre-agent@ccas-thionville.fr")
    _enrolment, link = two_factor.staff_enrolment_create(
        user=other, by=colleague, channel=StaffEnrolment.Channel.EMAIL
    )
    password_login(client, agent)
    response = client.get(link_path(link))
    assert response.status_code == 400
    assert "destiné à un autre compte" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=agent).exists()


def test_a_made_up_link_is_refused(client, agent):
    password_login(client, agent)
    response = client.get("/compte/double-authentification/lien/inventé/")
    assert response.status_code == 400
    assert "Ce lien de configuration n&#x27;est pas valide" in response.content.decode()


def test_a_secret_shown_before_the_link_is_not_the_one_confirmed(client, agent, colleague):
    shown_earlier = TOTPDevice.objects.create(user=agent, name="Vu plus tôt", confirmed=False)
    _enrolment, link = two_factor.staff_enrolment_create(
        user=agent, by=colleague, channel=StaffEnrolment.Channel.EMAIL
    )
    enrol_through(client, agent, link)
    assert not TOTPDevice.objects.filter(pk=shown_earlier.pk).exists()


def test_nobody_sends_a_link_to_themselves_or_to_a_member(colleague, member):
    with pytest.raises(ValidationError, match="autre agent"):
        two_factor.staff_enrolment_create(
            user=colleague, by=colleague, channel=StaffEnrolment.Channel.EMAIL
        )
    with pytest.raises(ValidationError, match="comptes actifs du CCAS"):
        two_factor.staff_enrolment_create(
            user=member, by=colleague, channel=StaffEnrolment.Channel.EMAIL
        )
    assert not StaffEnrolment.objects.exists()


# --- the back-office action and the record -----------------------------------------------------


def test_a_colleague_emails_a_link_from_the_back_office(
    client, agent, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    verified_login(client, colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/partners/user/",
            {"action": "send_enrolment_link", "_selected_action": [agent.pk], "index": 0},
            follow=True,
        )
    assert "1 lien de configuration envoyé." in response.content.decode()
    [mail] = mailoutbox
    assert mail.to == [agent.email]
    assert "double authentification" in mail.subject
    enrolment = StaffEnrolment.objects.get(user=agent)
    assert enrolment.created_by == colleague

    client.logout()
    assert enrol_through(client, agent, mail.body).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.used_at is not None


def test_sending_a_link_needs_its_own_permission(client, colleague):
    from django.contrib.auth.models import Permission

    agent = StaffFactory(email="sans-droit@ccas-thionville.fr", is_superuser=False)
    agent.user_permissions.set(
        Permission.objects.filter(content_type__app_label="partners", codename__endswith="_user")
    )
    verified_login(client, agent)
    page = client.get("/admin/partners/user/")
    offered = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert "send_enrolment_link" not in offered

    agent.user_permissions.add(Permission.objects.get(codename="send_enrolment_link"))
    page = client.get("/admin/partners/user/")
    offered = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert "send_enrolment_link" in offered


def test_superusers_read_the_record_of_enrolments(client, agent, colleague):
    two_factor.staff_enrolment_create(
        user=agent, by=colleague, channel=StaffEnrolment.Channel.EMAIL
    )
    verified_login(client, colleague)
    page = client.get("/admin/utopia/staffenrolment/")
    assert page.status_code == 200
    assert agent.email in page.content.decode()
    enrolment = StaffEnrolment.objects.get()
    detail = client.get(f"/admin/utopia/staffenrolment/{enrolment.pk}/change/")
    assert detail.status_code == 200
    assert "token_hash" not in detail.content.decode()
    assert client.post(f"/admin/utopia/staffenrolment/{enrolment.pk}/delete/").status_code == 403

    plain_agent = StaffFactory(email="agent-simple@ccas-thionville.fr", is_superuser=False)
    client.logout()
    verified_login(client, plain_agent)
    assert client.get("/admin/utopia/staffenrolment/").status_code == 403


# --- the first superuser: a link printed by a management command --------------------------------


def test_the_command_prints_a_working_link_for_the_first_superuser(client):
    first = StaffFactory(email="premier@ccas-thionville.fr")
    out = io.StringIO()
    call_command("staff_enrolment_link", "Premier@ccas-thionville.fr", stdout=out)
    enrolment = StaffEnrolment.objects.get(user=first)
    assert enrolment.channel == StaffEnrolment.Channel.COMMAND
    assert enrolment.created_by is None

    assert enrol_through(client, first, out.getvalue()).status_code == 302
    assert TOTPDevice.objects.filter(user=first, confirmed=True).exists()
    enrolment.refresh_from_db()
    assert enrolment.used_at is not None


def test_the_command_refuses_unknown_and_member_accounts(member):
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("staff_enrolment_link", "personne@exemple.fr", stdout=io.StringIO())
    with pytest.raises(CommandError, match="comptes actifs du CCAS"):
        call_command("staff_enrolment_link", member.email, stdout=io.StringIO())


# --- the rule is asked in one place ------------------------------------------------------------


def test_portal_code_asks_permissions_without_djangos_superuser_shortcut():
    """`user.has_perm` and `{% has_perm %}` grant an unverified superuser everything: portal
    code asks partners.rules.has_portal_perm (or its template tag) instead."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ["partners", "plenaries", "workgroups", "utopia"]:
        for path in (root / app).rglob("*.py"):
            if path.name in {"admin.py", "admin_site.py", "rules.py"} or "migrations" in path.parts:
                continue
            if path.relative_to(root) == Path("utopia/exports.py"):
                # The back-office's CSV exports: behind the admin's own two-factor check, they
                # ask Django's named permissions on purpose.
                continue
            if ".has_perm(" in path.read_text():
                offenders.append(str(path.relative_to(root)))
    for path in (root / "templates").rglob("*.html"):
        if "admin" not in path.parts and "{% has_perm " in path.read_text():
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_the_command_never_finds_an_account_through_a_look_alike_address():
    StaffFactory(email="ccas@demo.utopia.test")
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("staff_enrolment_link", "ccas@demo.utopıa.test", stdout=io.StringIO())
    assert not StaffEnrolment.objects.exists()
