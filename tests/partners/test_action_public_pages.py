"""The public showcase: /actions/ (filters, search, pagination, upcoming first, archive),
an action's page with schema.org Event data, the partner's page, the home page, the sitemap.
Drafts, submitted and refused actions never appear."""

import datetime
import json
import re

import pytest
from django.utils import timezone

from partners.models import Action
from tests.crawl import sitemap_text
from tests.factories import ActionFactory, FieldOfActionFactory, PartnerFactory

pytestmark = pytest.mark.django_db

Status = Action.Status


def titles(response):
    return [action.title for action in response.context["page_obj"].object_list]


def in_days(days, hour=14):
    return (timezone.localtime() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def showcase(partner, other_partner):
    housing = FieldOfActionFactory(name="Logement", slug="logement")
    food = FieldOfActionFactory(name="Alimentation", slug="alimentation")
    ActionFactory(
        partner=partner,
        title="Petit déjeuner solidaire",
        starts_at=in_days(3),
        fields_of_action=[housing],
    )
    ActionFactory(
        partner=other_partner,
        title="Épicerie éphémère",
        starts_at=in_days(40),
        fields_of_action=[food],
        co_organisers=[partner],
    )
    ActionFactory(
        partner=other_partner,
        title="Permanence vestiboutique",
        kind=Action.Kind.SERVICE,
        starts_at=None,
        fields_of_action=[food],
    )
    ActionFactory(
        partner=partner,
        title="Braderie passée",
        starts_at=in_days(-20),
        ends_at=in_days(-20) + datetime.timedelta(hours=4),
    )
    for status in (Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED):
        ActionFactory(
            partner=partner, title=f"Secret {status}", status=status, slug=f"secret-{status}"
        )
    ActionFactory(partner=PartnerFactory(is_active=False), title="Partenaire inactif")


def test_list_shows_upcoming_published_actions_soonest_first(client, showcase):
    response = client.get("/actions/")
    assert titles(response) == [
        "Petit déjeuner solidaire",
        "Épicerie éphémère",
        "Permanence vestiboutique",
    ]
    assert "3 actions trouvées" in response.content.decode()


def test_past_events_are_archived_by_themselves(client, showcase):
    assert titles(client.get("/actions/", {"quand": "passees"})) == ["Braderie passée"]
    page = client.get("/actions/braderie-passee/").content.decode()
    assert "Cette action est terminée" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"domaine": "alimentation"}, ["Épicerie éphémère", "Permanence vestiboutique"]),
        ({"type": "service"}, ["Permanence vestiboutique"]),
        ({"partenaire": "emergence"}, ["Petit déjeuner solidaire", "Épicerie éphémère"]),
        ({"q": "EPICERIE ephemere"}, ["Épicerie éphémère"]),
        ({"q": "secret"}, []),
        ({"q": "croix rouge"}, ["Épicerie éphémère", "Permanence vestiboutique"]),
    ],
)
def test_filters_and_search(client, showcase, query, expected):
    assert titles(client.get("/actions/", query)) == expected


def test_month_filter(client, showcase):
    month = in_days(40).strftime("%Y-%m")
    assert "Épicerie éphémère" in titles(client.get("/actions/", {"mois": month}))
    assert (
        "Petit déjeuner solidaire" not in titles(client.get("/actions/", {"mois": month}))
        or in_days(3).strftime("%Y-%m") == month
    )


@pytest.mark.parametrize(
    "query",
    [
        {"mois": "2026-13"},
        {"mois": "<script>"},
        {"type": "martien"},
        {"quand": "hier"},
        {"domaine": "inconnu"},
        {"partenaire": "inconnu"},
    ],
)
def test_bad_filter_values_are_reported_in_french_not_crashing(client, showcase, query):
    response = client.get("/actions/", query)
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "Sélectionnez un choix valide" in content
        or "Indiquez un mois" in content
        or "Ce partenaire n'existe pas" in content
    )


def test_pagination_keeps_the_filters(client, partner):
    for number in range(15):
        ActionFactory(partner=partner, title=f"Atelier {number:02d}", starts_at=in_days(number + 1))
    response = client.get("/actions/", {"type": "event"})
    assert len(titles(response)) == 12
    assert "?type=event&amp;page=2" in response.content.decode()
    assert len(titles(client.get("/actions/", {"type": "event", "page": 2}))) == 3
    assert client.get("/actions/", {"page": 9}).status_code == 404


def test_list_links_the_feeds_with_its_filters(client, showcase):
    content = client.get("/actions/", {"domaine": "logement"}).content.decode()
    assert 'href="/actions/flux/?domaine=logement&amp;quand=a-venir"' in content or (
        'href="/actions/flux/?domaine=logement"' in content
    )
    assert "/actions/calendrier.ics?domaine=logement" in content
    assert 'type="application/atom+xml"' in content


