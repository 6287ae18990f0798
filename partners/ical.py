"""iCalendar (RFC 5545) for every calendar the portal sends: the public feeds (METHOD:PUBLISH)
and the invitations attached to emails (METHOD:REQUEST, then CANCEL; RFC 5546).

Written once, on `icalendar`, for every app (this is the lowest app): one PRODID, the time zone
described by icalendar's own VTIMEZONE (from the zone database, so it cannot disagree with it),
and UIDs on the site's own host, stable across edits.
"""

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

PRODID = "-//CCAS de Thionville//UTOPIA//FR"


def site_host() -> str:
    return urlsplit(settings.UTOPIA_SITE_URL).hostname or "utopia.invalid"


def uid(kind: str, key) -> str:
    """A UID that names what the event is and which row it comes from, on the site's host."""
    return f"{kind}-{key}@{site_host()}"


def new_calendar(*, method: str, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    # Always described, even in an empty calendar, so that clients never guess the zone.
    calendar.add_component(Timezone.from_tzid(settings.TIME_ZONE))
    return calendar


def event(
    *,
    uid: str,
    summary: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    sequence: int | None = None,
    location: str = "",
    description: str = "",
    url: str = "",
    categories: Iterable[str] = (),
    created: datetime.datetime | None = None,
    last_modified: datetime.datetime | None = None,
    organizer: tuple[str, str] | None = None,
    cancelled: bool = False,
) -> Event:
    """One event, its times in the site's zone (TZID) so that it shows at the right local hour.

    `organizer` is (name, email)."""
    zone = timezone.get_default_timezone()
    item = Event()
    item.add("uid", uid)
    if sequence is not None:
        item.add("sequence", sequence)
    item.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    if created:
        item.add("created", created)
    if last_modified:
        item.add("last-modified", last_modified)
    item.add("dtstart", starts_at.astimezone(zone))
    item.add("dtend", ends_at.astimezone(zone))
    item.add("summary", summary)
    if location:
        item.add("location", location)
    if description:
        item.add("description", description)
    if url:
        item.add("url", url)
    categories = list(categories)
    if categories:
        item.add("categories", categories)
    if organizer:
        name, email = organizer
        item.add("organizer", f"mailto:{email}", parameters={"CN": name})
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def feed(events: Iterable[Event], *, name: str) -> bytes:
    """A public calendar (METHOD:PUBLISH): it names no attendee."""
    calendar = new_calendar(method="PUBLISH", name=name)
    for item in events:
        calendar.add_component(item)
    return calendar.to_ical()


def invitations(item: Event, *, method: str, attendees: Iterable[str]) -> dict[str, bytes]:
    """The invitation's calendar for each recipient, by address (METHOD:REQUEST or CANCEL).

    RFC 5546 wants a REQUEST (and a CANCEL) to name its attendees. Each person receives an email
    of their own, so each calendar names that person alone: no one learns the others'
    addresses. RSVP=FALSE because answers go through the portal, not by calendar replies. The
    event is built once, so every copy has the same UID, SEQUENCE and DTSTAMP.
    """
    calendar = new_calendar(method=method)
    calendar.add_component(item)
    parameters = {"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT"}
    if method == "REQUEST":
        parameters |= {"PARTSTAT": "NEEDS-ACTION", "RSVP": "FALSE"}
    calendars = {}
    for address in attendees:
        item.pop("ATTENDEE", None)
        item.add("attendee", f"mailto:{address}", parameters=parameters)
        calendars[address] = calendar.to_ical()
    return calendars
