import pytest

from partners.models import Partner
from tests.factories import FieldOfActionFactory, NeighbourhoodFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def names(response):
    return [partner.name for partner in response.context["page_obj"].object_list]


@pytest.fixture
def directory():
    housing = FieldOfActionFactory(name="Logement", slug="logement")
    food = FieldOfActionFactory(name="Alimentation", slug="alimentation")
    centre = NeighbourhoodFactory(name="Centre-ville", slug="centre-ville")
    roses = NeighbourhoodFactory(name="Côte des Roses", slug="cote-des-roses")
    PartnerFactory(
        name="Emergence",
        summary="Accueil de jour des personnes sans domicile.",
        neighbourhood=centre,
        fields_of_action=[housing],
    )
    PartnerFactory(
        name="Croix-Rouge française",
        summary="Épicerie sociale et vestiboutique.",
        neighbourhood=roses,
        fields_of_action=[food],
    )
    PartnerFactory(
        name="Mission Locale",
        kind=Partner.Kind.INSTITUTIONAL,
        summary="Jeunes de 16 à 25 ans.",
        neighbourhood=centre,
    )
    PartnerFactory(name="Association dissoute", is_active=False)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("émergence", ["Emergence"]),
        ("EMERGENCE", ["Emergence"]),
        ("croix rouge", ["Croix-Rouge française"]),
        ("Croix-Rouge", ["Croix-Rouge française"]),
        ("francaise", ["Croix-Rouge française"]),
        ("épicerie", ["Croix-Rouge française"]),
        ("mission", ["Mission Locale"]),
        ("introuvable", []),
        ("dissoute", []),
    ],
)
def test_search_ignores_accents_case_and_punctuation(client, directory, query, expected):
    response = client.get("/partenaires/", {"q": query})
    assert response.status_code == 200
    assert names(response) == expected


def test_filters_by_kind_field_and_neighbourhood(client, directory):
    assert names(client.get("/partenaires/", {"kind": "institutional"})) == ["Mission Locale"]
    assert names(client.get("/partenaires/", {"field": "logement"})) == ["Emergence"]
    assert names(client.get("/partenaires/", {"quartier": "centre-ville"})) == [
        "Emergence",
        "Mission Locale",
    ]
    assert names(
        client.get("/partenaires/", {"quartier": "centre-ville", "kind": "associative"})
    ) == ["Emergence"]


def test_directory_lists_active_partners_only_with_a_result_count(client, directory):
    response = client.get("/partenaires/")
    assert names(response) == ["Croix-Rouge française", "Emergence", "Mission Locale"]
    assert "3 partenaires trouvés" in response.content.decode()


def test_unknown_filter_values_are_reported_not_crashing(client, directory):
    response = client.get("/partenaires/", {"kind": "martien", "field": "inconnu"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_pagination_keeps_the_filters(client, db):
    for number in range(25):
        PartnerFactory(name=f"Association Logement {number:02d}")
    response = client.get("/partenaires/", {"q": "logement"})
    assert response.context["paginator"].count == 25
    assert len(names(response)) == 20
    assert "?q=logement&amp;page=2" in response.content.decode()
    second = client.get("/partenaires/", {"q": "logement", "page": 2})
    assert len(names(second)) == 5
    assert client.get("/partenaires/", {"page": 99}).status_code == 404


def test_partner_page_shows_contact_fields_signature_and_schema_org(client, db):
    from tests.factories import SignatureFactory

    partner = PartnerFactory(
        name="Emergence",
        phone="03 82 00 00 20",
        email="contact@emergence.test",
        description="Nous **accueillons** chaque jour.",
        fields_of_action=[FieldOfActionFactory(name="Logement", slug="logement")],
    )
    SignatureFactory(partner=partner, signatory_name="Nicole DUMAY")
    content = client.get(partner.get_absolute_url()).content.decode()
    assert "03 82 00 00 20" in content
    assert "<strong>accueillons</strong>" in content
    assert "Logement" in content
    assert "Mme Nicole DUMAY" in content
    assert '<script type="application/ld+json">' in content
    assert '"@type": "NGO"' in content


def test_inactive_partner_page_is_not_found(client, db):
    partner = PartnerFactory(is_active=False)
    assert client.get(partner.get_absolute_url()).status_code == 404


def test_stale_partner_page_says_so(client, db):
    from django.utils import timezone

    stale = PartnerFactory(last_confirmed_at=timezone.now() - timezone.timedelta(days=400))
    fresh = PartnerFactory()
    assert "depuis plus d'un an" in client.get(stale.get_absolute_url()).content.decode()
    assert "depuis plus d'un an" not in client.get(fresh.get_absolute_url()).content.decode()


def test_postgresql_full_text_search_stems_french_words(client, db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("French stemming is PostgreSQL's full-text search; CI runs it there")
    PartnerFactory(name="Association des familles", summary="Soutien aux familles.")
    # Every word must be found (the directory then falls back on similar names, see
    # tests/partners/test_search.py).
    assert not Partner.objects.search("familial associations").exists()
    assert names(client.get("/partenaires/", {"q": "associations"})) == ["Association des familles"]
