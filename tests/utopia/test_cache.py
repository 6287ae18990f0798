"""The anonymous page cache: served without the database, invalidated by writes, and never
carrying one visitor's page to another."""

import html

import pytest

from partners.models import Membership
from tests.factories import BulletinPostFactory, PartnerFactory

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


def test_a_members_pages_are_rendered_by_their_view_on_every_request(client, manager, partner):
    """No page of a logged-in person is kept: each request runs its view, permission included."""
    client.force_login(manager)
    for path in ("/mon-espace/", "/mon-espace/actions/nouvelle/", "/reseau/"):
        client.get(path)
        again = client.get(path)
        assert again.status_code == 200, path
        assert again.templates, path  # rendered, not replayed
    edit = f"/partenaires/{partner.slug}/modifier/"
    assert client.get(edit).status_code == 200
    Membership.objects.filter(user=manager).delete()
    assert client.get(edit).status_code == 404


def test_text_shaped_like_a_form_token_placeholder_is_shown_as_written(
    client, member, other_member, partner
):
    """The member page cache replaced this text, wherever it stood, with the viewer's own CSRF
    token: a bulletin post quoting it showed each reader a token of theirs."""
    link = "https://exemple.fr/inscription?ref=utopia-csrf-placeholder-7c1e"
    BulletinPostFactory(partner=partner, author=member, body=f"Inscriptions : {link}")
    client.force_login(other_member)
    client.get("/reseau/")
    for _ in range(2):
        page = html.unescape(client.get("/reseau/").content.decode())
        assert f'href="{link}"' in page
        assert f">{link}</a>" in page


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
