"""A pilot's mandate ends: its length is chosen when the election is opened (or the designation
recorded), the pilot lapses on that date unless re-elected, and the pilot and the CCAS are told
60 days before."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import ElectionFactory
from utopia import dashboard
from workgroups import services
from workgroups.models import PilotTerm
from workgroups.models.election import term_end

pytestmark = pytest.mark.django_db


def test_term_end_counts_whole_years_and_moves_29_february_to_the_28th():
    assert term_end(datetime.date(2026, 3, 1), 2) == datetime.date(2028, 3, 1)
    assert term_end(datetime.date(2028, 2, 29), 1) == datetime.date(2029, 2, 28)


def test_the_duration_chosen_at_the_opening_sets_the_elected_pilots_end_date(
    client, group, seat, member, partner, pilot, pilot_partner
):
    client.force_login(pilot)
    now = timezone.localtime()
    response = client.post(
        f"/groupes/{group.slug}/espace/pilote/election/",
        {
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "term_starts_on": (now + datetime.timedelta(days=8)).date().isoformat(),
            "tie_rule": "seniority",
            "term_years": "3",
        },
    )
    assert response.status_code == 302
    election = group.elections.get()
    assert election.term_years == 3
    candidate = services.candidacy_submit(election=election, by=member, partner=partner)
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    services.ballot_cast(election=election, partner=pilot_partner, by=pilot, candidate=candidate)
    services.election_close(election=election, by=pilot)
    term = PilotTerm.objects.get(election=election)
    assert term.ended_on == term_end(election.term_starts_on, 3)


def test_an_impossible_duration_is_refused(client, group, seat, pilot):
    client.force_login(pilot)
    now = timezone.localtime()
    response = client.post(
        f"/groupes/{group.slug}/espace/pilote/election/",
        {
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "term_starts_on": (now + datetime.timedelta(days=8)).date().isoformat(),
            "tie_rule": "seniority",
            "term_years": "40",
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not group.elections.exists()


def test_the_pilot_records_a_successor_designated_at_a_meeting(
    client, group, seat, member, partner, pilot
):
    client.force_login(pilot)
    today = timezone.localdate()
    response = client.post(
        f"/groupes/{group.slug}/espace/pilote/designation/",
        {
            "representative": f"{member.pk}-{partner.pk}",
            "started_on": today.isoformat(),
            "minutes_reference": "Relevé de la réunion du 3 mars, point 2",
            "term_years": "1",
        },
    )
    assert response.status_code == 302
    term = PilotTerm.objects.current().get(group=group)
    assert term.user == member and term.recorded_by == pilot
    assert term.ended_on == term_end(today, 1)
    assert term.history.latest().history_user == pilot
    # The former pilot's mandate ended the day the successor began.
    assert PilotTerm.objects.get(user=pilot).ended_on == today


def test_a_plain_member_cannot_record_a_designation(group, seat, member, partner, pilot):
    with pytest.raises(Exception, match="Seuls le pilote du groupe et le CCAS"):
        services.pilot_designate(
            group=group,
            user=member,
            partner=partner,
            started_on=timezone.localdate(),
            minutes_reference="Réunion du 3 mars",
            by=member,
        )


def test_the_pilot_lapses_on_the_end_date_unless_re_elected(
    client, group, seat, member, partner, staff
):
    today = timezone.localdate()
    term = services.pilot_designate(
        group=group,
        user=member,
        partner=partner,
        started_on=today - datetime.timedelta(days=365),
        minutes_reference="Réunion de lancement",
        term_years=1,
        by=staff,
    )
    assert term.ended_on == today
    assert not PilotTerm.objects.current(today).filter(group=group).exists()
    assert PilotTerm.objects.current(today - datetime.timedelta(days=1)).get(group=group) == term
    page = client.get(f"/groupes/{group.slug}/").content.decode()
    assert "pas encore de pilote" in page


def test_the_group_page_says_until_when_the_pilot_serves(client, group, seat, pilot):
    term = PilotTerm.objects.get(user=pilot)
    term.ended_on = datetime.date(2031, 5, 4)
    term.save()
    page = client.get(f"/groupes/{group.slug}/").content.decode()
    assert "Mandat jusqu’au 4 mai 2031" in page or "Mandat jusqu'au 4 mai 2031" in page


# --- Reminders, 60 days before ----------------------------------------------------------------


def ending_in(days, pilot):
    term = PilotTerm.objects.get(user=pilot)
    term.ended_on = timezone.localdate() + datetime.timedelta(days=days)
    term.save()
    return term


def test_the_pilot_is_reminded_once_60_days_before_the_end(
    group, seat, pilot, mailoutbox, django_capture_on_commit_callbacks
):
    ending_in(61, pilot)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_pilot_terms", stdout=io.StringIO())
    assert mailoutbox == []
    term = ending_in(60, pilot)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_pilot_terms", stdout=io.StringIO())
    [message] = mailoutbox
    assert message.to == [pilot.email]
    assert "« Accès au logement »" in message.subject
    assert "prend fin le" in message.body
    assert f"/groupes/{group.slug}/espace/pilote/" in message.body
    term.refresh_from_db()
    assert term.end_reminder_sent_on == timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind_pilot_terms", stdout=io.StringIO())
    assert len(mailoutbox) == 1


def test_the_staff_dashboard_lists_mandates_ending_within_60_days(group, seat, pilot):
    ending_in(30, pilot)
    [line] = [line for line in dashboard.lines() if line.key == "pilot_term_ending"]
    assert "« Accès au logement »" in line.text and "prend fin le" in line.text
    assert line.url == f"/admin/workgroups/workinggroup/{group.pk}/change/"


def test_no_reminder_once_a_successor_is_elected(
    group, seat, member, partner, pilot, pilot_partner, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    ending_in(90, pilot)
    election = ElectionFactory(
        group=group, term_starts_on=timezone.localdate() + datetime.timedelta(days=20)
    )
    candidate = services.candidacy_submit(election=election, by=pilot, partner=pilot_partner)
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    services.ballot_cast(election=election, partner=pilot_partner, by=pilot, candidate=candidate)
    services.election_close(election=election, by=pilot)
    # Re-elected: the first mandate now ends in 20 days, when the second begins.
    assert PilotTerm.objects.filter(group=group).count() == 2
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.pilot_term_end_reminders() == 0
    assert mailoutbox == []
    assert "pilot_term_ending" not in [line.key for line in dashboard.lines()]
