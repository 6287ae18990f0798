"""The staff dashboard on the back-office's home page: each line appears with its cause,
disappears with it, and links to where it is handled."""

import datetime

import pytest
from django.utils import timezone

from partners.models import Action, Partner
from partners.models.partner import PartnerKind
from plenaries.models import Plenary, Registration
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    NeedReportFactory,
    PartnerFactory,
    PilotTermFactory,
    PlenaryFactory,
    RegistrationFactory,
    WorkingGroupFactory,
)
from utopia import dashboard, needs
from utopia.models import NeedReport
from workgroups.models import ExpertiseRequest, WorkingGroup

pytestmark = pytest.mark.django_db


def keys(today=None):
    return [line.key for line in dashboard.lines(today=today)]


def line(key):
    return next(line for line in dashboard.lines() if line.key == key)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def plenary_this_semester(today):
    """Keeps the cadence and next-plenary lines away for tests about other lines. The cadence
    asks for the next semester's plenary 90 days ahead: one is there, marked held only so
    that it is not "the next plenary" line either."""
    PlenaryFactory(date=today + datetime.timedelta(days=190), status=Plenary.Status.HELD)
    return PlenaryFactory(date=today, status=Plenary.Status.HELD)


def test_submitted_action_line_appears_and_goes_once_decided(plenary_this_semester):
    action = ActionFactory(status=Action.Status.SUBMITTED)
    ActionFactory(status=Action.Status.SUBMITTED)
    assert line("actions_to_moderate").text == "2 actions attendent la modération."
    assert line("actions_to_moderate").url == ("/admin/partners/action/?status__exact=submitted")
    Action.objects.update(status=Action.Status.REJECTED)
    assert "actions_to_moderate" not in keys()
    assert action.pk  # the actions are still there, only the cause has gone


def test_next_plenary_line_shows_the_answers(today, partner, other_partner):
    plenary = PlenaryFactory(date=today, status=Plenary.Status.CONVENED)
    RegistrationFactory(plenary=plenary, partner=partner, answer=Registration.Answer.ATTENDING)
    RegistrationFactory(
        plenary=plenary,
        partner=other_partner,
        answer=Registration.Answer.EXCUSED,
        attendee_count=0,
        attendee_names="",
    )
    PartnerFactory()  # has not answered
    PartnerFactory(kind=PartnerKind.COORDINATOR)  # the CCAS convenes: not among those to answer
    text = line("next_plenary").text
    assert "réponses : 1 présent, 1 excusé, 1 sans réponse sur 3 partenaires" in text
    assert line("next_plenary").url == f"/admin/plenaries/plenary/{plenary.pk}/change/"
    Plenary.objects.filter(pk=plenary.pk).update(status=Plenary.Status.CANCELLED)
    assert "next_plenary" not in keys()


def test_semester_without_plenary_line_goes_when_one_is_planned(today):
    cadence_lines = [line.text for line in dashboard.lines() if line.key == "plenary_cadence"]
    assert any("Aucune plénière n'est prévue ce semestre" in text for text in cadence_lines)
    PlenaryFactory(date=today, status=Plenary.Status.PREPARATION)
    assert not any("ce semestre" in line.text for line in dashboard.lines())


def test_unpublished_minutes_line_after_thirty_days(today, plenary_this_semester):
    held_on = today - datetime.timedelta(days=200)
    held = PlenaryFactory(date=held_on, status=Plenary.Status.HELD)
    assert any("compte rendu" in line.text for line in dashboard.lines())
    Plenary.objects.filter(pk=held.pk).update(minutes_published_on=today)
    assert not any("compte rendu" in line.text for line in dashboard.lines())


def test_unconfirmed_partner_pages_line(plenary_this_semester):
    stale = PartnerFactory(last_confirmed_at=timezone.now() - datetime.timedelta(days=400))
    PartnerFactory()
    assert line("partner_pages_unconfirmed").text.startswith("1 fiche de partenaire")
    assert line("partner_pages_unconfirmed").url.endswith("?confirmation=overdue")
    Partner.objects.filter(pk=stale.pk).update(last_confirmed_at=timezone.now())
    assert "partner_pages_unconfirmed" not in keys()


def test_group_without_pilot_line_goes_once_a_pilot_is_designated(plenary_this_semester):
    group = WorkingGroupFactory(name="Logement d'abord")
    MeetingFactory(group=group)
    assert line("group_without_pilot").text == "Le groupe « Logement d'abord » n'a pas de pilote."
    assert line("group_without_pilot").url == f"/admin/workgroups/workinggroup/{group.pk}/change/"
    PilotTermFactory(group=group)
    assert "group_without_pilot" not in keys()


