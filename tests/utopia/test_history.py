"""Audit trail (django-simple-history): every change by staff or members is kept with who and
when, staff read it in the admin, and it never undoes a secret ballot or an erasure."""

import ast
import datetime
import inspect
import io
import textwrap

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands, load_command_class
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from simple_history.middleware import HistoryRequestMiddleware

import partners.services
import plenaries.services
import utopia.digest
import utopia.needs
import utopia.rgpd
import utopia.two_factor
import workgroups.services
from partners.history import CommandWithoutUser
from partners.models import Action, Invitation, Partner, Signature
from plenaries.models import Attendance, Convocation, Plenary
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    ElectionFactory,
    GroupMembershipFactory,
    InvitationFactory,
    MembershipFactory,
    NeedReportFactory,
    PartnerFactory,
    PilotTermFactory,
    PlenaryFactory,
    SignatureFactory,
    WorkingGroupFactory,
)
from tests.partners.test_partner_page import page_data
from utopia.models import NeedReport
from workgroups.models import Election, GroupMembership, Need, PilotTerm, WorkingGroup

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
    assert staff.email in body
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
        "partners.User",
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
        "/admin/partners/user/",
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


# --- One contract: the service's `by` is the author, a command is nobody ------------------------


def latest_row(model, pk):
    return model.history.filter(id=pk).latest()


def test_publishing_an_action_outside_a_request_names_the_staff_member(staff, partner):
    action = ActionFactory(partner=partner, status=Action.Status.SUBMITTED)
    partners.services.action_publish(action=action, by=staff)
    assert latest_row(Action, action.pk).history_user == staff


def test_a_service_names_its_by_and_not_the_user_of_the_request_around_it(staff, member, partner):
    """The history middleware's request user is what the admin's own saves fall back on; a
    service never depends on it."""
    action = ActionFactory(partner=partner, status=Action.Status.SUBMITTED)
    request = RequestFactory().post("/")
    request.user = member

    def view(request):
        partners.services.action_publish(action=action, by=staff)
        return HttpResponse()

    HistoryRequestMiddleware(view)(request)
    assert latest_row(Action, action.pk).history_user == staff


def test_convening_a_plenary_and_recording_attendance_name_the_staff_member(staff, partner):
    coming = PlenaryFactory(
        date=timezone.localdate() + datetime.timedelta(days=20),
        status=Plenary.Status.PREPARATION,
    )
    AgendaItemFactory(plenary=coming, order=1, title="Bilan des groupes de travail")
    convocation = plenaries.services.plenary_convene(plenary=coming, by=staff)
    assert latest_row(Plenary, coming.pk).history_user == staff
    assert latest_row(Convocation, convocation.pk).history_user == staff

    past = PlenaryFactory(date=datetime.date(2024, 3, 14), status=Plenary.Status.CONVENED)
    attendance = plenaries.services.attendance_record(
        plenary=past, partner=partner, status=Attendance.Status.PRESENT, by=staff
    )
    assert latest_row(Attendance, attendance.pk).history_user == staff
    # Recording attendance marked the plenary held, in the staff member's name too.
    held = latest_row(Plenary, past.pk)
    assert held.status == Plenary.Status.HELD
    assert held.history_user == staff


def test_closing_an_election_and_its_group_name_the_staff_member(staff):
    now = timezone.now()
    election = ElectionFactory(
        opens_at=now - datetime.timedelta(days=8), closes_at=now - datetime.timedelta(hours=1)
    )
    workgroups.services.election_close(election=election, by=staff)
    assert latest_row(Election, election.pk).history_user == staff
    workgroups.services.group_close(group=election.group, by=staff)
    assert latest_row(WorkingGroup, election.group_id).history_user == staff


def test_a_partner_leaving_ends_its_pilots_term_in_the_history_with_who_recorded_it(staff):
    group = WorkingGroupFactory()
    partner = PartnerFactory()
    pilot = MembershipFactory(partner=partner).user
    seat = GroupMembershipFactory(group=group, partner=partner)
    term = PilotTermFactory(group=group, user=pilot, partner=partner)

    workgroups.services.membership_leave(seat=seat, by=staff)

    assert latest_row(GroupMembership, seat.pk).history_user == staff
    row = latest_row(PilotTerm, term.pk)
    assert row.ended_on == timezone.localdate()
    assert row.history_user == staff


def test_routing_a_need_report_names_the_staff_member_on_the_report_and_on_the_need(staff):
    group = WorkingGroupFactory()
    report = NeedReportFactory()
    utopia.needs.need_report_route(report=report, by=staff, group=group)
    report.refresh_from_db()
    assert latest_row(NeedReport, report.pk).history_user == staff
    assert latest_row(Need, report.need_id).history_user == staff


def test_hiding_expired_signatory_names_is_recorded_as_the_commands_doing(settings):
    settings.UTOPIA_SIGNATORY_NAME_RETENTION_DAYS = 365
    signature = SignatureFactory(
        mandate_ended_on=timezone.localdate() - datetime.timedelta(days=400)
    )
    call_command("hide_expired_signatory_names", stdout=io.StringIO())
    row = latest_row(Signature, signature.pk)
    assert row.name_hidden_on == timezone.localdate()
    assert row.history_user is None
    assert row.history_change_reason == "commande hide_expired_signatory_names"


def test_purging_need_report_contacts_is_recorded_as_the_commands_doing(settings):
    settings.UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS = 30
    report = NeedReportFactory(
        contact_email="camille@exemple.fr",
        contact_consent=True,
        created_at=timezone.now() - datetime.timedelta(days=40),
    )
    call_command("purge_need_report_contacts", stdout=io.StringIO())
    row = latest_row(NeedReport, report.pk)
    assert row.contact_consent is False
    assert row.contact_erased_at is not None
    assert row.history_user is None
    assert row.history_change_reason == "commande purge_need_report_contacts"


def test_asking_partners_to_confirm_their_page_is_recorded_as_the_commands_doing():
    partner = PartnerFactory(last_confirmed_at=None)
    MembershipFactory(partner=partner)
    call_command("request_partner_confirmations", stdout=io.StringIO())
    row = latest_row(Partner, partner.pk)
    assert row.confirmation_requested_at is not None
    assert row.history_user is None
    assert row.history_change_reason == "commande request_partner_confirmations"


def test_every_management_command_of_the_portal_writes_as_nobody_with_its_name():
    ours = {"partners", "plenaries", "workgroups", "utopia"}
    commands = [(app, name) for name, app in get_commands().items() if app in ours]
    assert len(commands) >= 8
    for app, name in commands:
        assert isinstance(load_command_class(app, name), CommandWithoutUser), name


SERVICE_MODULES = [
    partners.services,
    plenaries.services,
    workgroups.services,
    utopia.needs,
    utopia.rgpd,
    utopia.two_factor,
    utopia.digest,
]


def services_taking_by():
    for module in SERVICE_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            function = inspect.unwrap(function)
            if (
                function.__module__ == module.__name__
                and "by" in inspect.signature(function).parameters
            ):
                yield f"{module.__name__}.{name}", function


def test_every_service_that_takes_by_uses_it():
    """An argument nobody reads is a promise nobody keeps: a service that takes the acting
    person uses it (as the history row's author, at least)."""
    unused = []
    checked = 0
    for name, function in services_taking_by():
        checked += 1
        definition = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
        if not any(
            isinstance(node, ast.Name) and node.id == "by"
            for statement in definition.body
            for node in ast.walk(statement)
        ):
            unused.append(name)
    assert checked >= 40
    assert unused == []
