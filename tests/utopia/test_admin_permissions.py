"""Who may run each back-office action, workflow button and export.

Two tables drive the matrix: every admin action with the one permission it needs, and every
back-office page added to Django's admin (exports, attendance sheet...) with its permission.
A staff account with no permission, or with only the view permission of the list, is refused;
one given exactly that permission (and the view permission of the list it starts from)
succeeds. A new admin action or back-office page without a row in the tables fails
test_every_admin_action_needs_a_named_permission_listed_here or
test_every_back_office_page_is_listed_here. The README's "Sécurité" section lists the same
permissions for the staff groups.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
import rules
from axes.models import AccessAttempt
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.urls import URLPattern, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import AccessRequest, Action, BulletinPost, Invitation, Partner, User
from plenaries.models import Attendance, Plenary, Theme, semester_of
from tests.factories import (
    AccessRequestFactory,
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    BulletinPostFactory,
    ElectionFactory,
    GroupMembershipFactory,
    InvitationFactory,
    MembershipFactory,
    NeedReportFactory,
    PartnerFactory,
    PlenaryFactory,
    StaffFactory,
    ThemeFactory,
    WorkingGroupFactory,
)
from utopia.exports import EXPORTS
from utopia.models import NeedReport, StaffEnrolment
from workgroups.models import Election, GroupMembership, WorkingGroup

pytestmark = pytest.mark.django_db

ERASED_DOMAIN = "@efface.utopia.invalid"
MESSAGE = {"message": "Merci de préciser le lieu et l'horaire."}


def fresh(obj: Model) -> Model:
    return type(obj)._default_manager.get(pk=obj.pk)


def is_csv(response) -> bool:
    return response["Content-Type"].startswith("text/csv")


def is_json(response) -> bool:
    return response["Content-Type"].startswith("application/json")


def plenary_to_convene() -> Plenary:
    date = timezone.localdate() + datetime.timedelta(days=20)
    year, semester = semester_of(date)
    plenary = PlenaryFactory(
        date=date, year=year, semester=semester, status=Plenary.Status.PREPARATION
    )
    AgendaItemFactory(plenary=plenary)
    return plenary


def held_plenary(**fields) -> Plenary:
    return PlenaryFactory(
        status=Plenary.Status.HELD, minutes="Les partenaires ont échangé.", **fields
    )


def closed_vote() -> Election:
    return ElectionFactory(
        opens_at=timezone.now() - datetime.timedelta(days=8),
        closes_at=timezone.now() - datetime.timedelta(hours=1),
    )


@dataclass(frozen=True)
class AdminAction:
    """An admin action, the permission it needs, what it runs on and how to see it ran."""

    model: type[Model]
    name: str
    permission: str
    target: Callable[[], Model]
    ran: Callable[[Model, object], bool]  # (target, response) -> did the action do its work
    data: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.model._meta.label_lower}.{self.name}"

    @property
    def changelist(self) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    @property
    def view_permission(self) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.view_{opts.model_name}"


ACTIONS = [
    AdminAction(
        Partner,
        "export_csv",
        "partners.export_partners",
        PartnerFactory,
        lambda partner, response: is_csv(response),
    ),
    AdminAction(
        Partner,
        "mark_confirmed",
        "partners.change_partner",
        lambda: PartnerFactory(last_confirmed_at=None),
        lambda partner, response: fresh(partner).last_confirmed_at is not None,
    ),
    AdminAction(
        Invitation,
        "revoke",
        "partners.change_invitation",
        InvitationFactory,
        lambda invitation, response: fresh(invitation).revoked_at is not None,
    ),
    AdminAction(
        AccessRequest,
        "approve",
        "partners.decide_access_request",
        AccessRequestFactory,
        lambda access, response: fresh(access).status == AccessRequest.Status.APPROVED,
    ),
    AdminAction(
        AccessRequest,
        "refuse",
        "partners.decide_access_request",
        AccessRequestFactory,
        lambda access, response: fresh(access).status == AccessRequest.Status.REFUSED,
    ),
    AdminAction(
        BulletinPost,
        "remove",
        "partners.moderate_bulletin_post",
        BulletinPostFactory,
        lambda post, response: fresh(post).removed_at is not None,
    ),
    AdminAction(
        Action,
        "publish_selected",
        "partners.moderate_action",
        lambda: ActionFactory(status=Action.Status.SUBMITTED),
        lambda action, response: fresh(action).status == Action.Status.PUBLISHED,
    ),
    AdminAction(
        Action,
        "request_changes_selected",
        "partners.moderate_action",
        lambda: ActionFactory(status=Action.Status.SUBMITTED),
        lambda action, response: fresh(action).status == Action.Status.CHANGES_REQUESTED,
        MESSAGE,
    ),
    AdminAction(
        Action,
        "reject_selected",
        "partners.moderate_action",
        lambda: ActionFactory(status=Action.Status.SUBMITTED),
        lambda action, response: fresh(action).status == Action.Status.REJECTED,
        MESSAGE,
    ),
    AdminAction(
        User,
        "export_personal_data",
        "partners.rgpd_export",
        lambda: MembershipFactory().user,
        lambda user, response: is_json(response),
    ),
    AdminAction(
        User,
        "send_enrolment_link",
        "utopia.send_enrolment_link",
        lambda: StaffFactory(is_superuser=False),
        lambda user, response: StaffEnrolment.objects.filter(user=user).exists(),
    ),
    AdminAction(
        User,
        "erase_personal_data",
        "partners.rgpd_erase",
        lambda: MembershipFactory().user,
        lambda user, response: fresh(user).email.endswith(ERASED_DOMAIN),
        {"confirm": "yes"},
    ),
    AdminAction(
        NeedReport,
        "dismiss",
        "utopia.triage_need_report",
        NeedReportFactory,
        lambda report, response: fresh(report).status == NeedReport.Status.DISMISSED,
    ),
    AdminAction(
        Plenary,
        "convene",
        "plenaries.change_plenary",
        plenary_to_convene,
        lambda plenary, response: fresh(plenary).status == Plenary.Status.CONVENED,
    ),
    AdminAction(
        Plenary,
        "cancel",
        "plenaries.change_plenary",
        plenary_to_convene,
        lambda plenary, response: fresh(plenary).status == Plenary.Status.CANCELLED,
    ),
    AdminAction(
        Plenary,
        "mark_held",
        "plenaries.change_plenary",
        lambda: PlenaryFactory(status=Plenary.Status.CONVENED),
        lambda plenary, response: fresh(plenary).status == Plenary.Status.HELD,
    ),
    AdminAction(
        Plenary,
        "publish_minutes",
        "plenaries.change_plenary",
        held_plenary,
        lambda plenary, response: fresh(plenary).minutes_published_on is not None,
    ),
    AdminAction(
        Plenary,
        "unpublish_minutes",
        "plenaries.change_plenary",
        lambda: held_plenary(minutes_published_on=datetime.date(2020, 1, 1)),
        lambda plenary, response: fresh(plenary).minutes_published_on is None,
    ),
    AdminAction(
        Plenary,
        "export_registrations",
        "plenaries.export_registrations",
        PlenaryFactory,
        lambda plenary, response: is_csv(response),
    ),
    AdminAction(
        Theme,
        "close",
        "plenaries.change_theme",
        ThemeFactory,
        lambda theme, response: fresh(theme).closed_at is not None,
    ),
    AdminAction(
        WorkingGroup,
        "close",
        "workgroups.close_group",
        WorkingGroupFactory,
        lambda group, response: fresh(group).status == WorkingGroup.Status.CLOSED,
    ),
    AdminAction(
        GroupMembership,
        "accept",
        "workgroups.decide_join_request",
        lambda: GroupMembershipFactory(status=GroupMembership.Status.PENDING, joined_on=None),
        lambda seat, response: fresh(seat).status == GroupMembership.Status.ACTIVE,
    ),
    AdminAction(
        GroupMembership,
        "refuse",
        "workgroups.decide_join_request",
        lambda: GroupMembershipFactory(status=GroupMembership.Status.PENDING, joined_on=None),
        lambda seat, response: fresh(seat).status == GroupMembership.Status.REFUSED,
    ),
    AdminAction(
        Election,
        "close",
        "workgroups.close_election",
        closed_vote,
        lambda election, response: fresh(election).closed_at is not None,
    ),
]


@dataclass(frozen=True)
class Page:
    """A page added to the back-office, the permission it needs and how to reach it."""

    url_name: str
    permission: str
    args: Callable[[], list] = list
    kwargs: dict = field(default_factory=dict)
    # A permission near the one needed, which must not be enough.
    near_permission: str | None = None
    served: Callable[[object], bool] = lambda response: response.status_code == 200
    method: str = "get"  # the tasks on an account's page are posted

    def __str__(self):
        return "-".join([self.url_name, *self.kwargs.values()])

    def open(self, client, url):
        return getattr(client, self.method)(url)

    def url(self) -> str:
        return reverse(f"admin:{self.url_name}", args=self.args(), kwargs=self.kwargs)


def export(name: str, permission: str, near_permission: str) -> Page:
    return Page(
        "utopia_export",
        permission,
        kwargs={"name": name},
        near_permission=near_permission,
        served=lambda response: response.status_code == 200 and is_csv(response),
    )


def totp_device() -> list:
    return [TOTPDevice.objects.create(user=StaffFactory(), name="Application").pk]


def locked_member() -> list:
    member = MembershipFactory().user
    AccessAttempt.objects.create(
        username=member.email,
        ip_address="203.0.113.7",
        user_agent="navigateur",
        failures_since_start=5,
        attempt_time=timezone.now(),
    )
    return [member.pk]


def agent_with_a_device() -> list:
    colleague = StaffFactory(is_superuser=False)
    TOTPDevice.objects.create(user=colleague, name="Téléphone perdu", confirmed=True)
    return [colleague.pk]


def account_task(url_name: str, permission: str, args: Callable[[], list]) -> Page:
    """A task on an account's page: posted, it goes back to the account's page."""
    return Page(
        url_name,
        permission,
        args=args,
        near_permission="partners.change_user",
        served=lambda response: response.status_code == 302 and "/change/" in response["Location"],
        method="post",
    )


PAGES = [
    export("partenaires", "partners.export_partners", "partners.view_partner"),
    export("contacts", "partners.export_contacts", "partners.view_membership"),
    export("presences", "plenaries.export_attendance", "plenaries.view_attendance"),
    export("membres-groupes", "workgroups.export_group_members", "workgroups.view_groupmembership"),
    Page("plenaries_plenary_cadence", "plenaries.view_plenary"),
    # Seeing the coverage; sending needs plenaries.change_plenary (tests/plenaries/test_convene.py).
    Page(
        "plenaries_plenary_convene",
        "plenaries.view_plenary",
        args=lambda: [PlenaryFactory().pk],
        near_permission="plenaries.view_convocation",
    ),
    Page(
        "plenaries_plenary_step",
        "plenaries.change_plenary",
        args=lambda: [plenary_to_convene().pk, "convoquer"],
        near_permission="plenaries.view_plenary",
        served=lambda response: response.status_code == 302,
        method="post",
    ),
    Page(
        "partners_accessrequest_decide",
        "partners.decide_access_request",
        args=lambda: [AccessRequestFactory().pk],
        near_permission="partners.change_accessrequest",
    ),
    Page(
        "partners_action_decide",
        "partners.moderate_action",
        args=lambda: [ActionFactory(status=Action.Status.SUBMITTED).pk],
        near_permission="partners.change_action",
    ),
    Page(
        "plenaries_plenary_attendance",
        "plenaries.record_attendance",
        args=lambda: [PlenaryFactory().pk],
        near_permission="plenaries.change_plenary",
    ),
    account_task("partners_user_unlock", "axes.delete_accessattempt", locked_member),
    account_task("partners_user_remove_device", "otp_totp.delete_totpdevice", agent_with_a_device),
    account_task(
        "partners_user_send_enrolment_link", "utopia.send_enrolment_link", agent_with_a_device
    ),
    Page(
        "utopia_needreport_close",
        "utopia.triage_need_report",
        args=lambda: [NeedReportFactory().pk],
        near_permission="utopia.change_needreport",
    ),
]

# Pages open to every staff account, and why.
OPEN_PAGES = {
    # The list of exports shows only those its reader may download (tested below).
    "utopia_exports",
}

# Pages closed to every account, superusers included, and why.
CLOSED_PAGES = {
    # django-otp's pages that show a device's secret (its key, as text and as a QR code): with
    # OTP_ADMIN_HIDE_SENSITIVE_DATA nobody reads it back, since whoever does can make the codes.
    "otp_totp_totpdevice_config",
    "otp_totp_totpdevice_qrcode",
}


def agent(*permissions: str):
    return StaffFactory(is_superuser=False, permissions=list(permissions))


def offered(client, row: AdminAction) -> list[str]:
    response = client.get(row.changelist)
    assert response.status_code == 200
    action_form = response.context["action_form"]  # None when no action is offered at all
    return [name for name, _label in action_form.fields["action"].choices] if action_form else []


def run(client, row: AdminAction, target: Model):
    return client.post(
        row.changelist, {"action": row.name, "_selected_action": [target.pk], **row.data}
    )


# --- admin actions ------------------------------------------------------------------------------


@pytest.mark.parametrize("row", ACTIONS, ids=str)
def test_staff_without_permission_cannot_open_the_list_nor_run_the_action(client, row):
    target = row.target()
    client.force_login(agent())
    assert client.get(row.changelist).status_code == 403
    response = run(client, row, target)
    assert response.status_code == 403
    assert not row.ran(target, response)


@pytest.mark.parametrize("row", ACTIONS, ids=str)
def test_staff_with_only_the_view_permission_is_not_offered_the_action(client, row):
    target = row.target()
    client.force_login(agent(row.view_permission))
    assert row.name not in offered(client, row)
    response = run(client, row, target)  # forged: the action is not on the page
    assert not row.ran(target, response)


@pytest.mark.parametrize("row", ACTIONS, ids=str)
def test_staff_given_the_permission_runs_the_action(client, row):
    target = row.target()
    client.force_login(agent(row.view_permission, row.permission))
    assert row.name in offered(client, row)
    response = run(client, row, target)
    assert row.ran(target, response)


# --- pages added to the back-office ------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_staff_without_the_permission_is_refused_the_page(client, page):
    url = page.url()
    client.force_login(agent())
    assert page.open(client, url).status_code == 403
    if page.near_permission:
        client.force_login(agent(page.near_permission))
        assert page.open(client, url).status_code == 403


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_staff_given_the_permission_is_served_the_page(client, page):
    url = page.url()
    client.force_login(agent(page.permission))
    assert page.served(page.open(client, url))


# --- the tables cover everything ---------------------------------------------------------------


def test_every_admin_action_needs_a_named_permission_listed_here():
    listed = {(row.model, row.name) for row in ACTIONS}
    for model, model_admin in admin.site._registry.items():
        names = [*(model_admin.actions or []), *(name for name, _f in admin.site.actions)]
        for location in admin.ActionLocation:
            for name in names:
                action = model_admin.get_action(name, location)
                if action is None:
                    continue
                permissions = getattr(action.func, "allowed_permissions", None)
                assert permissions, f"{model._meta.label}.{name} runs without a permission"
                for permission in permissions:
                    assert hasattr(model_admin, f"has_{permission}_permission")
                if action.func is not delete_selected:  # Django's, needs the delete permission
                    assert (model, name) in listed, f"{model._meta.label}.{name} not in ACTIONS"


def custom_url_names(patterns, standard: set[str]) -> set[str]:
    return {
        pattern.name
        for pattern in patterns
        if isinstance(pattern, URLPattern) and pattern.name and pattern.name not in standard
    }


def test_every_back_office_page_is_listed_here():
    # A site without models has no "app_list" page; ours has one, Django's own.
    standard = {pattern.name for pattern in admin.AdminSite().get_urls()} | {"app_list"}
    site_pages = custom_url_names(admin.site.get_urls(), standard)
    model_pages = set()
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        standard = {
            f"{info}_{view}"
            for view in ("changelist", "add", "history", "delete", "change", "simple_history")
        }
        standard.add("auth_user_password_change")  # Django's, needs the change permission
        model_pages |= custom_url_names(model_admin.get_urls(), standard)
    assert site_pages | model_pages == {page.url_name for page in PAGES} | OPEN_PAGES | CLOSED_PAGES


def test_every_export_is_listed_here_with_the_permission_it_checks():
    listed = {page.kwargs["name"]: page.permission for page in PAGES if page.kwargs}
    assert listed == {name: entry[3] for name, entry in EXPORTS.items()}


@pytest.mark.parametrize("url_name", sorted(CLOSED_PAGES))
def test_no_one_reads_a_devices_secret_back(client, url_name):
    client.force_login(StaffFactory())  # a superuser
    assert client.get(reverse(f"admin:{url_name}", args=totp_device())).status_code == 403


def test_the_device_page_shows_no_secret_to_a_superuser(client):
    device = TOTPDevice.objects.create(user=StaffFactory(), name="Téléphone", confirmed=True)
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert device.key not in content
    assert reverse("admin:otp_totp_totpdevice_config", args=[device.pk]) not in content
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist")).content.decode()
    assert "/config/" not in listing


def test_every_permission_named_here_exists():
    named = {row.permission for row in ACTIONS} | {page.permission for page in PAGES}
    for name in named:
        app_label, codename = name.split(".")
        assert Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).exists(), name


def test_no_portal_rule_bears_the_name_of_a_django_permission():
    # The rules backend answers has_perm() before Django's: a rule "app.view_model" that lets
    # staff through would give every staff account that back-office permission.
    for model in apps.get_models():
        opts = model._meta
        codenames = [f"{action}_{opts.model_name}" for action in opts.default_permissions]
        codenames += [codename for codename, _name in opts.permissions]
        for codename in codenames:
            assert not rules.perm_exists(f"{opts.app_label}.{codename}"), codename


# --- the attacks of the review, and the workflow buttons of the change forms ------------------


def test_staff_with_only_view_user_cannot_erase_a_superuser(client):
    superuser = StaffFactory()
    client.force_login(agent("partners.view_user"))
    client.post(
        "/admin/partners/user/",
        {"action": "erase_personal_data", "_selected_action": [superuser.pk], "confirm": "yes"},
    )
    superuser.refresh_from_db()
    assert superuser.is_active and superuser.is_superuser
    assert not superuser.email.endswith(ERASED_DOMAIN)


def test_staff_allowed_to_erase_still_cannot_erase_a_superuser(client):
    superuser, member = StaffFactory(), MembershipFactory().user
    client.force_login(agent("partners.view_user", "partners.rgpd_erase"))
    response = client.post(
        "/admin/partners/user/",
        {
            "action": "erase_personal_data",
            "_selected_action": [superuser.pk, member.pk],
            "confirm": "yes",
        },
        follow=True,
    )
    assert "seul un superutilisateur peut effacer ce compte" in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.is_active and not superuser.email.endswith(ERASED_DOMAIN)
    assert fresh(member).email.endswith(ERASED_DOMAIN)


def test_staff_with_only_view_action_cannot_publish_an_action(client):
    action = ActionFactory(status=Action.Status.SUBMITTED)
    client.force_login(agent("partners.view_action"))
    client.post(
        "/admin/partners/action/", {"action": "publish_selected", "_selected_action": [action.pk]}
    )
    assert fresh(action).status == Action.Status.SUBMITTED


@pytest.mark.parametrize("name", ["contacts", "membres-groupes", "presences"])
def test_staff_without_permission_cannot_download_the_members_exports(client, name):
    AttendanceFactory(partner=MembershipFactory().partner)
    client.force_login(agent())
    response = client.get(f"/admin/exports/{name}.csv")
    assert response.status_code == 403
    assert not response["Content-Type"].startswith("text/csv")


def test_exports_page_lists_only_the_exports_its_reader_may_download(client):
    client.force_login(agent("partners.export_contacts"))
    page = client.get("/admin/exports/").content.decode()
    assert 'href="/admin/exports/contacts.csv"' in page
    for name in ("partenaires", "presences", "membres-groupes"):
        assert f'href="/admin/exports/{name}.csv"' not in page


def test_staff_without_export_permission_see_no_export_offered(client):
    client.force_login(agent())
    assert 'href="/admin/exports/' not in client.get("/admin/exports/").content.decode()
    assert 'href="/admin/exports/"' not in client.get("/admin/").content.decode()


def test_the_decision_page_needs_the_moderate_permission(client):
    action = ActionFactory(status=Action.Status.SUBMITTED)
    url = reverse("admin:partners_action_decide", args=[action.pk])
    client.force_login(agent("partners.change_action", "partners.view_action"))
    assert url not in client.get(f"/admin/partners/action/{action.pk}/change/").content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "publish"}).status_code == 403
    assert fresh(action).status == Action.Status.SUBMITTED

    client.force_login(agent("partners.change_action", "partners.moderate_action"))
    assert url in client.get(f"/admin/partners/action/{action.pk}/change/").content.decode()


def test_routing_a_need_report_needs_the_triage_permission(client):
    report = NeedReportFactory()
    group = WorkingGroupFactory()
    url = f"/admin/utopia/needreport/{report.pk}/change/"
    client.force_login(agent("utopia.change_needreport"))
    assert "route_group" not in client.get(url).content.decode()
    response = client.post(url, {"staff_note": "Vu.", "route_group": group.pk})
    assert response.status_code == 403
    unchanged = fresh(report)
    assert unchanged.status == NeedReport.Status.NEW
    assert unchanged.staff_note == ""

    client.force_login(agent("utopia.change_needreport", "utopia.triage_need_report"))
    assert "route_group" in client.get(url).content.decode()


def test_attendance_cannot_be_recorded_without_the_permission(client):
    plenary = PlenaryFactory()
    partner = PartnerFactory()
    client.force_login(agent("plenaries.view_plenary", "plenaries.change_plenary"))
    response = client.post(
        reverse("admin:plenaries_plenary_attendance", args=[plenary.pk]),
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-0-partner": partner.pk,
            "form-0-status": Attendance.Status.PRESENT,
        },
    )
    assert response.status_code == 403
    assert not Attendance.objects.filter(plenary=plenary).exists()


def test_staff_with_no_permission_cannot_see_the_plenaries(client):
    # "plenaries.view_plenary" once named a portal rule that let every staff account in.
    client.force_login(agent())
    assert client.get("/admin/plenaries/plenary/").status_code == 403
