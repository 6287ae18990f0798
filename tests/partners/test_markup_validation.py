"""Every Markdown text people write refuses raw HTML and script links, wherever it is saved from:
the portal's forms, the admin (a ModelForm) and the services (full_clean)."""

import pytest
from django.core.exceptions import ValidationError

from partners.markup import validate_markup
from tests.factories import (
    ActionFactory,
    CharterFactory,
    PartnerFactory,
    PlenaryFactory,
    ThemeFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (PartnerFactory, "description"),
        (ActionFactory, "body"),
        (CharterFactory, "text"),
        (WorkingGroupFactory, "mission"),
        (ThemeFactory, "description"),
        (PlenaryFactory, "introduction"),
        (PlenaryFactory, "minutes"),
    ],
)
@pytest.mark.parametrize(
    "hostile",
    ["<script>alert(1)</script>", "Voir [ici](javascript:alert(1))", '<img src="x">'],
)
def test_raw_html_and_script_links_are_refused_on_every_markdown_field(factory, field, hostile):
    instance = factory()
    setattr(instance, field, f"Bonjour\n\n{hostile}")
    with pytest.raises(ValidationError) as refused:
        instance.full_clean()
    assert field in refused.value.message_dict


@pytest.mark.parametrize(
    "text",
    [
        "**Gras**, *italique*, [un lien](https://exemple.fr), [écrire](mailto:a@exemple.fr)",
        "- une liste\n- de points\n\n1 < 2 et 3 > 2, café &eacute; thé",
        "",
    ],
)
def test_ordinary_markdown_passes(text):
    validate_markup(text)
