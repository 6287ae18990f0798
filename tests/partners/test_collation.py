"""Names sort as French readers expect, on SQLite and on PostgreSQL (run the suite with
DATABASE_URL for the second): case and accents ignored, numbers by value."""

import pytest

from partners.collation import compare, sort_key
from partners.models import FieldOfAction, Partner
from tests.factories import PartnerFactory

NAMES_IN_ORDER = [
    "abri de nuit",
    "Amazone Team",
    "ATAV",
    "Croix-Rouge française",
    "éclaireurs",
    "Égalité",
    "Emergence",
    "Espoir n° 2",
    "Espoir n° 10",
    "Œuvre",
    "Zèbre",
]


def test_sort_key_ignores_case_accents_and_reads_numbers():
    shuffled = [*NAMES_IN_ORDER[5:], *NAMES_IN_ORDER[:5]]
    assert sorted(shuffled, key=sort_key) == NAMES_IN_ORDER


def test_distinct_names_never_compare_equal():
    assert compare("ATAV", "Atav") != 0
    assert compare("Atav", "ATAV") == -compare("ATAV", "Atav")
    assert compare("Émergence", "Émergence") == 0


@pytest.mark.django_db
def test_partners_are_listed_in_french_order(client):
    for name in reversed(NAMES_IN_ORDER):
        PartnerFactory(name=name)
    assert list(Partner.objects.values_list("name", flat=True)) == NAMES_IN_ORDER
    directory = client.get("/partenaires/")
    assert [partner.name for partner in directory.context["page_obj"].object_list] == (
        NAMES_IN_ORDER
    )


@pytest.mark.django_db
def test_a_unique_name_still_tells_case_apart():
    PartnerFactory(name="ATAV", slug="atav")
    PartnerFactory(name="Atav", slug="atav-2")
    assert Partner.objects.filter(name="Atav").count() == 1


@pytest.mark.django_db
def test_fields_of_action_put_egalite_among_the_e():
    names = list(FieldOfAction.objects.values_list("name", flat=True))
    assert names.index("Égalité femmes-hommes") == names.index("Enfance, jeunesse et familles") - 1
    assert names[-1] == "Santé et addictions"
