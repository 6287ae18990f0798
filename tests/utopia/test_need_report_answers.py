"""A need reported by the public gets an answer: routing to a group, a theme or a partner tells
those who will act on it; the reporter (if they left an address and agreed) hears of the
routing and receives the CCAS's answer when the report is closed, in plain words; their
contact details are erased then, and at the latest after the retention period."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partners.models import Partner
from tests.factories import (
    GroupMembershipFactory,
    MembershipFactory,
    NeedReportFactory,
    PartnerFactory,
    PilotTermFactory,
    RepresentativeFactory,
    ThemeFactory,
    UserFactory,
    WorkingGroupFactory,
)
from utopia import needs
from utopia.models import NeedReport

pytestmark = pytest.mark.django_db

REPORTER = "habitante@exemple.fr"


def reporter_report(**fields):
    return NeedReportFactory(
        contact_name="Camille Habitante",
        contact_email=REPORTER,
        contact_phone="03 82 00 00 00",
        contact_consent=True,
        **fields,
    )


def to(mailoutbox, address):
    return [message for message in mailoutbox if message.to == [address]]


@pytest.fixture
def group_with_people(db):
    """A group with a pilot and a member partner's member."""
    group = WorkingGroupFactory(name="Accès aux droits", slug="acces-aux-droits")
    seat = GroupMembershipFactory(group=group)
    member = MembershipFactory(partner=seat.partner, user=UserFactory(email="membre@groupe.fr"))
    RepresentativeFactory(seat=seat, membership=member)
    pilot = UserFactory(email="pilote@groupe.fr")
    pilot_seat = GroupMembershipFactory(group=group)
    RepresentativeFactory(
        seat=pilot_seat, membership=MembershipFactory(partner=pilot_seat.partner, user=pilot)
    )
    PilotTermFactory(group=group, user=pilot, partner=pilot_seat.partner)
    return group


def test_routing_to_a_group_tells_its_pilot_and_partners_and_the_reporter(
    staff, group_with_people, mailoutbox, django_capture_on_commit_callbacks
):
    report = reporter_report()
    seat = group_with_people.memberships.get(partner__memberships__user__email="membre@groupe.fr")
    seat.partner.correspondent_email = "correspondant@groupe.fr"  # without an account
    seat.partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        needs.need_report_route(report=report, group=group_with_people, by=staff)
    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == [
        "correspondant@groupe.fr",
        "habitante@exemple.fr",
        "membre@groupe.fr",
        "pilote@groupe.fr",
    ]
    [to_pilot] = to(mailoutbox, "pilote@groupe.fr")
    assert "« Accès aux droits »" in to_pilot.subject
    assert report.description in to_pilot.body
    assert "/groupes/acces-aux-droits/espace/besoins/" in to_pilot.body
    # The group never sees who reported it.
    assert REPORTER not in to_pilot.body and "Camille" not in to_pilot.body
    [to_reporter] = to(mailoutbox, REPORTER)
    assert to_reporter.subject == "Votre signalement a été transmis"
    # Plain French: no group, theme, partner or agent named, no portal jargon.
    for internal in ("Accès aux droits", staff.email, "groupe de travail", "UTOPIA", "orienté"):
        assert internal not in to_reporter.body


