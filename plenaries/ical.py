"""iCalendar (RFC 5545) for plenaries: the invitation attached to convocations (METHOD:REQUEST,
then the same UID with a higher SEQUENCE for an update, METHOD:CANCEL for a cancellation), one
per recipient since it names them as ATTENDEE (RFC 5546), and the public calendar feed
(METHOD:PUBLISH, which names no one)."""

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur

from plenaries.models import Plenary

PRODID = "-//CCAS de Thionville//UTOPIA//FR"
TZID = "Europe/Paris"


def paris_vtimezone() -> Timezone:
    """Europe/Paris with its rules since 1996 (plenaries start in 2009): a compact VTIMEZONE
    that every calendar program understands, rather than a list of every transition."""
    zone = Timezone()
    zone.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("dtstart", datetime.datetime(1970, 3, 29, 2, 0))
    summer.add("tzoffsetfrom", datetime.timedelta(hours=1))
    summer.add("tzoffsetto", datetime.timedelta(hours=2))
    summer.add("tzname", "CEST")
    summer.add("rrule", vRecur(freq="YEARLY", bymonth=3, byday="-1SU"))
    winter = TimezoneStandard()
    winter.add("dtstart", datetime.datetime(1970, 10, 25, 3, 0))
    winter.add("tzoffsetfrom", datetime.timedelta(hours=2))
    winter.add("tzoffsetto", datetime.timedelta(hours=1))
    winter.add("tzname", "CET")
    winter.add("rrule", vRecur(freq="YEARLY", bymonth=10, byday="-1SU"))
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def uid(plenary: Plenary) -> str:
    return f"plenary-{plenary.uid}@utopia.ccas-thionville.fr"


def _local(value: datetime.datetime) -> datetime.datetime:
    # Naive local time: the TZID parameter below says which zone it is in.
    return timezone.localtime(value).replace(tzinfo=None)


def plenary_event(plenary: Plenary, *, url: str = "", cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", uid(plenary))
    event.add("sequence", plenary.sequence)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", _local(plenary.starts_at), parameters={"TZID": TZID})
    event.add("dtend", _local(plenary.ends_at), parameters={"TZID": TZID})
    event.add("summary", f"UTOPIA — {plenary}")
    event.add("location", ", ".join(part for part in (plenary.place, plenary.address) if part))
    agenda = "\n".join(f"- {item.title}" for item in plenary.agenda_items.all())
    if agenda:
        event.add("description", f"Ordre du jour :\n{agenda}")
    if url:
        event.add("url", url)
    event.add(
        "organizer",
        f"mailto:{settings.UTOPIA_ORGANISATION.get('email', '')}",
        parameters={"CN": settings.UTOPIA_ORGANISATION.get("name", "CCAS")},
    )
    if cancelled or plenary.status == Plenary.Status.CANCELLED:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    return event


def _calendar(method: str, name: str = "") -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", TZID)
    cal.add_component(paris_vtimezone())
    return cal


def calendar(plenaries, *, method: str, url_for=None, name: str = "") -> bytes:
    cal = _calendar(method, name)
    for plenary in plenaries:
        cal.add_component(
            plenary_event(
                plenary, url=url_for(plenary) if url_for else "", cancelled=method == "CANCEL"
            )
        )
    return cal.to_ical()


def invitations(plenary: Plenary, *, method: str, url: str, attendees) -> dict[str, bytes]:
    """The convocation's calendar for each recipient, by address (METHOD:REQUEST or CANCEL).

    RFC 5546 wants a REQUEST (and a CANCEL) to name its attendees. Each member receives an email
    of their own, so each calendar names that member alone: no one learns the others' addresses.
    RSVP=FALSE because answers go through the portal, per partner, not by calendar replies.
    The event is built once, so every copy has the same UID, SEQUENCE and DTSTAMP.
    """
    cal = _calendar(method)
    event = plenary_event(plenary, url=url, cancelled=method == "CANCEL")
    cal.add_component(event)
    parameters = {"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT"}
    if method == "REQUEST":
        parameters |= {"PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    calendars = {}
    for address in attendees:
        event.pop("ATTENDEE", None)
        event.add("attendee", f"mailto:{address}", parameters=parameters)
        calendars[address] = cal.to_ical()
    return calendars
