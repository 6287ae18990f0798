"""French typography of the portal's own text (tests/typography.py): a non-breaking space
before ":", ";", "!", "?" and inside « », in every template and in the apps' Python strings.
The scan of every file is to be added with the first run of `python -m tests.typography` over
the whole code base (see the coordinator's note): these tests hold the rules of the fixer."""

import pytest

from tests import typography

NBSP = typography.NBSP


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Date : demain", f"Date{NBSP}: demain"),
        ("Pourquoi ?", f"Pourquoi{NBSP}?"),
        ("Attention !", f"Attention{NBSP}!"),
        ("un ; deux", f"un{NBSP}; deux"),
        ("« Accès aux droits »", f"«{NBSP}Accès aux droits{NBSP}»"),
        (f"Date{NBSP}: demain", f"Date{NBSP}: demain"),  # already right
        ("a != b", "a != b"),  # an operator, not punctuation
        ("/partenaires/?page=2", "/partenaires/?page=2"),
        ("https://exemple.fr", "https://exemple.fr"),
        ("(?:x)", "(?:x)"),
    ],
)
def test_fix_text(text, expected):
    assert typography.fix_text(text) == expected


def test_template_tags_keep_their_syntax_and_their_strings_are_corrected():
    source = '{% if a != b %}Date :{% endif %} {% translate "Heure :" %} {{ x|date:"j F Y" }}'
    assert typography.fix_template(source) == (
        f'{{% if a != b %}}Date{NBSP}:{{% endif %}} {{% translate "Heure{NBSP}:" %}}'
        ' {{ x|date:"j F Y" }}'
    )
