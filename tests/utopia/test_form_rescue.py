"""Nothing typed is lost: a French page for a refused CSRF check, and a form posted after the
session ended comes back filled after logging in again."""

import time

import pytest
from django.test import Client

from partners.models import Action
from partners.rescue import SESSION_KEY
from tests.partners.test_action_member_pages import form_data

pytestmark = pytest.mark.django_db

NEW_ACTION = "/mon-espace/actions/nouvelle/"


def test_a_refused_csrf_check_gets_a_french_page_that_says_what_to_do():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/signaler-un-besoin/", {"description": "Un besoin"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>Le formulaire n'a pas pu être envoyé" in page
    assert "Rien n'a été enregistré" in page
    assert "CSRF" not in page


def test_a_form_posted_after_the_session_ended_comes_back_filled_after_login(
    client, member, partner
):
    client.force_login(member)
    client.logout()  # the session ended while the person was writing
    typed = form_data(partner, title="Atelier cuisine du monde", summary="On cuisine ensemble.")
    response = client.post(NEW_ACTION, typed)
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/?next=")
    assert not Action.objects.exists()
    login_page = client.get(response["Location"]).content.decode()
    assert "ce que vous avez écrit n&#x27;est pas perdu" in login_page

    client.force_login(member)
    page = client.get(NEW_ACTION).content.decode()
    assert 'value="Atelier cuisine du monde"' in page
    assert 'value="On cuisine ensemble."' in page
    assert "Voici ce que vous aviez écrit" in page
    assert "data-error-summary" not in page  # filled in, not refused
    assert not Action.objects.exists()  # nothing saved until the person sends it again
    # Once only.
    assert "Atelier cuisine du monde" not in client.get(NEW_ACTION).content.decode()


def test_passwords_and_the_csrf_token_are_never_kept(client, member):
    client.force_login(member)
    client.logout()
    client.post(
        "/compte/mot-de-passe/",
        {
            "old_password": "secret-ancien",
            "new_password1": "secret-nouveau",
            "new_password2": "secret-nouveau",
            "csrfmiddlewaretoken": "x",
            "note": "gardé",
        },
    )
    kept = client.session[SESSION_KEY]["fields"]
    assert kept == {"note": ["gardé"]}


def test_what_was_kept_is_given_only_to_its_own_page_and_not_for_ever(
    client, member, partner, monkeypatch
):
    client.force_login(member)
    client.logout()
    client.post(NEW_ACTION, form_data(partner, title="Atelier cuisine du monde"))
    client.force_login(member)
    assert "Atelier cuisine du monde" not in client.get("/reseau/publier/").content.decode()
    later = time.time() + 2 * 60 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert "Atelier cuisine du monde" not in client.get(NEW_ACTION).content.decode()
