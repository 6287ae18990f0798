"""Convening every partner in a browser: staff see the coverage on the « Convoquer » page, send
the convocation and open the letters to print; a partner answers through the emailed link
without an account; the answer shows in the staff's list. axe-core checks each page."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from plenaries.models import Plenary, Registration, semester_of
from tests.browser.conftest import assert_accessible, login
from tests.factories import AgendaItemFactory, PartnerFactory, PlenaryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def in_preparation(db):
    date = timezone.localdate() + datetime.timedelta(days=20)
    year, semester = semester_of(date)
    plenary = PlenaryFactory(
        date=date, year=year, semester=semester, status=Plenary.Status.PREPARATION
    )
    AgendaItemFactory(plenary=plenary, order=1, title="Bilan des groupes de travail")
    return plenary


def test_staff_convene_print_letters_and_a_partner_answers_without_an_account(
    page, browser, live_server, staff, partner, in_preparation, mailoutbox
):
    partner.correspondent_name = "Camille Martin"
    partner.correspondent_email = "camille@emergence.fr"
    partner.save()
    PartnerFactory(
        name="Tremplin",
        address="8 allée des Lilas",
        postal_code="57100",
        correspondent_name="Paul Durand",
    )

    login(page, staff)
    page.goto(page.base_url + f"/admin/plenaries/plenary/{in_preparation.pk}/convoquer/")
    summary = page.locator(".coverage-summary")
    expect(summary).to_contain_text("Partenaires actifs à convoquer (hors CCAS)")
    expect(page.locator(".coverage-letters")).to_contain_text("Tremplin")
    assert_accessible(page)
    page.get_by_role("button", name="Envoyer la convocation").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Partenaires joints par courriel : 1 sur 2 ; messages envoyés : 1 ; à contacter par "
        "courrier : 1."
    )
    expect(page.locator(".convocation-log")).to_contain_text("à contacter par courrier")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Lettres de convocation à imprimer")).click()
    letters = page.locator("article.letter")
    expect(letters).to_have_count(1)
    expect(letters.first).to_contain_text("À l'attention de Paul Durand")
    expect(letters.first).to_contain_text("8 allée des Lilas")
    expect(letters.first.locator(".letter__link")).to_contain_text("/reponse/")
    assert_accessible(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()

    [message] = [m for m in mailoutbox if m.to == ["camille@emergence.fr"]]
    link = re.search(r"https?://\S+/reponse/\S+/", message.body).group(0)
    path = link.split("/plenieres/", 1)[1]

    correspondent = browser.new_context(locale="fr-FR").new_page()
    correspondent.console_errors = []
    correspondent.goto(live_server.url + "/plenieres/" + path)
    expect(correspondent.get_by_role("heading", level=1)).to_contain_text("Réponse de Emergence")
    assert_accessible(correspondent)
    correspondent.get_by_label("Nous serons présents").check()
    correspondent.get_by_label("Nombre de personnes").fill("2")
    correspondent.get_by_label("Noms des personnes").fill("Camille Martin\nLéa Dupont")
    correspondent.get_by_role("button", name="Envoyer ma réponse").click()
    expect(correspondent.get_by_text("La réponse de Emergence est enregistrée.")).to_be_visible()
    expect(correspondent.locator(".answer-current")).to_contain_text("Présent")
    assert_accessible(correspondent)
    correspondent.context.close()
    registration = Registration.objects.get()
    assert (registration.partner, registration.attendee_count) == (partner, 2)
    assert registration.answered_by is None

    plenary = Plenary.objects.get()
    page.emulate_media(media="screen")
    page.goto(page.base_url + f"/plenieres/{plenary.slug}/reponses/")
    expect(page.get_by_role("row", name=re.compile("Emergence"))).to_contain_text("Présent")
    assert_accessible(page)