def test_a_reporter_who_left_no_address_or_no_consent_is_not_written_to(
    staff, group_with_people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        needs.need_report_route(report=NeedReportFactory(), group=group_with_people, by=staff)
        needs.need_report_route(
            report=NeedReportFactory(contact_phone="0600000000", contact_consent=True),
            group=group_with_people,
            by=staff,
        )
    assert to(mailoutbox, REPORTER) == []
    assert {message.to[0] for message in mailoutbox} == {"membre@groupe.fr", "pilote@groupe.fr"}


def test_routing_to_a_partner_tells_its_managers(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Restos du cœur")
    MembershipFactory(partner=partner, user=UserFactory(email="benevole@restos.fr"))
    MembershipFactory(partner=partner, user=UserFactory(email="resp@restos.fr"), role="manager")
    report = reporter_report()
    with django_capture_on_commit_callbacks(execute=True):
        routed = needs.need_report_route(report=report, partner=partner, by=staff)
    assert routed.routed_partner == partner and routed.need is None
    assert routed.status == NeedReport.Status.ROUTED
    [to_manager] = to(mailoutbox, "resp@restos.fr")
    assert "Restos du cœur" in to_manager.subject and report.description in to_manager.body
    assert to(mailoutbox, "benevole@restos.fr") == []
    assert len(to(mailoutbox, REPORTER)) == 1


def test_routing_to_a_partner_tells_its_correspondent_once_even_without_an_account(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    partner = PartnerFactory(name="Restos du cœur", correspondent_email="antenne@restos.fr")
    MembershipFactory(partner=partner, user=UserFactory(email="resp@restos.fr"), role="manager")
    with django_capture_on_commit_callbacks(execute=True):
        needs.need_report_route(report=NeedReportFactory(), partner=partner, by=staff)
    assert sorted(message.to[0] for message in mailoutbox) == [
        "antenne@restos.fr",
        "resp@restos.fr",
    ]
    mailoutbox.clear()
    partner.correspondent_email = "resp@restos.fr"  # the manager is the correspondent too
    partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        needs.need_report_route(report=NeedReportFactory(), partner=partner, by=staff)
    assert [message.to for message in mailoutbox] == [["resp@restos.fr"]]


def test_a_partner_without_a_manager_is_told_through_its_members(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    partner = PartnerFactory()
    MembershipFactory(partner=partner, user=UserFactory(email="seule@asso.fr"))
    with django_capture_on_commit_callbacks(execute=True):
        needs.need_report_route(report=NeedReportFactory(), partner=partner, by=staff)
    assert [message.to for message in mailoutbox] == [["seule@asso.fr"]]


def test_an_inactive_partner_is_refused(staff):
    partner = PartnerFactory(is_active=False)
    report = NeedReportFactory()
    with pytest.raises(ValidationError, match="plus actif"):
        needs.need_report_route(report=report, partner=partner, by=staff)
    report.refresh_from_db()
    assert report.status == NeedReport.Status.NEW


def test_routing_to_a_theme_shows_in_its_groups_spaces_and_tells_them(
    client, staff, group_with_people, mailoutbox, django_capture_on_commit_callbacks
):
    theme = group_with_people.theme
    elsewhere = WorkingGroupFactory(theme=ThemeFactory())
    report = reporter_report(description="Aucune laverie solidaire à la Côte des Roses.")
    with django_capture_on_commit_callbacks(execute=True):
        needs.need_report_route(report=report, theme=theme, by=staff)
    [to_pilot] = to(mailoutbox, "pilote@groupe.fr")
    assert theme.name in to_pilot.body
    member = Partner.objects.get(memberships__user__email="membre@groupe.fr").memberships.get()
    client.force_login(member.user)
    page = client.get("/groupes/acces-aux-droits/espace/besoins/").content.decode()
    assert "Aucune laverie solidaire" in page
    assert REPORTER not in page and "Camille" not in page and "03 82" not in page
    client.force_login(staff)
    other = client.get(f"/groupes/{elsewhere.slug}/espace/besoins/").content.decode()
    assert "Aucune laverie solidaire" not in other


# --- Closing with an answer --------------------------------------------------------------------


def test_closing_sends_the_answer_and_erases_the_contact(
    staff, group_with_people, mailoutbox, django_capture_on_commit_callbacks
):
    report = reporter_report()
    needs.need_report_route(report=report, group=group_with_people, by=staff)
    mailoutbox.clear()
    answer = "Une permanence d'accès aux droits ouvre le mardi soir au centre social."
    with django_capture_on_commit_callbacks(execute=True):
        closed = needs.need_report_close(report=report, answer=f"  {answer}  ", by=staff)
    [message] = mailoutbox
    assert message.to == [REPORTER]
    assert message.subject == "La réponse du CCAS à votre signalement"
    assert answer in message.body and "&#x27;" not in message.body
    assert closed.status == NeedReport.Status.CLOSED and closed.answer == answer
    assert closed.closed_by == staff and closed.closed_at is not None
    report.refresh_from_db()
    assert (report.contact_name, report.contact_email, report.contact_phone) == ("", "", "")
    assert not report.contact_consent and report.contact_erased_at is not None
    # Still where it had been routed; the history never copied the contact details.
    assert report.routed_group == group_with_people
    assert all(not hasattr(row, "contact_email") for row in report.history.all())


def test_closing_needs_an_answer_and_happens_once(staff, mailoutbox):
    report = reporter_report()
    with pytest.raises(ValidationError) as caught:
        needs.need_report_close(report=report, answer="   ", by=staff)
    assert "Écrivez la réponse du CCAS" in str(caught.value)
    report.refresh_from_db()
    assert report.status == NeedReport.Status.NEW and report.contact_email == REPORTER
    needs.need_report_close(report=report, answer="Réponse", by=staff)
    with pytest.raises(ValidationError, match="déjà clos"):
        needs.need_report_close(report=report, answer="Encore", by=staff)
    dismissed = NeedReportFactory()
    needs.need_report_dismiss(report=dismissed, by=staff)
    with pytest.raises(ValidationError, match="écarté"):
        needs.need_report_close(report=dismissed, answer="Réponse", by=staff)


def test_the_database_refuses_a_closed_report_without_answer():
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedReport.objects.create(
            description="x", status=NeedReport.Status.CLOSED, handled_at=timezone.now()
        )


def test_the_back_office_closes_a_report_with_a_required_answer(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    report = reporter_report()
    client.force_login(staff)
    change = client.get(f"/admin/utopia/needreport/{report.pk}/change/").content.decode()
    url = f"/admin/utopia/needreport/{report.pk}/clore/"
    assert url in change
    page = client.get(url)
    assert page.status_code == 200 and "elle recevra votre réponse" in page.content.decode()
    response = client.post(url, {"answer": ""})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    report.refresh_from_db()
    assert report.status == NeedReport.Status.NEW
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer": "Le CCAS vous rappelle cette semaine."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == NeedReport.Status.CLOSED
    assert [message.to for message in mailoutbox] == [[REPORTER]]


def test_an_agent_without_the_triage_permission_cannot_close(client, agent_with):
    report = reporter_report()
    client.force_login(agent_with("utopia.view_needreport"))
    response = client.post(f"/admin/utopia/needreport/{report.pk}/clore/", {"answer": "Non"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == NeedReport.Status.NEW


def test_the_back_office_routes_a_report_to_a_partner(client, staff):
    partner = PartnerFactory(name="Secours populaire")
    report = NeedReportFactory()
    client.force_login(staff)
    url = f"/admin/utopia/needreport/{report.pk}/change/"
    assert 'name="route_partner"' in client.get(url).content.decode()
    response = client.post(url, {"staff_note": "", "route_partner": partner.pk})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.routed_partner == partner


# --- Retention ---------------------------------------------------------------------------------


def test_contact_of_a_routed_report_is_kept_at_most_the_retention_period(staff, settings):
    settings.UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS = 30
    report = reporter_report()
    needs.need_report_route(report=report, theme=ThemeFactory(), by=staff)
    assert needs.need_report_contacts_purge(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert needs.need_report_contacts_purge(now=timezone.now() + datetime.timedelta(days=31)) == 1
    report.refresh_from_db()
    assert report.contact_email == "" and report.status == NeedReport.Status.ROUTED
