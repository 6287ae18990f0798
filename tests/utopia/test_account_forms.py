"""Where an address is typed to find or create an account (login, password reset, the
back-office's account forms), it is put in its one written form and compared exactly."""

import pytest

from partners.models import User
from tests.factories import PASSWORD, UserFactory
from tests.forms_finder import post_forms

pytestmark = pytest.mark.django_db


def log_in(client, email, password=PASSWORD):
    return client.post("/compte/connexion/", {"username": email, "password": password})


def test_login_finds_an_idna_account_from_its_unicode_spelling(client):
    UserFactory(email="camille@xn--cole-9oa.fr")
    response = log_in(client, "Camille@ÉCOLE.fr")
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"


def test_login_with_a_look_alike_address_finds_no_account(client):
    UserFactory(email="ccas@demo.utopia.test")
    response = log_in(client, "ccas@demo.utopıa.test")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_with_a_non_ascii_part_before_the_at_sign_is_refused_in_french(client):
    UserFactory(email="ccas@demo.utopia.test")
    response = log_in(client, "ccaſ@demo.utopia.test")
    assert response.status_code == 200
    assert "Avant le « @ »" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_is_sent_for_the_exact_address_only(client, mailoutbox):
    account = UserFactory(email="ccas@demo.utopia.test")
    client.post("/compte/mot-de-passe/oubli/", {"email": "ccas@demo.utopıa.test"})
    assert mailoutbox == []
    client.post("/compte/mot-de-passe/oubli/", {"email": "CCAS@Demo.Utopia.test"})
    assert [mail.to for mail in mailoutbox] == [[account.email]]


def test_password_reset_refuses_a_non_ascii_part_before_the_at_sign(client, mailoutbox):
    UserFactory(email="ccas@demo.utopia.test")
    response = client.post("/compte/mot-de-passe/oubli/", {"email": "ccaſ@demo.utopia.test"})
    assert response.status_code == 200
    assert "Avant le « @ »" in response.content.decode()
    assert mailoutbox == []


def current_values(html):
    """The change form's fields as the page shows them (text, hidden, ticked boxes)."""
    (form,) = [form for form in post_forms(html) if "email" in {f["name"] for f in form["fields"]}]
    data = {}
    for field in form["fields"]:
        if field["kind"] == "checkbox":
            if field["checked"]:
                data[field["name"]] = field["value"] or "on"
        elif field["kind"] not in ("select", "textarea"):
            data[field["name"]] = field["value"]
    return data


def test_back_office_creates_an_account_under_its_written_address(client, staff):
    client.force_login(staff)
    response = client.post(
        "/admin/partners/user/add/",
        {
            "email": "Nouvelle@ÉCOLE.fr",
            "usable_password": "true",
            "password1": "Une-phrase-de-passe-solide-2026",
            "password2": "Une-phrase-de-passe-solide-2026",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="nouvelle@xn--cole-9oa.fr").has_usable_password()


def test_back_office_refuses_a_second_account_for_the_same_address(client, staff, member):
    client.force_login(staff)
    response = client.post(
        "/admin/partners/user/add/",
        {"email": member.email.upper(), "usable_password": "false"},
    )
    assert response.status_code == 200
    assert "Un compte existe déjà avec cette adresse électronique." in response.content.decode()
    assert User.objects.filter(email=member.email).count() == 1


def test_back_office_change_stores_the_written_address(client, staff, member, other_member):
    client.force_login(staff)
    url = f"/admin/partners/user/{member.pk}/change/"
    data = current_values(client.get(url).content.decode())
    response = client.post(url, {**data, "email": "Membre@ÉCOLE.fr"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "membre@xn--cole-9oa.fr"
    # Another account's address is refused.
    response = client.post(url, {**data, "email": other_member.email})
    assert response.status_code == 200
    assert "Un compte existe déjà" in response.content.decode()
    member.refresh_from_db()
    assert member.email == "membre@xn--cole-9oa.fr"
