import pytest

from partners.search import normalize, terms


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