def test_list_images_have_size_and_lazy_loading_below_the_fold(client, partner):
    from django.core.files.base import ContentFile

    from tests.images import image_bytes

    for number in range(5):
        ActionFactory(
            partner=partner,
            starts_at=in_days(number + 1),
            image=ContentFile(image_bytes("PNG", size=(1200, 800)), name="a.png"),
            image_alt=f"Affiche {number}",
        )
    content = client.get("/actions/").content.decode()
    tags = re.findall(r"<img [^>]*>", content)
    assert len(tags) == 5
    assert all('width="640" height="427"' in tag for tag in tags)
    assert all("/actions/thumbnails/" in tag for tag in tags)
    assert ['loading="lazy"' in tag for tag in tags] == [False, False, False, True, True]


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED]
)
def test_unpublished_action_pages_are_not_found_even_for_their_members(
    client, partner, member, status
):
    action = ActionFactory(partner=partner, status=status)
    assert client.get(action.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(action.get_absolute_url()).status_code == 404


def test_event_page_has_schema_org_event_data(client, partner, other_partner):
    action = ActionFactory(
        partner=partner,
        co_organisers=[other_partner],
        title="Forum de l'emploi",
        registration_url="https://inscription.exemple.fr/forum",
        audience="Jeunes de 16 à 25 ans",
    )
    content = client.get(action.get_absolute_url()).content.decode()
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', content).group(1)
    data = json.loads(payload)
    assert data["@type"] == "Event"
    assert data["name"] == "Forum de l'emploi"
    assert data["startDate"] == timezone.localtime(action.starts_at).isoformat()
    assert data["endDate"] == timezone.localtime(action.ends_at).isoformat()
    assert data["location"]["address"]["addressLocality"] == "Thionville"
    assert [o["name"] for o in data["organizer"]] == ["Emergence", "Croix-Rouge française"]
    assert data["offers"]["url"] == "https://inscription.exemple.fr/forum"


HOSTILE_SUMMARY = '<script>alert(1)</script><img src=x onerror="alert(2)"> Jeux & goûter'


def test_hostile_markup_is_shown_inert_on_public_pages(client, partner):
    action = ActionFactory(
        partner=partner,
        summary=HOSTILE_SUMMARY,
        body='<p onclick="alert(3)">Bienvenue</p><script>alert(4)</script>',
    )
    escaped = (
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(2)&quot;&gt; "
        "Jeux &amp; goûter"
    )
    content = client.get(action.get_absolute_url()).content.decode()
    assert f'<p class="lead">{escaped}</p>' in content
    assert f'<meta name="description" content="{escaped}">' in content
    assert "<p>Bienvenue</p>" in content
    for page in (
        content,
        client.get("/actions/").content.decode(),
        client.get("/").content.decode(),
    ):
        assert escaped in page
        for dangerous in ("<script>alert", "<img src=x", 'onclick="', 'onerror="'):
            assert dangerous not in page
    # The JSON-LD block carries the summary as data, with nothing that could close the element.
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', content).group(1)
    assert "<" not in payload
    assert json.loads(payload)["description"] == HOSTILE_SUMMARY


def test_service_page_has_no_event_data(client, partner):
    action = ActionFactory(partner=partner, kind=Action.Kind.SERVICE, starts_at=None)
    content = client.get(action.get_absolute_url()).content.decode()
    assert "application/ld+json" not in content


def test_partner_page_lists_its_published_actions(client, showcase, partner):
    content = client.get(partner.get_absolute_url()).content.decode()
    assert "Petit déjeuner solidaire" in content
    assert "Épicerie éphémère" in content  # co-organised
    assert "Secret" not in content
    assert "Braderie passée" not in content
    assert "/actions/?partenaire=emergence" in content


def test_home_page_shows_what_is_coming(client, showcase):
    content = client.get("/").content.decode()
    assert "Bientôt dans le réseau" in content
    assert "Petit déjeuner solidaire" in content
    assert "Secret" not in content
    assert "Braderie passée" not in content


def test_sitemap_lists_published_actions_only(client, showcase):
    content = sitemap_text(client)
    assert "/actions/petit-dejeuner-solidaire/" in content
    assert "/actions/braderie-passee/" in content
    assert "secret" not in content
    assert "partenaire-inactif" not in content


def test_partner_filter_says_whose_actions_and_how_to_see_all(client, showcase):
    content = client.get("/actions/", {"partenaire": "emergence", "type": "event"}).content.decode()
    assert "Actions portées ou co-organisées par Emergence." in content
    assert 'href="/actions/?type=event"' in content
    assert 'type="hidden" name="partenaire" value="emergence"' in content


def test_the_main_navigation_shows_actions(client, showcase):
    content = client.get("/actions/").content.decode()
    assert '<a href="/actions/" aria-current="page">Actions</a>' in content
