"""The portal's account: identified by its email address, one account per address whatever its
case, held by the database itself."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from partners.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TAKEN = "Un compte existe déjà avec cette adresse électronique."


def test_the_portals_account_model_is_partners_user():
    assert settings.AUTH_USER_MODEL == "partners.User"
    assert get_user_model() is User
    assert User.USERNAME_FIELD == User.EMAIL_FIELD == "email"
    assert str(User._meta.verbose_name) == "compte"


def test_the_database_refuses_a_second_account_whose_address_differs_only_by_case():
    # bulk_create skips save() and full_clean(): what refuses is the database's constraint.
    User.objects.bulk_create([User(email="Marie@Exemple.fr")])
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="marie@exemple.fr")])
    assert list(User.objects.values_list("email", flat=True)) == ["Marie@Exemple.fr"]


def test_full_clean_refuses_an_address_taken_in_another_case_in_french():
    User.objects.bulk_create([User(email="Marie@Exemple.fr")])
    with pytest.raises(ValidationError) as refused:
        User(email="marie@exemple.fr", password="!").full_clean()
    assert TAKEN in refused.value.messages


def test_full_clean_puts_the_address_in_its_written_form():
    account = User(email="Marie@ÉCOLE.fr", password="!")
    account.full_clean()
    assert account.email == "marie@xn--cole-9oa.fr"


def test_full_clean_refuses_a_non_ascii_part_before_the_at_sign_in_french():
    with pytest.raises(ValidationError) as refused:
        User(email="marıe@exemple.fr", password="!").full_clean()
    assert "email" in refused.value.message_dict


def test_full_clean_refuses_a_domain_whose_written_form_is_no_address():
    # IDNA turns the one character "⒈" into "1.", which leaves an empty label.
    with pytest.raises(ValidationError) as refused:
        User(email="marie@⒈.fr", password="!").full_clean()
    assert "email" in refused.value.message_dict
    assert not User.objects.exists()


def test_create_user_stores_the_address_in_its_written_form():
    account = User.objects.create_user("Marie@ÉCOLE.fr", PASSWORD, first_name="Marie")
    account.refresh_from_db()
    assert account.email == "marie@xn--cole-9oa.fr"
    assert account.check_password(PASSWORD)
    assert (account.first_name, account.is_staff, account.is_superuser) == ("Marie", False, False)
    assert User.objects.get_by_natural_key("marie@xn--cole-9oa.fr") == account


def test_create_user_refuses_a_non_ascii_part_before_the_at_sign():
    with pytest.raises(ValidationError, match="Avant le « @ »"):
        User.objects.create_user("marıe@exemple.fr", PASSWORD)
    assert not User.objects.exists()


def test_create_superuser_makes_a_staff_superuser():
    account = User.objects.create_superuser("Agent@CCAS-Thionville.fr", PASSWORD)
    assert account.email == "agent@ccas-thionville.fr"
    assert account.is_staff and account.is_superuser and account.is_active


def test_get_by_natural_key_compares_exactly():
    UserFactory(email="marie@exemple.fr")
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("Marie@Exemple.fr")


def test_createsuperuser_without_prompt_takes_the_address_and_password_from_the_environment(
    monkeypatch, client
):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "Premier.Agent@CCAS-Thionville.fr")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, verbosity=0)
    account = User.objects.get()
    assert account.email == "premier.agent@ccas-thionville.fr"
    assert account.is_staff and account.is_superuser
    response = client.post(
        "/compte/connexion/",
        {"username": "Premier.Agent@CCAS-Thionville.fr", "password": PASSWORD},
    )
    assert response.status_code == 302


def test_a_member_logs_in_with_their_address_in_any_case(client):
    UserFactory(email="marie@exemple.fr")
    response = client.post(
        "/compte/connexion/", {"username": "MARIE@Exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_the_rgpd_permissions_are_the_accounts():
    codenames = {codename for codename, _name in User._meta.permissions}
    assert codenames == {"rgpd_export", "rgpd_erase"}
