"""The member page cache: a member's pages served again without their view, per member, URL,
day and data version, with a fresh form token each time, and never past a lost access."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from partners.models import Invitation, Membership, Partner
from tests.factories import (
    GroupMembershipFactory,
    MembershipFactory,
    PilotTermFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ACTION_FORM = "/mon-espace/actions/nouvelle/"


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.UTOPIA_PAGE_CACHE_SECONDS = 300


def without_tokens(response) -> str:
    return TOKEN.sub("", response.content.decode())


def test_a_members_form_page_is_served_again_without_its_view(
    client, member, partner, django_assert_num_queries
):
    client.force_login(member)
    first = client.get(ACTION_FORM)
    assert first.status_code == 200
    assert first.templates  # rendered
    # The session and the user: no permission query, no form, no template.
    with django_assert_num_queries(2):
        second = client.get(ACTION_FORM)
    assert second.status_code == 200
    assert not second.templates
    assert without_tokens(second) == without_tokens(first)
    assert partner.name in second.content.decode()
    assert "Content-Security-Policy" in second
    assert second["Content-Type"] == first["Content-Type"]


def test_each_response_carries_a_fresh_token_that_the_form_accepts(manager, partner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    path = f"/partenaires/{partner.slug}/inviter/"
    tokens = [TOKEN.findall(client.get(path).content.decode()) for _ in range(3)]
    assert all(tokens)
    assert "utopia-csrf-placeholder" not in str(tokens)
    assert len({found[0] for found in tokens}) == 3  # masked anew, as Django does

    response = client.post(
        path,
        {"csrfmiddlewaretoken": tokens[-1][0], "email": "nouvelle@exemple.fr", "role": "member"},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="nouvelle@exemple.fr").exists()


def test_a_new_login_gets_a_token_of_its_own_session(manager, partner):
    """Logging in rotates the CSRF secret: a page kept before must not replay the old token."""
    path = f"/partenaires/{partner.slug}/inviter/"
    before = Client(enforce_csrf_checks=True)
    before.force_login(manager)
    before.get(path)

    after = Client(enforce_csrf_checks=True)
    after.force_login(manager)
    page = after.get(path).content.decode()
    response = after.post(
        path,
        {"csrfmiddlewaretoken": TOKEN.findall(page)[0], "email": "b@exemple.fr", "role": "member"},
    )
    assert response.status_code == 302


def test_members_never_get_each_others_pages(
    client, member, partner, other_member, other_partner, django_assert_max_num_queries
):
    client.force_login(member)
    client.get(ACTION_FORM)

    other = Client()
    other.force_login(other_member)
    page = other.get(ACTION_FORM)
    assert page.templates  # rendered for them, not taken from the first member's entry
    select = re.search(r'<select name="partner".*?</select>', page.content.decode(), re.S)[0]
    assert other_partner.name in select
    assert partner.name not in select

    # A colleague of the same partner has an entry of their own too.
    colleague = MembershipFactory(partner=partner, user=UserFactory(email="c@exemple.fr")).user
    third = Client()
    third.force_login(colleague)
    assert third.get(ACTION_FORM).templates


def test_a_write_to_the_networks_data_shows_at_once(client, manager, partner):
    path = f"/partenaires/{partner.slug}/modifier/"
    client.force_login(manager)
    client.get(path)
    Partner.objects.get(pk=partner.pk).save()  # any write bumps the version
    partner.summary = "Accueil de jour et hébergement d'urgence"
    partner.save()
    assert "Accueil de jour et hébergement d&#x27;urgence" in client.get(path).content.decode()


def test_losing_access_is_never_hidden_by_a_kept_page(client, manager, partner):
    path = f"/partenaires/{partner.slug}/modifier/"
    client.force_login(manager)
    assert client.get(path).status_code == 200
    Membership.objects.filter(user=manager).delete()
    assert client.get(path).status_code == 404


def test_a_pilot_whose_term_ends_loses_the_pilot_pages_the_next_day(
    client, member, partner, monkeypatch
):
    today = timezone.localdate()
    group = WorkingGroupFactory()
    GroupMembershipFactory(group=group, partner=partner)
    # The term ends tomorrow: a date, not a write, takes the pilot's pages away.
    PilotTermFactory(
        group=group, user=member, partner=partner, ended_on=today + datetime.timedelta(1)
    )
    path = f"/groupes/{group.slug}/espace/reunions/nouvelle/"
    client.force_login(member)
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200  # kept

    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert client.get(path).status_code == 404


def test_a_pending_message_is_shown_once_and_the_page_with_it_is_not_kept(client, manager, partner):
    path = f"/partenaires/{partner.slug}/inviter/"
    client.force_login(manager)
    client.get(path)
    client.post(path, {"email": "d@exemple.fr", "role": "member"})
    shown = client.get(path).content.decode()
    assert "Invitation envoyée à d@exemple.fr" in shown
    assert "Invitation envoyée à d@exemple.fr" not in client.get(path).content.decode()


def test_staff_pages_are_not_kept(client, staff, partner):
    client.force_login(staff)
    client.get(f"/partenaires/{partner.slug}/modifier/")
    assert client.get(f"/partenaires/{partner.slug}/modifier/").templates


def test_an_error_page_for_a_member_has_a_real_token(client, member):
    client.force_login(member)
    response = client.get("/groupes/inexistant/espace/")
    assert response.status_code == 404
    assert "utopia-csrf-placeholder" not in response.content.decode()
    assert TOKEN.search(response.content.decode())


def test_pages_not_opted_in_are_rendered_every_time(client, member):
    client.force_login(member)
    client.get("/compte/preferences/")
    assert client.get("/compte/preferences/").templates


def test_a_page_that_used_a_csp_nonce_is_not_kept(rf, member, settings):
    """No template uses a nonce today; one that did would serve a nonce the browser refuses."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse
    from django.utils.csp import LazyNonce

    from utopia.cache import MemberPageCacheMiddleware

    def view(request):
        return HttpResponse(f"<script nonce='{request._csp_nonce}'></script>")

    view.cache_member_page = True
    request = rf.get("/mon-espace/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = member
    request._csp_nonce = LazyNonce()
    middleware = MemberPageCacheMiddleware(lambda r: view(r))
    assert middleware.process_view(request, view, (), {}) is None  # a miss
    middleware(request)
    again = rf.get("/mon-espace/")
    again.user = member
    again._csp_nonce = LazyNonce()
    assert middleware.process_view(again, view, (), {}) is None  # still a miss: not kept
