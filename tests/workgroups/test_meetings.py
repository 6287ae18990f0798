"""Group meetings: the invitations sent to the group's partners (their .ics parsed back from the
message as it goes out), moving and cancelling, and each member's private, revocable calendar
address."""

import datetime

import icalendar
import pytest
from django.utils import timezone

from partners import ical
from tests.factories import MeetingFactory
from workgroups import services
from workgroups.models import CalendarFeed, Meeting

pytestmark = pytest.mark.django_db

# UIDs are on the host of SITE_URL, whatever host a request came in on.
HOST = ical.site_host()


def space(group, path):
    return f"/groupes/{group.slug}/espace/{path}"


def ics_of(message) -> icalendar.Calendar:
    [part] = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_content_disposition() == "attachment"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert part.get_param("method") == calendar["METHOD"]
    return calendar


def event_of(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def by_recipient(mailoutbox):
    return {message.to[0]: message for message in mailoutbox}


def schedule(client, group, starts_at, place="CCAS, salle du conseil"):
    return client.post(
        space(group, "reunions/nouvelle/"),
        {"starts_at": starts_at.strftime("%Y-%m-%dT%H:%M"), "place": place, "agenda": "Tour"},
    )


def test_scheduling_a_meeting_invites_every_partner_of_the_group_with_an_ics(
    client, group, seat, member, pilot, expert, other_member, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client.force_login(pilot)
    starts_at = timezone.localtime() + datetime.timedelta(days=9)
    with django_capture_on_commit_callbacks(execute=True):
        response = schedule(client, group, starts_at)
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    messages = by_recipient(mailoutbox)
    # Members and experts of the group; never a partner outside it.
    assert sorted(messages) == ["expert@exemple.fr", "membre@exemple.fr", "pilote@exemple.fr"]
    message = messages["membre@exemple.fr"]
    assert "« Accès au logement »" in message.subject
    assert "&#x27;" not in message.subject and "&quot;" not in message.body
    calendar = ics_of(message)
    assert calendar["METHOD"] == "REQUEST"
    event = event_of(calendar)
    assert event["UID"] == f"meeting-{meeting.pk}@{HOST}"
    assert event["SEQUENCE"] == 0
    assert str(event["ATTENDEE"]) == "mailto:membre@exemple.fr"
    assert event.decoded("DTSTART") == starts_at.replace(second=0, microsecond=0)
    assert "CCAS, salle du conseil" in str(event["LOCATION"])


def test_a_correspondent_without_an_account_is_invited_and_nobody_twice(
    client, group, seat, partner, member, pilot, pilot_partner, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    partner.correspondent_email = "correspondante@emergence.fr"
    partner.save()
    pilot_partner.correspondent_email = member.email  # already invited as Emergence's member
    pilot_partner.save()
    client.force_login(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        schedule(client, group, timezone.localtime() + datetime.timedelta(days=9))
    recipients = sorted(message.to[0] for message in mailoutbox)
    assert recipients == ["correspondante@emergence.fr", "membre@exemple.fr", "pilote@exemple.fr"]
    event = event_of(ics_of(by_recipient(mailoutbox)["correspondante@emergence.fr"]))
    assert str(event["ATTENDEE"]) == "mailto:correspondante@emergence.fr"


def test_moving_a_meeting_sends_a_newer_revision_of_the_same_invitation(
    client, group, seat, member, pilot, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(group=group)
    client.force_login(pilot)
    new_start = timezone.localtime(meeting.starts_at) + datetime.timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            space(group, f"reunions/{meeting.pk}/modifier/"),
            {
                "starts_at": new_start.strftime("%Y-%m-%dT%H:%M"),
                "place": meeting.place,
                "agenda": meeting.agenda,
            },
        )
    assert response.status_code == 302
    message = by_recipient(mailoutbox)["membre@exemple.fr"]
    assert message.subject.startswith("Modification")
    event = event_of(ics_of(message))
    assert event["UID"] == f"meeting-{meeting.pk}@{HOST}"
    assert event["SEQUENCE"] == 1
    meeting.refresh_from_db()
    assert meeting.sequence == 1


def test_notes_alone_send_nothing(client, group, seat, pilot, mailoutbox,
                                  django_capture_on_commit_callbacks):  # fmt: skip
    # As entered in the form: to the minute.
    starts_at = (timezone.now() + datetime.timedelta(days=5)).replace(second=0, microsecond=0)
    meeting = MeetingFactory(group=group, starts_at=starts_at)
    client.force_login(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            space(group, f"reunions/{meeting.pk}/modifier/"),
            {
                "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
                "place": meeting.place,
                "agenda": meeting.agenda,
                "notes": "Relevé de décisions",
            },
        )
    assert mailoutbox == []
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.notes == "Relevé de décisions"


def test_a_meeting_recorded_afterwards_invites_nobody(
    group, seat, pilot, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_save(
            meeting=Meeting(
                group=group, starts_at=timezone.now() - datetime.timedelta(days=3), place="CCAS"
            ),
            by=pilot,
        )
    assert mailoutbox == []


def test_cancelling_sends_a_cancel_with_a_higher_sequence_and_freezes_the_meeting(
    client, group, seat, member, pilot, mailoutbox, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(group=group)
    client.force_login(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(space(group, f"reunions/{meeting.pk}/annuler/"))
    assert response.status_code == 302
    message = by_recipient(mailoutbox)["membre@exemple.fr"]
    assert message.subject.startswith("Annulée")
    calendar = ics_of(message)
    assert calendar["METHOD"] == "CANCEL"
    event = event_of(calendar)
    assert event["UID"] == f"meeting-{meeting.pk}@{HOST}"
    assert event["SEQUENCE"] == 1 and event["STATUS"] == "CANCELLED"
    meeting.refresh_from_db()
    assert meeting.is_cancelled
    page = client.get(space(group, f"reunions/{meeting.pk}/")).content.decode()
    assert "Cette réunion a été annulée" in page
    # Cancelled twice, or moved afterwards: refused, nothing sent.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(space(group, f"reunions/{meeting.pk}/annuler/"), follow=True)
    assert "Cette réunion est déjà annulée." in response.content.decode()
    assert client.get(space(group, f"reunions/{meeting.pk}/modifier/")).status_code == 404
    assert mailoutbox == []


def test_a_plain_member_cannot_cancel_a_meeting(client, group, seat, member, pilot):
    meeting = MeetingFactory(group=group)
    client.force_login(member)
    assert client.post(space(group, f"reunions/{meeting.pk}/annuler/")).status_code == 404
    meeting.refresh_from_db()
    assert not meeting.is_cancelled


def test_a_past_meeting_cannot_be_cancelled(group, seat, pilot):
    meeting = MeetingFactory(group=group, starts_at=timezone.now() - datetime.timedelta(hours=3))
    with pytest.raises(Exception, match="ne peut plus être annulée"):
        services.meeting_cancel(meeting=meeting, by=pilot)


# --- The private calendar address -----------------------------------------------------------


def test_a_member_gets_a_private_feed_of_the_groups_meetings(client, group, seat, member):
    upcoming = MeetingFactory(group=group)
    cancelled = MeetingFactory(group=group, cancelled_at=timezone.now(), sequence=1)
    MeetingFactory()  # another group's
    client.force_login(member)
    page = client.get(space(group, "reunions/agenda/"))
    assert page.status_code == 200
    assert "pas encore d'adresse" in page.content.decode()
    client.post(space(group, "reunions/agenda/"))
    feed = CalendarFeed.objects.get(group=group, user=member)
    assert feed.token in client.get(space(group, "reunions/agenda/")).content.decode()
    client.logout()
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        f"meeting-{upcoming.pk}@{HOST}",
        f"meeting-{cancelled.pk}@{HOST}",
    }
    assert events[f"meeting-{cancelled.pk}@{HOST}"]["STATUS"] == "CANCELLED"
    assert "ATTENDEE" not in events[f"meeting-{upcoming.pk}@{HOST}"]


def test_revoking_the_address_replaces_it_and_the_old_one_stops(client, group, seat, member):
    client.force_login(member)
    client.post(space(group, "reunions/agenda/"))
    old = CalendarFeed.objects.get().get_absolute_url()
    response = client.post(space(group, "reunions/agenda/"), follow=True)
    assert "ancienne adresse ne fonctionne plus" in response.content.decode()
    new = CalendarFeed.objects.get().get_absolute_url()
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_address_stops_when_the_partner_leaves_the_group(client, group, seat, member, staff):
    feed = services.calendar_feed_renew(group=group, by=member)
    assert client.get(feed.get_absolute_url()).status_code == 200
    services.membership_leave(seat=seat, by=staff)
    assert client.get(feed.get_absolute_url()).status_code == 404


def test_a_token_works_only_for_its_own_group(client, group, seat, member):
    feed = services.calendar_feed_renew(group=group, by=member)
    other = MeetingFactory().group
    assert client.get(f"/groupes/{other.slug}/agenda/{feed.token}.ics").status_code == 404
    assert client.get(f"/groupes/{group.slug}/agenda/devine.ics").status_code == 404


def test_staff_reading_the_space_get_no_private_feed(client, group, seat, staff):
    client.force_login(staff)
    assert client.get(space(group, "reunions/agenda/")).status_code == 404
