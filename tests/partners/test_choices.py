"""The fields of action and neighbourhoods that members' forms offer come from the shared cache
(partners/choices.py): a change made in the back-office shows at once, names stay escaped, and
a posted choice is still checked against the database."""

import pytest

from partners.models import Neighbourhood
from tests.factories import FieldOfActionFactory, NeighbourhoodFactory

pytestmark = pytest.mark.django_db


def page(client, member, partner):
    client.force_login(member)
    return client.get(f"/partenaires/{partner.slug}/modifier/").content.decode()


def test_a_new_renamed_or_deleted_choice_shows_at_once(client, member, partner):
    field = FieldOfActionFactory(name="Handicap")
    assert "Handicap" in page(client, member, partner)  # now in the cache

    FieldOfActionFactory(name="Numérique")
    NeighbourhoodFactory(name="Côte des Roses")
    assert "Numérique" in page(client, member, partner)
    assert "Côte des Roses" in page(client, member, partner)

    field.name = "Handicap et accessibilité"
    field.save()
    assert "Handicap et accessibilité" in page(client, member, partner)

    Neighbourhood.objects.get(name="Côte des Roses").delete()
    assert "Côte des Roses" not in page(client, member, partner)


def test_names_are_escaped(client, member, partner):
    FieldOfActionFactory(name='<script>alert("x")</script> & co')
    html = page(client, member, partner)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in html


def test_a_posted_choice_is_checked_against_the_database(client, member, partner):
    field = FieldOfActionFactory(name="Handicap")
    page(client, member, partner)  # the choices are in the cache
    response = client.post(
        f"/partenaires/{partner.slug}/modifier/",
        {"summary": partner.summary, "fields_of_action": [field.pk + 1000]},
    )
    assert response.status_code == 200
    assert "fields_of_action" in response.context["form"].errors
