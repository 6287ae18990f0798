"""RGPD: a signatory's name stops being public a set time after their mandate ends."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from partners.models import Signature
from partners.services import signature_names_hide_expired
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def one_year_retention(settings):
    settings.UTOPIA_SIGNATORY_NAME_RETENTION_DAYS = 365


def test_name_hidden_once_retention_after_mandate_end_has_passed():
    expired = SignatureFactory(
        signatory_name="Jeanne Ancienne", mandate_ended_on=datetime.date(2025, 11, 24)
    )
    recent = SignatureFactory(
        signatory_name="Paul Récent", mandate_ended_on=datetime.date(2025, 11, 25)
    )
    serving = SignatureFactory(signatory_name="Marie En-Fonction")

    assert signature_names_hide_expired(today=TODAY) == 1

    expired.refresh_from_db()
    recent.refresh_from_db()
    serving.refresh_from_db()
    assert expired.name_hidden_on == TODAY
    assert expired.public_name == ""
    # Staff keep the name in the back-office (the register of signatures is not erased).
    assert expired.signatory_name == "Jeanne Ancienne"
    assert recent.name_hidden_on is None
    assert serving.name_hidden_on is None


def test_running_again_hides_nothing_more_and_keeps_the_first_date():
    signature = SignatureFactory(mandate_ended_on=datetime.date(2020, 1, 1))
    signature_names_hide_expired(today=TODAY)
    assert signature_names_hide_expired(today=TODAY + datetime.timedelta(days=30)) == 0
    signature.refresh_from_db()
    assert signature.name_hidden_on == TODAY


def test_retention_period_comes_from_settings(settings):
    settings.UTOPIA_SIGNATORY_NAME_RETENTION_DAYS = 30
    signature = SignatureFactory(mandate_ended_on=TODAY - datetime.timedelta(days=31))
    assert signature_names_hide_expired(today=TODAY) == 1
    signature.refresh_from_db()
    assert signature.name_hidden_on == TODAY


def test_hidden_name_no_longer_on_public_pages(client):
    signature = SignatureFactory(
        signatory_name="Hortense Discrète", mandate_ended_on=datetime.date(2019, 6, 30)
    )
    charter_url = reverse("partners:charter")
    partner_url = reverse("partners:detail", kwargs={"slug": signature.partner.slug})
    assert "Hortense Discrète" in client.get(charter_url).content.decode()

    output = io.StringIO()
    call_command("hide_expired_signatory_names", stdout=output)
    assert output.getvalue().startswith("1 nom(s) de signataire masqué(s)")

    charter_page = client.get(charter_url).content.decode()
    assert "Hortense Discrète" not in charter_page
    assert "nom retiré (fin de mandat)" in charter_page
    assert "Hortense Discrète" not in client.get(partner_url).content.decode()


def test_mandate_cannot_end_before_signature():
    signature = SignatureFactory.build(
        partner=SignatureFactory().partner, mandate_ended_on=datetime.date(2009, 5, 25)
    )
    with pytest.raises(ValidationError) as error:
        signature.full_clean()
    assert "La fin du mandat ne peut pas précéder la date de signature." in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        Signature.objects.filter(pk=SignatureFactory().pk).update(
            mandate_ended_on=datetime.date(2000, 1, 1)
        )
