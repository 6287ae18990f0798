"""The two kinds of staff accounts in the back-office: agents ("Agent du CCAS" group) run the
network's work; the technical lists and the powers of accounts are for superusers only."""

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.rules import STAFF_PERMISSIONS
from tests.factories import MembershipFactory, StaffFactory
from tests.utopia.test_admin_permissions import ACTIONS, PAGES
from utopia.staff import AGENT_GROUP, TECHNICAL_MODELS

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"
POWER_FIELDS = {"is_staff", "is_superuser", "groups", "user_permissions"}


def make_agent(**fields):
    agent = StaffFactory(is_superuser=False, **fields)
    agent.groups.add(Group.objects.get(name=AGENT_GROUP))
    return agent


@pytest.fixture
def ccas_agent():
    return make_agent(email="claire@ccas-thionville.fr")


def registered(technical: bool):
    return sorted(
        (
            model
            for model in admin.site._registry
            if (model._meta.label_lower in TECHNICAL_MODELS) == technical
        ),
        key=lambda model: model._meta.label_lower,
    )


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def lock_out(email: str) -> AccessAttempt:
    return AccessAttempt.objects.create(
        username=email,
        ip_address="203.0.113.7",
        user_agent="navigateur",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )


# --- the group --------------------------------------------------------------------------------


def test_agent_group_holds_every_named_permission_of_the_readme_and_nothing_technical():
    group = Group.objects.get(name=AGENT_GROUP)
    held = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }
    named = STAFF_PERMISSIONS | {row.permission for row in ACTIONS}
    named |= {page.permission for page in PAGES}
    assert named <= held, named - held
    assert not {name for name in held if name.startswith(("auth.", "django_tasks"))}
    assert {name for name in held if name.startswith(("axes.", "otp_totp."))} == {
        "axes.delete_accessattempt",
        "otp_totp.delete_totpdevice",
    }
    assert "partners.delete_user" not in held
    assert not {name for name in held if name.endswith("staffenrolment")}


# --- logging in and the index ------------------------------------------------------------------


def test_agent_logs_in_and_the_index_lists_nothing_technical(client):
    make_agent(email="claire@ccas-thionville.fr", password=PASSWORD)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "claire@ccas-thionville.fr", "password": PASSWORD},
    )
    assert response.status_code == 302
    page = client.get("/admin/")
    assert page.status_code == 200
    listed = {
        model["object_name"].lower() for app in page.context["app_list"] for model in app["models"]
    }
    assert "action" in listed and "partner" in listed and "user" in listed
    for label in TECHNICAL_MODELS:
        assert label.split(".")[1] not in listed, label
    text = page.content.decode()
    for word in ("Axes", "AXES", "TOTP", "Task", "Authentification et autorisation", ">Groupes<"):
        assert word not in text, word


@pytest.mark.parametrize("model", registered(technical=True), ids=lambda m: m._meta.label_lower)
def test_every_technical_list_refuses_an_agent_and_serves_a_superuser(client, ccas_agent, model):
    client.force_login(ccas_agent)
    assert client.get(admin_url(model, "changelist")).status_code == 403
    assert client.get(admin_url(model, "add")).status_code == 403
    client.force_login(StaffFactory())
    assert client.get(admin_url(model, "changelist")).status_code == 200


