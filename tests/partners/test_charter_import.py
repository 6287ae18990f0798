import datetime
import io

import pytest
from django.core.management import call_command

from partners.models import Charter, Partner, Signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported():
    call_command("import_charter", stdout=io.StringIO())


def signatories(partner_name):
    return [
        (s.civility, s.signatory_name, s.signatory_role)
        for s in Signature.objects.filter(partner__name=partner_name).order_by("order")
    ]


def test_charter_of_26_may_2009_is_loaded(imported):
    charter = Charter.objects.get()
    assert charter.adopted_on == datetime.date(2009, 5, 26)
    assert "semestriellement" in charter.text
    assert "<h2>I – Les valeurs</h2>" in charter.text_html


def test_three_headings_then_three_names_are_read_in_order(imported):
    assert signatories("Amazone Team") == [("Mme", "Anne DE BIASO", "Présidente")]
    assert signatories("Association Vie Libre") == [("Mme", "Christine BURCHARD", "Présidente")]
    assert signatories("Athenes") == [("M.", "Robert MALGRAS", "Président")]
    assert signatories("Croix-Rouge française") == [("M.", "Alphonse LEININGER", "Vice-Président")]
    assert signatories("Emergence") == [("Mme", "Nicole DUMAY", "Présidente")]
    assert signatories("Centre Culturel Jacques Brel") == [
        ("M.", "Jean-Yves THISSE", "Administrateur")
    ]


def test_foyer_des_jeunes_travailleurs_has_two_signatories(imported):
    assert signatories("Foyer des Jeunes Travailleurs « Les 3 Frontières »") == [
        ("", "Jean PASTOR", "Président"),
        ("Mme", "Chantal NIEDERCORN", "Directrice"),
    ]


def test_handwritten_signatures_are_not_second_signatories(imported):
    assert signatories("TREMPLIN") == [("M.", "Jean-Claude GROBORNE", "Président")]
    assert signatories("VALOPREST") == [("Mme", "Elisabeth PARACHINI", "Directrice")]


def test_unclear_lines_are_left_for_staff_without_inventing_a_name(imported):
    for name in ["Secours Catholique", "Société Saint-Vincent-de-Paul"]:
        signature = Signature.objects.get(partner__name=name)
        assert signature.signatory_name == ""
        assert signature.needs_review
        assert signature.transcription_note
    assert Signature.objects.filter(needs_review=True).count() == 2


def test_every_signature_is_dated_26_may_2009_and_the_ccas_coordinates(imported):
    assert Signature.objects.count() == 28
    assert set(Signature.objects.values_list("signed_on", flat=True)) == {
        datetime.date(2009, 5, 26)
    }
    ccas = Partner.objects.get(kind=Partner.Kind.COORDINATOR)
    assert signatories(ccas.name) == [("M.", "Bertrand MERTZ", "Président")]
    assert Partner.objects.get(name="Mission Locale").kind == Partner.Kind.INSTITUTIONAL


def test_import_is_idempotent_and_keeps_staff_corrections(imported):
    signature = Signature.objects.get(partner__name="Secours Catholique")
    signature.signatory_name = "Nom corrigé par le CCAS"
    signature.save()
    call_command("import_charter", stdout=io.StringIO())
    assert Charter.objects.count() == 1
    assert Partner.objects.count() == 27
    assert Signature.objects.count() == 28
    assert Signature.objects.get(partner__name="Secours Catholique").signatory_name == (
        "Nom corrigé par le CCAS"
    )


def test_charter_page_lists_signatories(imported, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/charte/")
    content = response.content.decode()
    assert "Nicole DUMAY" in content
    assert "Chantal NIEDERCORN" in content
    assert "illisible sur l&#x27;original" in content or "illisible sur l'original" in content
