"""The lists' phone-first layout, server side: the filters' disclosure counts the filters the
query sets (the browser tests check the folding and the first screen)."""

import pytest

from tests.factories import FieldOfActionFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def summary(response) -> str:
    html = response.content.decode()
    start = html.index("<summary>")
    text = html[start : html.index("</summary>", start)]
    return text.rsplit("</span>", 1)[1].strip()


def test_directory_counts_its_active_filters_but_not_the_search_words(client):
    FieldOfActionFactory(name="Handicap", slug="handicap")
    PartnerFactory()
    assert summary(client.get("/partenaires/")) == "Filtrer"
    assert summary(client.get("/partenaires/?q=accueil&kind=")) == "Filtrer"
    assert summary(client.get("/partenaires/?kind=associative")) == "Filtrer (1 actif)"
    response = client.get("/partenaires/?kind=associative&field=handicap&q=x")
    assert summary(response) == "Filtrer (2 actifs)"


def test_showcase_default_period_is_no_filter_but_the_archives_are(client):
    assert summary(client.get("/actions/")) == "Filtrer"
    assert summary(client.get("/actions/?quand=a-venir")) == "Filtrer"
    assert summary(client.get("/actions/?quand=passees&type=event")) == "Filtrer (2 actifs)"


def test_filters_fold_unless_one_is_refused(client):
    assert '<details class="filters-disclosure">' in client.get("/actions/").content.decode()
    html = client.get("/actions/?mois=demain").content.decode()
    assert '<details class="filters-disclosure" open>' in html
