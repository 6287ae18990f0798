"""Elision and contraction before names: partners.french and its template filters."""

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from partners import french
from tests.factories import PartnerFactory


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Emergence", "d'Emergence"),  # vowel
        ("Émergence", "d'Émergence"),  # accented capital
        ("amis du quartier", "d'amis du quartier"),
        ("Œuvre de la Providence", "d'Œuvre de la Providence"),
        ("Yvonne et ses amis", "d'Yvonne et ses amis"),  # y before a consonant: a vowel
        ("Yoga pour tous", "de Yoga pour tous"),  # y before a vowel: a consonant
        ("Habitat et Humanisme", "d'Habitat et Humanisme"),  # mute h from the list
        ("Hôpital de jour", "d'Hôpital de jour"),
        ("Handi'chiens", "de Handi'chiens"),  # any other h is aspirated
        ("ATAV", "d'ATAV"),  # acronym starting with a vowel
        ("AFAD", "d'AFAD"),
        ("CIFF", "de CIFF"),  # acronym starting with a consonant
        ("Croix-Rouge française", "de Croix-Rouge française"),
        ("La Croix-Rouge", "de la Croix-Rouge"),
        ("Le Toit thionvillois", "du Toit thionvillois"),
        ("Les Restos du cœur", "des Restos du cœur"),
        ("L'Arche", "de l'Arche"),
        ("L’Arche", "de l'Arche"),
        ("« Entraide »", "d'« Entraide »"),  # quotes: elided on the word inside
        ("« Le Toit »", "de « Le Toit »"),  # the article inside a title is not contracted
        ('"Le Relais"', 'de "Le Relais"'),
        ("Lemoine et fils", "de Lemoine et fils"),  # "Le" only as a whole word
        ("Lasalle", "de Lasalle"),
        ("", ""),
    ],
)
def test_de(name, expected):
    assert french.de(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Emergence", "à Emergence"),
        ("Le Toit thionvillois", "au Toit thionvillois"),
        ("Les Restos du cœur", "aux Restos du cœur"),
        ("La Croix-Rouge", "à la Croix-Rouge"),
        ("L'Arche", "à l'Arche"),
        ("« Le Toit »", "à « Le Toit »"),
    ],
)
def test_a(name, expected):
    assert french.a(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ATAV", "l'ATAV"),
        ("AFAD Moselle", "l'AFAD Moselle"),
        ("La Croix-Rouge", "la Croix-Rouge"),
        ("Les Restos du cœur", "les Restos du cœur"),
        ("L'Arche", "l'Arche"),
        ("Emergence", "Emergence"),  # a proper noun, gender unknown: left alone
        ("CIFF", "CIFF"),
    ],
)
def test_article(name, expected):
    assert french.article(name) == expected


def test_filters_are_built_into_every_template_and_escape_the_name():
    template = Template("{{ a|de }} · {{ b|a }} · {{ c|article }} · {{ hostile|de }}")
    text = template.render(
        Context({"a": "Emergence", "b": "Le Toit", "c": "ATAV", "hostile": "<b>Le Mal</b>"})
    )
    assert text == "d&#x27;Emergence · au Toit · l&#x27;ATAV · de &lt;b&gt;Le Mal&lt;/b&gt;"


def test_emails_elide_too():
    partner = PartnerFactory.build(name="Emergence")
    subject = render_to_string(
        "emails/partner_confirmation_request_subject.txt", {"partner": partner}
    )
    assert "la fiche d'Emergence est-elle" in subject


@pytest.mark.django_db
def test_partner_page_links_to_the_partners_actions_with_elision(client):
    partner = PartnerFactory(name="Emergence")
    page = client.get(partner.get_absolute_url()).content.decode()
    assert "Toutes les actions d&#x27;Emergence" in page
    assert "actions de Emergence" not in page