def test_group_without_meeting_for_six_months(plenary_this_semester):
    group = WorkingGroupFactory(name="Mobilité")
    PilotTermFactory(group=group)
    MeetingFactory(group=group, starts_at=timezone.now() - datetime.timedelta(days=200))
    assert "ne s'est pas réuni depuis six mois" in line("group_without_meeting").text
    MeetingFactory(group=group, starts_at=timezone.now() + datetime.timedelta(days=7))
    assert "group_without_meeting" not in keys()
    WorkingGroup.objects.filter(pk=group.pk).update(
        status=WorkingGroup.Status.CLOSED, closed_on=timezone.localdate()
    )
    MeetingFactory._meta.model.objects.all().delete()
    assert "group_without_meeting" not in keys()  # a closed group is not a worry


def test_many_groups_without_pilot_end_with_a_link_to_the_list(plenary_this_semester):
    for _ in range(dashboard.GROUP_LINES_SHOWN + 2):
        MeetingFactory(group=WorkingGroupFactory())
    group_lines = [line for line in dashboard.lines() if line.key == "group_without_pilot"]
    assert len(group_lines) == dashboard.GROUP_LINES_SHOWN + 1
    assert group_lines[-1].text == "… et 2 autres groupes."


def test_open_expertise_request_line(plenary_this_semester, partner):
    group = WorkingGroupFactory()
    PilotTermFactory(group=group)
    MeetingFactory(group=group)
    request = ExpertiseRequest.objects.create(
        group=group, partner=partner, subject="Droits des locataires", question="Que faire ?"
    )
    assert line("open_expertise_requests").text.startswith("1 demande d'expertise attend")
    request.status = ExpertiseRequest.Status.ANSWERED
    request.save()
    assert "open_expertise_requests" not in keys()


def test_nothing_to_handle_says_so(client, staff, plenary_this_semester):
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert "Rien à traiter pour le moment." in page


def test_admin_home_lists_the_lines_with_their_links(client, staff, plenary_this_semester):
    ActionFactory(status=Action.Status.SUBMITTED)
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert 'data-line="actions_to_moderate"' in page
    assert 'href="/admin/partners/action/?status__exact=submitted"' in page
    # The filter the line links to exists and keeps the overdue pages only.
    assert client.get("/admin/partners/partner/?confirmation=overdue").status_code == 200


def test_dashboard_is_for_staff_only(client, member):
    client.force_login(member)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("rows", [1, 30])
def test_dashboard_queries_do_not_grow_with_the_network(rows, today, django_assert_num_queries):
    plenary = PlenaryFactory(date=today, status=Plenary.Status.CONVENED)
    for _ in range(rows):
        ActionFactory(status=Action.Status.SUBMITTED)
        RegistrationFactory(plenary=plenary)
    PlenaryFactory(date=today - datetime.timedelta(days=200), status=Plenary.Status.HELD)
    for _ in range(rows):
        MeetingFactory(group=WorkingGroupFactory())
        NeedReportFactory()
        PilotTermFactory(ended_on=today + datetime.timedelta(days=20))
    with django_assert_num_queries(10):
        dashboard.lines()


def test_need_reports_line_appears_and_goes_once_triaged(staff, plenary_this_semester):
    assert "need_reports_to_triage" not in [line.key for line in dashboard.lines()]
    first = NeedReportFactory()
    NeedReportFactory()
    line = next(line for line in dashboard.lines() if line.key == "need_reports_to_triage")
    assert line.text == "2 signalements du public à trier."
    assert line.url == "/admin/utopia/needreport/?status__exact=new"
    needs.need_report_dismiss(report=first, by=staff)
    line = next(line for line in dashboard.lines() if line.key == "need_reports_to_triage")
    assert line.text == "1 signalement du public à trier."
    NeedReport.objects.update(status=NeedReport.Status.DISMISSED, handled_at=timezone.now())
    assert "need_reports_to_triage" not in [line.key for line in dashboard.lines()]


def test_need_reports_line_is_on_the_back_office_home(client, staff):
    NeedReportFactory()
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert 'data-line="need_reports_to_triage"' in page
    assert "/admin/utopia/needreport/?status__exact=new" in page
