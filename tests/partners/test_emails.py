"""Email addresses have one written form: lower case, the domain in IDNA ("xn--") form."""

import pytest
from django.core.exceptions import ValidationError

from partners.demo import DEMO_ACCOUNTS
from partners.emails import NormalizedEmailField, normalize_email


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (" Camille.Martin@Exemple.FR ", "camille.martin@exemple.fr"),
        ("ccas@demo.utopıa.test", "ccas@demo.xn--utopa-q4a.test"),
        ("contact@ÉCOLE.fr", "contact@xn--cole-9oa.fr"),
        ("contact@xn--COLE-9oa.fr", "contact@xn--cole-9oa.fr"),
    ],
)
def test_an_address_is_written_in_lower_case_with_an_idna_domain(typed, written):
    assert normalize_email(typed) == written
    assert normalize_email(written) == written


def test_a_look_alike_domain_stays_visibly_different():
    assert normalize_email("ccas@demo.utopıa.test") != normalize_email("CCAS@demo.utopia.test")


@pytest.mark.parametrize("address", ["ccaſ@exemple.fr", "ccası@exemple.fr", "élise@exemple.fr"])
def test_a_non_ascii_part_before_the_at_sign_is_refused_in_french(address):
    with pytest.raises(ValidationError, match="Avant le « @ »") as error:
        normalize_email(address)
    assert error.value.code == "non_ascii_local_part"


@pytest.mark.parametrize("address", ["a@" + "b" * 64 + ".fr", "a@exemple..fr"])
def test_a_domain_without_an_idna_form_is_refused_in_french(address):
    with pytest.raises(ValidationError, match="nom de domaine"):
        normalize_email(address)


def test_the_form_field_cleans_into_the_written_form_and_checks_the_syntax():
    field = NormalizedEmailField()
    assert field.clean("Ccas@Demo.Utopıa.Test") == "ccas@demo.xn--utopa-q4a.test"
    with pytest.raises(ValidationError):
        field.clean("pas une adresse")
    with pytest.raises(ValidationError):
        field.clean("a@b@exemple.fr")


def test_demo_accounts_are_in_the_written_form():
    for email, _description in DEMO_ACCOUNTS:
        assert normalize_email(email) == email
