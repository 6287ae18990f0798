"""The Atom and iCalendar feeds, parsed back as a feed reader and a calendar would."""

import datetime
import html
from xml.etree import ElementTree

import feedparser
import pytest
from django.utils import timezone
from icalendar import Calendar

from partners.models import Action
from tests.factories import ActionFactory, FieldOfActionFactory
from tests.partners.test_action_member_pages import form_data

pytestmark = pytest.mark.django_db


def in_days(days, hour=14):
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


UNPUBLISHED = [
    Action.Status.DRAFT,
    Action.Status.SUBMITTED,
    Action.Status.CHANGES_REQUESTED,
    Action.Status.REJECTED,
]


@pytest.fixture
def unpublished(partner):
    """An action at every step short of publication, upcoming and past; and, for the steps an
    edit after publication leads to, one that was online before and so keeps its publication
    date (action_update sends a published action back to review)."""
    hidden = []
    for status in UNPUBLISHED:
        hidden.append(
            ActionFactory(
                partner=partner, title=f"Secret {status}", slug=f"secret-{status}", status=status
            )
        )
        hidden.append(
            ActionFactory(
                partner=partner,
                title=f"Secret passée {status}",
                slug=f"secret-passee-{status}",
                status=status,
                starts_at=in_days(-10),
                ends_at=in_days(-10, 16),
            )
        )
    for status in UNPUBLISHED[1:]:
        hidden.append(
            ActionFactory(
                partner=partner,
                title=f"Secret autrefois publiée {status}",
                slug=f"secret-autrefois-publiee-{status}",
                status=status,
                published_at=timezone.now() - datetime.timedelta(days=2),
            )
        )
    return hidden


@pytest.fixture
def actions(partner, other_partner, unpublished):
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


def test_unpublished_steps_are_all_in_the_fixture(unpublished):
    # Guards the tests below: they prove nothing if a step is missing from the fixture.
    assert {action.status for action in unpublished} == set(UNPUBLISHED)
    assert all(action.published_at for action in unpublished if "autrefois" in action.slug)


@pytest.mark.parametrize("when", [None, "a-venir", "passees"])
def test_atom_feed_never_shows_unpublished_actions(client, actions, unpublished, when):
    query = {"quand": when} if when else {}
    response = client.get("/actions/flux/", query)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.entries  # the published ones are there: the filter is not simply empty
    ids = {entry.id for entry in feed.entries}
    links = {entry.link for entry in feed.entries}
    for action in unpublished:
        assert f"tag:127.0.0.1,2026:action-{action.pk}@127.0.0.1" not in ids
        assert f"http://testserver{action.get_absolute_url()}" not in links
    assert "secret" not in response.content.decode().lower()


@pytest.mark.parametrize("when", [None, "a-venir", "passees"])
def test_ical_feed_never_shows_unpublished_actions(client, actions, unpublished, when):
    query = {"quand": when} if when else {}
    response = client.get("/actions/calendrier.ics", query)
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert events
    uids = {str(event["UID"]) for event in events}
    for action in unpublished:
        assert f"action-{action.pk}@127.0.0.1" not in uids
    assert "secret" not in response.content.decode().lower()


@pytest.mark.parametrize("as_member", [False, True], ids=["anonymous", "owning_member"])
def test_public_list_and_pages_never_show_unpublished_actions(
    client, actions, unpublished, member, as_member
):
    if as_member:  # even the partner's own members preview in "Mon espace", not here
        client.force_login(member)
    for when in ("a-venir", "passees"):
        page = client.get("/actions/", {"quand": when}).content.decode()
        assert "Secret" not in page
    for action in unpublished:
        assert client.get(action.get_absolute_url()).status_code == 404, action.slug


HOSTILE_SUMMARY = '<script>alert(1)</script><img src=x onerror="alert(2)"> Jeux & goûter'
ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_summary_is_plain_text_even_when_it_looks_like_html(client, partner):
    ActionFactory(partner=partner, summary=HOSTILE_SUMMARY)
    response = client.get("/actions/flux/")
    summary = ElementTree.fromstring(response.content).find(f"{ATOM}entry/{ATOM}summary")
    # Atom declares the summary as HTML: once the XML is read, what a reader renders must hold
    # no markup at all, and show the summary as the partner typed it.
    assert summary.get("type") == "html"
    assert "<" not in summary.text
    assert html.unescape(summary.text).endswith(" — " + HOSTILE_SUMMARY)
    entry = feedparser.parse(response.content).entries[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x" in entry.summary


def test_ical_description_is_the_summary_as_plain_text(client, partner):
    action = ActionFactory(partner=partner, summary=HOSTILE_SUMMARY)
    event = Calendar.from_ical(client.get("/actions/calendrier.ics").content).walk("VEVENT")[0]
    # RFC 5545 DESCRIPTION is plain text: the summary goes as written, never as HTML
    # (no X-ALT-DESC), so a calendar has nothing to interpret.
    assert str(event["DESCRIPTION"]) == (
        f"{HOSTILE_SUMMARY}\n\nhttp://testserver{action.get_absolute_url()}"
    )
    assert "X-ALT-DESC" not in event


@pytest.mark.parametrize("url", ["/actions/flux/", "/actions/calendrier.ics"])
def test_feeds_survive_bad_filters(client, actions, url):
    response = client.get(url, {"mois": "2026-99", "type": "<script>"})
    assert response.status_code == 200


def test_a_title_with_a_line_break_is_refused_at_the_form_before_any_feed(client, member, partner):
    """Atom's <title> is one line of text: a CR/LF typed in a title would reach it raw."""
    client.force_login(member)
    response = client.post(
        "/mon-espace/actions/nouvelle/",
        form_data(partner, title="Repair café\r\nEntrée forgée", place_name="Salle\tdes fêtes"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    message = "Ce champ ne peut pas contenir de retour à la ligne ni de caractère de contrôle."
    assert errors["title"] == [message]
    assert errors["place_name"] == [message]
    assert not Action.objects.exists()
