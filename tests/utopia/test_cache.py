"""The anonymous page cache: served without the database, invalidated by writes, and never
carrying one visitor's page to another."""

import pytest

from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.UTOPIA_PAGE_CACHE_SECONDS = 300


def test_second_anonymous_visit_is_served_without_queries(
    client, partner, django_assert_num_queries
):
    first = client.get("/partenaires/")
    with django_assert_num_queries(0):
        second = client.get("/partenaires/")
    assert second.content == first.content
    assert "Content-Security-Policy" in second


def test_a_write_invalidates_cached_pages(client, partner):
    assert "Nouvelle association" not in client.get("/partenaires/").content.decode()
    PartnerFactory(name="Nouvelle association")
    assert "Nouvelle association" in client.get("/partenaires/").content.decode()


def test_many_to_many_changes_invalidate_too(client, partner):
    from tests.factories import FieldOfActionFactory

    client.get(partner.get_absolute_url())
    partner.fields_of_action.add(FieldOfActionFactory(name="Handicap"))
    assert "Handicap" in client.get(partner.get_absolute_url()).content.decode()


def test_logged_in_users_never_get_or_fill_the_anonymous_cache(
    client, member, partner, django_assert_max_num_queries
):
    client.get(partner.get_absolute_url())  # cached for anonymous visitors
    client.force_login(member)
    page = client.get(partner.get_absolute_url()).content.decode()
    assert "Mettre à jour cette fiche" in page  # the member's own view, not the cached one
    client.logout()
    anonymous = client.get(partner.get_absolute_url()).content.decode()
    assert "Mettre à jour cette fiche" not in anonymous
    assert "Se déconnecter" not in anonymous


def test_pages_with_a_csrf_token_are_not_stored(client, db, django_assert_max_num_queries):
    first = client.get("/demande-acces/")
    client.cookies.clear()
    second = client.get("/demande-acces/")
    token = 'name="csrfmiddlewaretoken" value="'
    assert token in first.content.decode()
    assert first.content != second.content  # a fresh token each time, not a shared one


def test_pages_showing_a_message_are_not_served_from_cache(client, partner):
    client.get("/")
    client.post(
        "/demande-acces/",
        {"full_name": "Camille", "email": "c@exemple.fr", "partner": partner.pk},
    )
    page = client.get("/").content.decode()
    assert "Votre demande a été transmise" in page
    assert "Votre demande a été transmise" not in client.get("/").content.decode()


def test_private_areas_are_never_cached(client, staff, settings):
    from utopia.cache import AnonymousPageCacheMiddleware

    request_paths = ["/admin/login/", "/compte/connexion/", "/mon-espace/", "/sante/"]
    from django.test import RequestFactory

    for path in request_paths:
        request = RequestFactory().get(path)
        assert not AnonymousPageCacheMiddleware._cacheable_request(request), path


def test_member_space_is_kept_per_user_until_a_write(
    client, member, other_member, partner, django_assert_num_queries
):
    import re

    from django.test import Client

    from tests.factories import ActionFactory

    def page(response):  # without the logout form's token, masked anew on every response
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    client.force_login(member)
    first = page(client.get("/mon-espace/"))
    assert partner.name in first
    # Kept: the session and the user, nothing else.
    with django_assert_num_queries(2):
        assert page(client.get("/mon-espace/")) == first

    # Another member never gets the first one's blocks.
    other = Client()
    other.force_login(other_member)
    theirs = other.get("/mon-espace/").content.decode()
    assert partner.name not in theirs

    # A write to the network's data shows at once.
    ActionFactory(partner=partner, title="Permanence juridique gratuite")
    assert "Permanence juridique gratuite" in client.get("/mon-espace/").content.decode()


def test_feeds_are_stored_in_one_chunk(client, partner):
    """A feed is written piece by piece; served in pieces from the cache, each hit cost
    hundreds of small writes to the socket (20 ms instead of 2 in the benchmark)."""
    from tests.factories import ActionFactory

    for _ in range(3):
        ActionFactory(partner=partner, status="published")
    client.get("/actions/flux/")
    cached = client.get("/actions/flux/")
    assert cached.status_code == 200
    assert len(cached._container) == 1


def test_a_login_does_not_empty_the_page_cache(client, member):
    from utopia.cache import current_version

    before = current_version()
    client.force_login(member)  # saves last_login, and its audit-history row
    assert current_version() == before
