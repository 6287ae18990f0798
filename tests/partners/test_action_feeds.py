"""The Atom and iCalendar feeds, parsed back as a feed reader and a calendar would."""

import datetime

import feedparser
import pytest
from django.utils import timezone
from icalendar import Calendar

from partners.models import Action
from tests.factories import ActionFactory, FieldOfActionFactory

pytestmark = pytest.mark.django_db


def in_days(days, hour=14):
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def actions(partner, other_partner):
    housing = FieldOfActionFactory(name="Logement", slug="logement")
    breakfast = ActionFactory(
        partner=partner,
        title="Petit déjeuner solidaire",
        slug="petit-dejeuner",
        starts_at=in_days(3, 8),
        ends_at=in_days(3, 10),
        fields_of_action=[housing],
        place_name="Accueil de jour",
    )
    forum = ActionFactory(partner=other_partner, title="Forum de l'emploi", starts_at=in_days(10))
    service = ActionFactory(
        partner=other_partner, title="Permanence", kind=Action.Kind.SERVICE, starts_at=None
    )
    ActionFactory(partner=partner, title="Passée", starts_at=in_days(-30), ends_at=in_days(-30, 16))
    ActionFactory(partner=partner, title="Brouillon secret", status=Action.Status.DRAFT)
    ActionFactory(partner=partner, title="Refusée secrète", status=Action.Status.REJECTED)
    return breakfast, forum, service


def test_atom_feed_lists_upcoming_published_actions(client, actions):
    response = client.get("/actions/flux/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Actions des partenaires du réseau UTOPIA"
    assert [entry.title for entry in feed.entries] == [
        "Petit déjeuner solidaire",
        "Forum de l'emploi",
        "Permanence",
    ]
    first = feed.entries[0]
    assert first.link == "http://testserver/actions/petit-dejeuner/"
    assert first.author == "Emergence"
    assert "Un après-midi d'échanges" in first.summary
    assert [tag.term for tag in first.tags] == ["Logement"]
    assert first.id == f"tag:127.0.0.1,2026:action-{actions[0].pk}@127.0.0.1"


def test_atom_feed_accepts_the_list_filters(client, actions):
    feed = feedparser.parse(client.get("/actions/flux/", {"domaine": "logement"}).content)
    assert [entry.title for entry in feed.entries] == ["Petit déjeuner solidaire"]
    feed = feedparser.parse(client.get("/actions/flux/", {"quand": "passees"}).content)
    assert [entry.title for entry in feed.entries] == ["Passée"]
    feed = feedparser.parse(client.get("/actions/flux/", {"partenaire": "emergence"}).content)
    assert [entry.title for entry in feed.entries] == ["Petit déjeuner solidaire"]


def test_ical_feed_is_rfc5545_with_paris_time_and_stable_uids(client, actions):
    breakfast = actions[0]
    response = client.get("/actions/calendrier.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\n" in response.content  # RFC 5545 lines end with CRLF
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    timezones = calendar.walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/Paris"]
    events = calendar.walk("VEVENT")
    # Dated actions only: the permanent service has no date to put in a calendar.
    assert [str(event["SUMMARY"]) for event in events] == [
        "Petit déjeuner solidaire",
        "Forum de l'emploi",
    ]
    first = events[0]
    assert str(first["UID"]) == f"action-{breakfast.pk}@127.0.0.1"
    assert first["DTSTART"].params["TZID"] == "Europe/Paris"
    assert first.decoded("DTSTART") == breakfast.starts_at
    assert first.decoded("DTEND") == breakfast.ends_at
    assert first.decoded("DTSTART").hour == 8  # local Paris time, as people read it
    assert "Accueil de jour" in str(first["LOCATION"])
    assert str(first["URL"]) == "http://testserver/actions/petit-dejeuner/"
    assert "DTSTAMP" in first

    # Editing the action keeps its UID: calendars update the event instead of duplicating it.
    breakfast.title = "Petit déjeuner solidaire (nouvel horaire)"
    breakfast.slug = "petit-dejeuner-nouvel-horaire"
    breakfast.save()
    again = Calendar.from_ical(client.get("/actions/calendrier.ics").content)
    assert str(again.walk("VEVENT")[0]["UID"]) == f"action-{breakfast.pk}@127.0.0.1"


def test_ical_feed_accepts_the_list_filters(client, actions):
    calendar = Calendar.from_ical(client.get("/actions/calendrier.ics", {"q": "forum"}).content)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Forum de l'emploi"]


def test_empty_calendar_still_names_its_time_zone(client, db):
    calendar = Calendar.from_ical(client.get("/actions/calendrier.ics").content)
    assert calendar.walk("VEVENT") == []
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


@pytest.mark.parametrize("url", ["/actions/flux/", "/actions/calendrier.ics"])
def test_feeds_never_show_unpublished_actions(client, actions, url):
    content = (
        client.get(url, {"quand": "passees"}).content.decode() + client.get(url).content.decode()
    )
    assert "secret" not in content.lower()


@pytest.mark.parametrize("url", ["/actions/flux/", "/actions/calendrier.ics"])
def test_feeds_survive_bad_filters(client, actions, url):
    response = client.get(url, {"mois": "2026-99", "type": "<script>"})
    assert response.status_code == 200
