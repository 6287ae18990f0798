"""Directory freshness: once a year, members confirm their partner's page by a signed,
expiring, single-use link; pages unconfirmed for over a year say so."""

import datetime
import html
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from partners import services
from partners.models import Partner
from tests.factories import MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def ago(days):
    return NOW - datetime.timedelta(days=days)


def confirm_path(mail):
    return re.search(r"https?://[^/\s]+(/fiche-a-jour/\S+/)", mail.body).group(1)


def ask(partner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.partner_confirmation_request(partner=partner)
    return confirm_path(mailoutbox[-1])


def test_due_partners_are_those_unconfirmed_for_eleven_months_and_not_yet_asked():
    stale = PartnerFactory(last_confirmed_at=ago(340))
    never = PartnerFactory(last_confirmed_at=None)
    fresh = PartnerFactory(last_confirmed_at=ago(100))
    asked = PartnerFactory(last_confirmed_at=ago(400), confirmation_requested_at=ago(20))
    asked_long_ago = PartnerFactory(last_confirmed_at=ago(800), confirmation_requested_at=ago(400))
    inactive = PartnerFactory(last_confirmed_at=ago(800), is_active=False)

    due = set(Partner.objects.confirmation_due(now=NOW))

    assert due == {stale, never, asked_long_ago}
    assert not due & {fresh, asked, inactive}


def test_command_emails_each_due_partners_members_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    stale = PartnerFactory(name="Le Relais", last_confirmed_at=ago(400))
    MembershipFactory(partner=stale)
    MembershipFactory(partner=stale)
    fresh = PartnerFactory(last_confirmed_at=ago(10))
    MembershipFactory(partner=fresh)
    output = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("request_partner_confirmations", stdout=output)

    assert output.getvalue().startswith("1 partenaire(s) sollicité(s)")
    assert len(mailoutbox) == 2
    assert all("la fiche du Relais" in mail.subject for mail in mailoutbox)
    assert "/fiche-a-jour/" in mailoutbox[0].body
    assert f"/partenaires/{stale.slug}/modifier/" in mailoutbox[0].body
    # Running again the next day asks nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("request_partner_confirmations", stdout=io.StringIO())
    assert len(mailoutbox) == 2


def test_link_shows_a_button_and_confirming_records_the_date(
    client, partner, member, mailoutbox, django_capture_on_commit_callbacks
):
    Partner.objects.filter(pk=partner.pk).update(last_confirmed_at=ago(400))
    partner.refresh_from_db()
    path = ask(partner, mailoutbox, django_capture_on_commit_callbacks)

    # Opening the link (a mail filter may do it) changes nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert "Oui, la fiche est toujours exacte" in page.content.decode()
    partner.refresh_from_db()
    assert partner.last_confirmed_at < ago(399)

    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == partner.get_absolute_url()
    partner.refresh_from_db()
    assert partner.last_confirmed_at > ago(1)
    assert not partner.is_confirmation_overdue


def test_reused_link_is_refused_and_changes_nothing(
    client, partner, member, mailoutbox, django_capture_on_commit_callbacks
):
    path = ask(partner, mailoutbox, django_capture_on_commit_callbacks)
    client.post(path)
    partner.refresh_from_db()
    confirmed = partner.last_confirmed_at

    again = client.post(path)

    assert again.status_code == 400
    assert "Ce lien a déjà servi" in again.content.decode()
    partner.refresh_from_db()
    assert partner.last_confirmed_at == confirmed


def test_expired_link_is_refused(
    client, partner, member, mailoutbox, django_capture_on_commit_callbacks, settings
):
    path = ask(partner, mailoutbox, django_capture_on_commit_callbacks)
    before = Partner.objects.get(pk=partner.pk).last_confirmed_at
    settings.UTOPIA_CONFIRMATION_LINK_MAX_AGE = -1

    response = client.post(path)

    assert response.status_code == 400
    assert "Ce lien a expiré" in response.content.decode()
    assert Partner.objects.get(pk=partner.pk).last_confirmed_at == before


@pytest.mark.parametrize("token", ["faux", "eyJwYXJ0bmVyIjoxfQ:1abc:xyz"])
def test_forged_link_is_refused(client, partner, token):
    response = client.post(f"/fiche-a-jour/{token}/")
    assert response.status_code == 400
    assert "Ce lien n'est pas valide." in html.unescape(response.content.decode())


def test_editing_the_page_also_invalidates_the_link(
    client, partner, manager, mailoutbox, django_capture_on_commit_callbacks
):
    path = ask(partner, mailoutbox, django_capture_on_commit_callbacks)
    services.partner_page_update(partner=partner, by=manager)
    assert client.post(path).status_code == 400


def test_public_page_says_when_unconfirmed_for_over_a_year(client, partner):
    notice = "n'ont pas été confirmées par le partenaire depuis plus d'un an"
    Partner.objects.filter(pk=partner.pk).update(last_confirmed_at=ago(366))
    assert notice in html.unescape(client.get(partner.get_absolute_url()).content.decode())
    Partner.objects.filter(pk=partner.pk).update(last_confirmed_at=ago(364))
    assert notice not in html.unescape(client.get(partner.get_absolute_url()).content.decode())