def test_a_technical_record_opened_by_hand_shows_an_agent_nothing(client, ccas_agent):
    device = TOTPDevice.objects.create(user=StaffFactory(), name="Téléphone de l'admin")
    attempt = lock_out("quelquun@exemple.fr")
    client.force_login(ccas_agent)
    for url in (
        admin_url(TOTPDevice, "change", device.pk),
        admin_url(AccessAttempt, "change", attempt.pk),
        admin_url(Group, "change", Group.objects.get(name=AGENT_GROUP).pk),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Téléphone de l'admin" not in response.content.decode()
        assert "quelquun@exemple.fr" not in response.content.decode()


# --- the permission matrix: agent vs superuser on every list -------------------------------------


@pytest.mark.parametrize("model", registered(technical=False), ids=lambda m: m._meta.label_lower)
def test_an_agent_has_the_superusers_reach_on_every_list_of_the_network(client, ccas_agent, model):
    urls = [admin_url(model, "changelist"), admin_url(model, "add")]
    client.force_login(StaffFactory())
    as_superuser = [client.get(url).status_code for url in urls]
    client.force_login(ccas_agent)
    as_agent = [client.get(url).status_code for url in urls]
    assert as_superuser[0] == 200
    assert as_agent == as_superuser


# --- accounts ----------------------------------------------------------------------------------


def form_fields(response) -> set[str]:
    return set(response.context["adminform"].form.fields)


def test_the_account_form_offers_an_agent_no_staff_superuser_group_or_permission_field(
    client, ccas_agent
):
    member = MembershipFactory().user
    client.force_login(ccas_agent)
    for account in (member, ccas_agent):
        response = client.get(admin_url(type(member), "change", account.pk))
        assert response.status_code == 200
        assert not form_fields(response) & POWER_FIELDS
        assert 'name="is_superuser"' not in response.content.decode()
    client.force_login(StaffFactory())
    response = client.get(admin_url(type(member), "change", member.pk))
    assert form_fields(response) >= POWER_FIELDS


def test_an_agent_cannot_give_themselves_powers_by_a_forged_post(client, ccas_agent):
    client.force_login(ccas_agent)
    client.post(
        admin_url(type(ccas_agent), "change", ccas_agent.pk),
        {
            "email": ccas_agent.email,
            "first_name": "Claire",
            "last_name": "Agent",
            "is_active": "on",
            "is_superuser": "on",
            "groups": [],
            "user_permissions": [],
        },
    )
    ccas_agent.refresh_from_db()
    assert ccas_agent.first_name == "Claire"  # the form was saved...
    assert not ccas_agent.is_superuser  # ...without the powers
    assert ccas_agent.groups.filter(name=AGENT_GROUP).exists()


def test_a_colleagues_and_an_administrators_accounts_are_read_only_for_an_agent(client, ccas_agent):
    colleague, administrator = make_agent(), StaffFactory()
    client.force_login(ccas_agent)
    for account in (colleague, administrator):
        page = client.get(admin_url(type(account), "change", account.pk))
        assert page.status_code == 200
        assert "adminform" not in page.context or not page.context["has_change_permission"]
        password = reverse("admin:auth_user_password_change", args=[account.pk])
        assert client.get(password).status_code == 403


# --- the security tasks on an account's page ----------------------------------------------------


def test_an_agent_unlocks_a_locked_out_member(client, ccas_agent):
    member = MembershipFactory().user
    lock_out(member.email)
    client.force_login(ccas_agent)
    page = client.get(admin_url(type(member), "change", member.pk)).content.decode()
    assert "Connexion bloquée jusqu'à" in page
    assert "Débloquer la connexion" in page
    response = client.post(reverse("admin:partners_user_unlock", args=[member.pk]), follow=True)
    assert "peut de nouveau se connecter" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    assert LogEntry.objects.filter(object_id=str(member.pk), user=ccas_agent).exists()
    assert "Débloquer la connexion" not in response.content.decode()


def test_unlocking_leaves_a_look_alike_address_locked(client, ccas_agent):
    member = MembershipFactory(user__email="marie@exemple.fr").user
    lock_out("marie@exemple.fr")
    look_alike = lock_out("marie@exemple.xn--fr-xyz")
    client.force_login(ccas_agent)
    client.post(reverse("admin:partners_user_unlock", args=[member.pk]))
    assert list(AccessAttempt.objects.all()) == [look_alike]


def test_an_agent_removes_a_colleagues_lost_device_and_sends_a_link(
    client, ccas_agent, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = make_agent(email="paul@ccas-thionville.fr")
    TOTPDevice.objects.create(user=colleague, name="Téléphone perdu", confirmed=True)
    client.force_login(ccas_agent)
    page = client.get(admin_url(type(colleague), "change", colleague.pk)).content.decode()
    assert "Supprimer l'appareil perdu" in page
    client.post(reverse("admin:partners_user_remove_device", args=[colleague.pk]))
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:partners_user_send_enrolment_link", args=[colleague.pk]))
    assert [message.to for message in mailoutbox] == [["paul@ccas-thionville.fr"]]


def test_an_agent_cannot_remove_their_own_device_nor_an_administrators(client, ccas_agent):
    administrator = StaffFactory()
    for account in (ccas_agent, administrator):
        TOTPDevice.objects.create(user=account, name="Téléphone", confirmed=True)
    client.force_login(ccas_agent)
    for account in (ccas_agent, administrator):
        page = client.get(admin_url(type(account), "change", account.pk)).content.decode()
        assert "Supprimer l'appareil perdu" not in page
        response = client.post(
            reverse("admin:partners_user_remove_device", args=[account.pk]), follow=True
        )
        assert response.status_code == 200
        assert TOTPDevice.objects.filter(user=account).exists()


def test_an_account_task_is_posted_never_run_by_a_link(client, ccas_agent):
    member = MembershipFactory().user
    lock_out(member.email)
    client.force_login(ccas_agent)
    assert client.get(reverse("admin:partners_user_unlock", args=[member.pk])).status_code == 405
    assert AccessAttempt.objects.exists()
