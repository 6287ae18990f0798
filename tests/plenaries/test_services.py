"""Workflows: convocation (emails and their .ics parsed back), update and cancellation
sequences, registration rules, attendance, minutes, decisions and themes."""

import datetime

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from partners import ical
from plenaries import services
from plenaries.models import Attendance, Convocation, Plenary, Registration, Theme
from tests.factories import (
    AttendanceFactory,
    DecisionFactory,
    MembershipFactory,
    PartnerFactory,
    PlenaryFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def ics_of(message) -> icalendar.Calendar:
    """The calendar attached to a sent message, read from the message as it goes out."""
    [part] = [p for p in message.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_filename().endswith(".ics")
    assert part.get_content_disposition() == "attachment"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    # Outlook shows an invitation with its answer buttons only when the MIME type says so too.
    assert part.get_param("method") == calendar["METHOD"]
    return calendar


def event_of(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def attendee_of(event) -> icalendar.vCalAddress:
    attendee = event["ATTENDEE"]
    assert not isinstance(attendee, list), "one attendee per invitation: the recipient"
    return attendee


def test_convening_emails_every_active_partners_members_with_an_invitation(
    plenary_in_preparation,
    member,
    other_member,
    staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    inactive = PartnerFactory(is_active=False)
    MembershipFactory(partner=inactive, user=UserFactory(email="inactif@exemple.fr"))
    with django_capture_on_commit_callbacks(execute=True):
        convocation = services.plenary_convene(plenary=plenary_in_preparation, by=staff)

    assert sorted(m.to[0] for m in mailoutbox) == ["autre@exemple.fr", "membre@exemple.fr"]
    message = mailoutbox[0]
    assert "Convocation" in message.subject
    assert "Bilan des groupes de travail" in message.body
    assert f"/plenieres/{plenary_in_preparation.slug}/reponse/" in message.body
    calendar = ics_of(message)
    assert calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    event = event_of(calendar)
    plenary = Plenary.objects.get(pk=plenary_in_preparation.pk)
    assert str(event["UID"]) == f"plenary-{plenary.uid}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None
    assert start == plenary.starts_at
    assert start.astimezone(datetime.UTC) == plenary.starts_at.astimezone(datetime.UTC)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert "Salle des fêtes" in str(event["LOCATION"])
    assert str(event["ORGANIZER"]) == "mailto:utopia@ccas-thionville.fr"

    # RFC 5546: a REQUEST names its attendees. Each member gets their own email and their own
    # invitation naming them alone (no one receives another member's address); answers go
    # through the portal, hence RSVP=FALSE. Same event for all: UID, SEQUENCE, DTSTAMP.
    events = {message.to[0]: event_of(ics_of(message)) for message in mailoutbox}
    for address, invitation in events.items():
        attendee = attendee_of(invitation)
        assert str(attendee) == f"mailto:{address}"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "FALSE"
        assert attendee.params["CUTYPE"] == "INDIVIDUAL"
    [to_member] = [m for m in mailoutbox if m.to == ["membre@exemple.fr"]]
    [part] = [p for p in to_member.message().walk() if p.get_content_type() == "text/calendar"]
    raw_to_member = part.get_content()
    assert "mailto:membre@exemple.fr" in raw_to_member.replace("\r\n ", "")  # unfolded lines
    assert "autre@exemple.fr" not in raw_to_member.replace("\r\n ", "")
    assert len({str(e["UID"]) for e in events.values()}) == 1
    assert {e["SEQUENCE"] for e in events.values()} == {0}
    assert len({e.decoded("DTSTAMP") for e in events.values()}) == 1

    assert plenary.status == Plenary.Status.CONVENED
    assert plenary.convened_by == staff and plenary.convened_at is not None
    assert convocation.kind == Convocation.Kind.INVITATION
    assert convocation.sent_by == staff
    assert convocation.recipient_count == 2
    assert convocation.partner_count == 2
    assert plenary.registration_deadline == plenary.date - datetime.timedelta(days=7)


def test_a_change_of_date_sends_an_update_with_the_same_uid_and_a_higher_sequence(
    convened_plenary, member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    convened_plenary.date += datetime.timedelta(days=1)
    convened_plenary.registration_deadline = None
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_update(plenary=convened_plenary, by=staff)
    [message] = mailoutbox
    assert "Modification" in message.subject
    calendar = ics_of(message)
    assert calendar["METHOD"] == "REQUEST"
    event = event_of(calendar)
    assert str(event["UID"]) == f"plenary-{convened_plenary.uid}@127.0.0.1"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART").date() == convened_plenary.date
    assert str(attendee_of(event)) == "mailto:membre@exemple.fr"
    assert attendee_of(event).params["PARTSTAT"] == "NEEDS-ACTION"
    assert Convocation.objects.get(kind=Convocation.Kind.UPDATE).sequence == 1

    convened_plenary.place = "Espace Jacques Brel"
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_update(plenary=convened_plenary, by=staff)
    assert event_of(ics_of(mailoutbox[1]))["SEQUENCE"] == 2


def test_editing_the_introduction_sends_nothing(
    convened_plenary, member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    convened_plenary.introduction = "Bienvenue."
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_update(plenary=convened_plenary, by=staff)
    assert mailoutbox == []
    assert Plenary.objects.get(pk=convened_plenary.pk).sequence == 0


def test_cancelling_sends_a_cancellation(
    convened_plenary, member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_cancel(plenary=convened_plenary, by=staff)
    [message] = mailoutbox
    assert "Annulation" in message.subject
    calendar = ics_of(message)
    assert calendar["METHOD"] == "CANCEL"
    event = event_of(calendar)
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 1
    # A CANCEL of the whole event names every attendee removed: here, the recipient.
    attendee = attendee_of(event)
    assert str(attendee) == "mailto:membre@exemple.fr"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert "PARTSTAT" not in attendee.params and "RSVP" not in attendee.params
    assert str(event["UID"]) == f"plenary-{convened_plenary.uid}@127.0.0.1"
    assert Plenary.objects.get(pk=convened_plenary.pk).status == Plenary.Status.CANCELLED


def test_cancelling_a_plenary_never_convened_sends_nothing(
    plenary_in_preparation, member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_cancel(plenary=plenary_in_preparation, by=staff)
    assert mailoutbox == []


def test_a_held_plenary_cannot_be_cancelled(held_plenary, staff):
    with pytest.raises(ValidationError, match="tenue ne peut pas être annulée"):
        services.plenary_cancel(plenary=held_plenary, by=staff)


def test_convening_needs_an_agenda_and_a_future_date(staff):
    plenary = PlenaryFactory(
        date=timezone.localdate() + datetime.timedelta(days=3), status=Plenary.Status.PREPARATION
    )
    with pytest.raises(ValidationError, match="ordre du jour"):
        services.plenary_convene(plenary=plenary, by=staff)
    past = PlenaryFactory(date=datetime.date(2020, 3, 1), status=Plenary.Status.PREPARATION)
    with pytest.raises(ValidationError, match="passée"):
        services.plenary_convene(plenary=past, by=staff)
    assert not Convocation.objects.exists()


def test_convened_plenary_cannot_move_into_the_past(convened_plenary, staff):
    convened_plenary.date = timezone.localdate() - datetime.timedelta(days=1)
    convened_plenary.registration_deadline = None
    # Depending on the day, the date may also leave its semester: either way it is refused.
    with pytest.raises(ValidationError):
        services.plenary_update(plenary=convened_plenary, by=staff)


# --- registration ----------------------------------------------------------------------


def test_member_answers_for_their_partner_and_can_change_the_answer(
    convened_plenary, partner, member
):
    services.registration_answer(
        plenary=convened_plenary,
        partner=partner,
        by=member,
        answer=Registration.Answer.ATTENDING,
        attendee_count=2,
        attendee_names="Camille Martin\nLéa Dupont",
    )
    registration = services.registration_answer(
        plenary=convened_plenary, partner=partner, by=member, answer="excused", attendee_count=3
    )
    assert Registration.objects.count() == 1
    assert registration.answer == Registration.Answer.EXCUSED
    assert registration.attendee_count == 0
    assert registration.answered_by == member


def test_registration_after_the_deadline_is_refused_and_changes_nothing(
    convened_plenary, partner, member
):
    RegistrationFactory(plenary=convened_plenary, partner=partner, attendee_count=1)
    late = convened_plenary.registration_deadline + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="date limite"):
        services.registration_answer(
            plenary=convened_plenary, partner=partner, by=member, answer="excused", today=late
        )
    assert Registration.objects.get().answer == Registration.Answer.ATTENDING


def test_registration_on_the_deadline_day_is_accepted(convened_plenary, partner, member):
    services.registration_answer(
        plenary=convened_plenary,
        partner=partner,
        by=member,
        answer="excused",
        today=convened_plenary.registration_deadline,
    )
    assert Registration.objects.count() == 1


def test_registration_for_another_partner_is_refused(convened_plenary, other_partner, member):
    with pytest.raises(ValidationError, match="membre"):
        services.registration_answer(
            plenary=convened_plenary, partner=other_partner, by=member, answer="excused"
        )
    assert not Registration.objects.exists()


def test_an_agent_answers_for_any_partner_only_with_the_permission_to_change_answers(
    convened_plenary, other_partner, agent_with
):
    with pytest.raises(ValidationError, match="un partenaire dont vous êtes membre"):
        services.registration_answer(
            plenary=convened_plenary,
            partner=other_partner,
            by=agent_with("plenaries.view_registration"),
            answer="excused",
        )
    assert not Registration.objects.exists()
    agent = agent_with("plenaries.change_registration")
    registration = services.registration_answer(
        plenary=convened_plenary, partner=other_partner, by=agent, answer="excused"
    )
    assert (registration.partner, registration.answered_by) == (other_partner, agent)


def test_registration_to_a_plenary_not_convened_is_refused(plenary_in_preparation, partner, member):
    with pytest.raises(ValidationError, match="pas convoquée"):
        services.registration_answer(
            plenary=plenary_in_preparation, partner=partner, by=member, answer="excused"
        )


def test_attending_without_anyone_is_refused(convened_plenary, partner, member):
    with pytest.raises(ValidationError):
        services.registration_answer(
            plenary=convened_plenary, partner=partner, by=member, answer="attending"
        )
    assert not Registration.objects.exists()


# --- attendance, minutes, decisions ------------------------------------------------------


def test_recording_attendance_marks_the_plenary_held(partner, staff):
    plenary = PlenaryFactory(date=datetime.date(2024, 3, 14), status=Plenary.Status.CONVENED)
    services.attendance_record(
        plenary=plenary, partner=partner, status="present", persons_present="Camille", by=staff
    )
    plenary.refresh_from_db()
    assert plenary.status == Plenary.Status.HELD
    attendance = Attendance.objects.get()
    assert attendance.recorded_by == staff
    services.attendance_record(plenary=plenary, partner=partner, status="absent", by=staff)
    assert Attendance.objects.get().status == Attendance.Status.ABSENT


def test_attendance_cannot_be_recorded_before_the_plenary(convened_plenary, partner, staff):
    with pytest.raises(ValidationError, match="pas encore eu lieu"):
        services.attendance_record(
            plenary=convened_plenary, partner=partner, status="present", by=staff
        )
    assert not Attendance.objects.exists()


def test_participation_rate_counts_present_and_represented(partner, other_partner):
    for index, status in enumerate(["present", "represented", "excused", "absent"]):
        plenary = PlenaryFactory(date=datetime.date(2015 + index, 3, 1))
        AttendanceFactory(plenary=plenary, partner=partner, status=status)
    rates = services.participation_rates([partner.pk, other_partner.pk])
    assert rates[partner.pk] == {"recorded": 4, "attended": 2, "rate": 50}
    assert rates[other_partner.pk]["rate"] is None


def test_minutes_cannot_be_published_before_the_plenary_is_held(convened_plenary, staff):
    convened_plenary.minutes = "Texte"
    convened_plenary.save()
    with pytest.raises(ValidationError, match="une fois la plénière tenue"):
        services.minutes_publish(plenary=convened_plenary, by=staff)
    assert Plenary.objects.get(pk=convened_plenary.pk).minutes_published_on is None


def test_minutes_are_published_once_held(held_plenary, staff):
    services.minutes_publish(plenary=held_plenary, by=staff, visibility="network")
    held_plenary.refresh_from_db()
    assert held_plenary.minutes_published_on == timezone.localdate()
    assert held_plenary.minutes_visibility == "network"


def test_empty_minutes_are_not_published(staff):
    plenary = PlenaryFactory(date=datetime.date(2024, 3, 1), status=Plenary.Status.HELD)
    with pytest.raises(ValidationError, match="Rédigez"):
        services.minutes_publish(plenary=plenary, by=staff)


def test_a_decision_adopts_a_priority_theme(held_plenary, staff):
    decision = services.decision_record(
        plenary=held_plenary, title="Adoption du thème « Mobilité »", by=staff
    )
    theme = services.theme_adopt(
        decision=decision, name="Mobilité", description="Se déplacer.", by=staff
    )
    assert theme.slug == "mobilite"
    assert theme.adopted_at == held_plenary.date
    assert theme.plenary == held_plenary
    assert list(Theme.objects.current()) == [theme]
    services.theme_close(theme=theme, by=staff, closed_at=datetime.date(2025, 1, 1))
    assert not Theme.objects.current().exists()


def test_decisions_belong_to_held_plenaries(convened_plenary, staff):
    with pytest.raises(ValidationError, match="tenue"):
        services.decision_record(plenary=convened_plenary, title="Trop tôt", by=staff)
    decision = DecisionFactory(plenary=convened_plenary)
    with pytest.raises(ValidationError):
        services.theme_adopt(decision=decision, name="Trop tôt", by=staff)
    assert not Theme.objects.exists()


@pytest.mark.parametrize(
    ("moment", "offset_hours"),
    [
        (datetime.datetime(2026, 12, 16, 14, 0), 1),
        (datetime.datetime(2026, 6, 10, 14, 0), 2),
        (datetime.datetime(2026, 3, 29, 3, 30), 2),
        (datetime.datetime(2026, 10, 25, 1, 30), 2),
    ],
)
def test_the_vtimezone_sent_agrees_with_europe_paris(moment, offset_hours):
    """Calendar programs that do not know Europe/Paris read our VTIMEZONE: its rules must
    give the same offsets as the zone database."""
    from zoneinfo import ZoneInfo

    ours = ical.new_calendar(method="PUBLISH").walk("VTIMEZONE")[0].to_tz()
    assert ours.utcoffset(moment) == datetime.timedelta(hours=offset_hours)
    assert moment.replace(tzinfo=ZoneInfo("Europe/Paris")).utcoffset() == datetime.timedelta(
        hours=offset_hours
    )
