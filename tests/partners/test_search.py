import pytest

from partners.models import FieldOfAction, Partner
from partners.search import normalize, terms
from tests.factories import PartnerFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Œuvre", "oeuvre"),
        ("CŒUR", "coeur"),
        ("cœur", "coeur"),
        ("Ænéide", "aeneide"),
        ("Émergence", "emergence"),
        ("Croix-Rouge française", "croix rouge francaise"),
    ],
)
def test_normalize_spells_out_ligatures_whatever_their_case(text, expected):
    assert normalize(text) == expected


def test_terms_of_a_query_with_a_capital_ligature_keep_the_whole_word():
    assert terms("Œuvres de CŒUR") == ["oeuvres", "de", "coeur"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A.F.A.D.", "afad"),
        ("C.I.F.F", "ciff"),
        ("a.f.a.d. et C.I.F.F.", "afad et ciff"),
        ("le 1.2.2026", "le 1 2 2026"),  # numbers are no acronym
        ("M. Dupont", "m dupont"),  # one initial is no acronym
    ],
)
def test_normalize_joins_dotted_acronyms(text, expected):
    assert normalize(text) == expected


# --- the directory's search, on the database the suite runs on (SQLite, or PostgreSQL with
# DATABASE_URL): both must give the same answers ---------------------------------------------


def names(response):
    return [partner.name for partner in response.context["page_obj"].object_list]


@pytest.fixture
def network(db):
    housing = FieldOfAction.objects.get(slug="logement-hebergement")
    food = FieldOfAction.objects.get(slug="alimentation-aide-materielle")
    PartnerFactory(
        name="Association Familiale d'Aide à Domicile",
        acronym="A.F.A.D.",
        summary="Aide à domicile des familles.",
    )
    PartnerFactory(
        name="Centre d'Information sur les Droits des Femmes et des Familles",
        acronym="C.I.F.F.",
        summary="Accès aux droits des femmes.",
    )
    PartnerFactory(name="Emergence", summary="Accueil de jour.", fields_of_action=[housing])
    PartnerFactory(
        name="Croix-Rouge française", summary="Épicerie sociale.", fields_of_action=[food]
    )
    PartnerFactory(
        name="Le Toit thionvillois", summary="Un toit pour chacun.", fields_of_action=[housing]
    )
    PartnerFactory(
        name="Amis du logement", summary="Entraide entre voisins.", public_served="Familles"
    )
    # Many partners with a, f, d in their names: a query split into letters would find them all.
    for number in range(6):
        PartnerFactory(name=f"Fédération des amis {number}", summary="Aide diverse.")


@pytest.mark.parametrize("query", ["A.F.A.D.", "AFAD", "afad", "a.f.a.d", "A.F.A.D"])
def test_an_acronym_with_or_without_dots_finds_its_partner_alone(client, network, query):
    assert names(client.get("/partenaires/", {"q": query})) == [
        "Association Familiale d'Aide à Domicile"
    ]


def test_a_second_dotted_acronym(client, network):
    assert names(client.get("/partenaires/", {"q": "C.I.F.F."})) == [
        "Centre d'Information sur les Droits des Femmes et des Familles"
    ]


def test_a_word_finds_partners_through_their_fields_of_action_names_first(client, network):
    # "logement" is in the name of one partner and the field of action of two: the name first.
    assert names(client.get("/partenaires/", {"q": "logement"})) == [
        "Amis du logement",
        "Emergence",
        "Le Toit thionvillois",
    ]


def test_public_served_and_description_are_searched(client, network):
    PartnerFactory(name="Trait d'union", description="Nous animons un **jardin partagé**.")
    assert names(client.get("/partenaires/", {"q": "jardin"})) == ["Trait d'union"]
    assert "Amis du logement" in names(client.get("/partenaires/", {"q": "familles"}))


def test_changing_fields_of_action_updates_the_search_document(client, network):
    emergence = Partner.objects.get(name="Emergence")
    health = FieldOfAction.objects.get(slug="sante-addictions")
    assert "Emergence" not in names(client.get("/partenaires/", {"q": "addictions"}))

    emergence.fields_of_action.add(health)
    assert "Emergence" in names(client.get("/partenaires/", {"q": "addictions"}))

    health.partners.clear()  # from the other side
    assert "Emergence" not in names(client.get("/partenaires/", {"q": "addictions"}))

    emergence.fields_of_action.set([health])
    health.name = "Soins et prévention"
    health.save()
    assert "Emergence" in names(client.get("/partenaires/", {"q": "prevention"}))
    assert "Emergence" not in names(client.get("/partenaires/", {"q": "logement"}))

    health.delete()
    assert "Emergence" not in names(client.get("/partenaires/", {"q": "prevention"}))

    emergence.save()  # a plain save keeps its fields of action in the document
    emergence.fields_of_action.add(FieldOfAction.objects.get(slug="handicap"))
    emergence.refresh_from_db()
    emergence.save()
    assert "Emergence" in names(client.get("/partenaires/", {"q": "handicap"}))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("emergnce", "Emergence"),
        ("emmergence", "Emergence"),
        ("croix roug", "Croix-Rouge française"),
        ("croi rouge", "Croix-Rouge française"),
    ],
)
def test_a_misspelt_name_still_finds_its_partner_first(client, network, query, expected):
    assert names(client.get("/partenaires/", {"q": query}))[:1] == [expected]


def test_an_empty_result_suggests_the_nearest_names_and_the_filters_to_loosen(client, network):
    response = client.get("/partenaires/", {"q": "emergen toi", "kind": "institutional"})
    content = response.content.decode()
    assert names(response) == []
    assert "Vouliez-vous dire" in content
    assert [partner.name for partner in response.context["suggestions"]][:1] == ["Emergence"]
    assert "sans le filtre « Type de partenaire : Partenaire institutionnel »" in content
    assert response.context["loosen"] == [
        ("Type de partenaire : Partenaire institutionnel", "q=emergen+toi")
    ]


def test_nothing_close_suggests_nothing(client, network):
    response = client.get("/partenaires/", {"q": "zzzzqqqq"})
    assert names(response) == []
    assert "Vouliez-vous dire" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        "%",
        "_",
        "%%%_",
        '"); DROP TABLE partners_partner; --',
        "<script>alert(1)</script>",
        "\\",
        "a" * 2000,
        "é" * 300,
    ],
)
def test_hostile_queries_stay_inert(client, network, query):
    response = client.get("/partenaires/", {"q": query})
    assert response.status_code == 200
    if normalize(query):
        assert names(response) == []
    else:  # no word in it: the query is ignored, as an empty one
        assert len(names(response)) == 12
    assert "<script>alert(1)" not in response.content.decode()
    assert Partner.objects.count() == 12
