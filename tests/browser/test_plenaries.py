"""The plenary journey in a browser: a member answers the convocation with the keyboard alone,
staff record attendance and publish the minutes in the back-office, a visitor reads them.
axe-core checks each public page on the way."""

import datetime

import pytest
from django.utils import timezone

from plenaries.models import Attendance, Plenary, Registration, semester_of
from tests.browser.conftest import assert_accessible, login
from tests.factories import AgendaItemFactory, PlenaryFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page, description: str, condition: str, limit: int = 60) -> None:
    """Press Tab until the focused element satisfies `condition` (JS, `el` is the element)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached {description}")


@pytest.fixture
def upcoming(db):
    date = timezone.localdate() + datetime.timedelta(days=20)
    year, semester = semester_of(date)
    plenary = PlenaryFactory(
        date=date,
        year=year,
        semester=semester,
        status=Plenary.Status.CONVENED,
        registration_deadline=date - datetime.timedelta(days=3),
    )
    AgendaItemFactory(plenary=plenary, order=1, title="Bilan des groupes de travail")
    return plenary


@pytest.fixture
def past(db):
    plenary = PlenaryFactory(date=datetime.date(2024, 3, 14), status=Plenary.Status.CONVENED)
    AgendaItemFactory(plenary=plenary, order=1, title="Thèmes prioritaires")
    return plenary


def test_member_answers_a_convocation_with_the_keyboard_only(page, member, partner, upcoming):
    login(page, member)
    page.goto(page.base_url + upcoming.get_absolute_url())
    assert_accessible(page)
    tab_to(page, "the answer link", "el.textContent.trim() === 'Répondre pour mon partenaire'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/reponse/")
    assert_accessible(page)
    tab_to(page, "the first answer", "el.type === 'radio'")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.value") == "attending"
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, "the number of people", "el.name === 'attendee_count'")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.type("Karim Demo")
    page.keyboard.press("Enter")
    page.keyboard.type("Léa Demo")
    tab_to(page, "the submit button", "el.type === 'submit' && el.value === 'Envoyer ma réponse'")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + upcoming.get_absolute_url())
    assert page.get_by_text("Votre réponse pour Emergence est enregistrée.").is_visible()
    assert_accessible(page)
    registration = Registration.objects.get()
    assert (registration.partner, registration.answer, registration.attendee_count) == (
        partner,
        Registration.Answer.ATTENDING,
        2,
    )
    assert registration.attendee_names == "Karim Demo\nLéa Demo"


def test_member_sees_a_clear_error_for_a_missing_number(page, member, partner, upcoming):
    login(page, member)
    page.goto(page.base_url + upcoming.get_absolute_url() + "reponse/")
    page.get_by_label("Nous serons présents").check()
    page.get_by_role("button", name="Envoyer ma réponse").click()
    assert page.get_by_text("Indiquez combien de personnes viendront").first.is_visible()
    assert_accessible(page)
    assert not Registration.objects.exists()


def test_staff_record_attendance_publish_minutes_and_a_visitor_reads_them(
    page, browser, live_server, staff, partner, other_partner, past
):
    login(page, staff)
    page.goto(page.base_url + f"/admin/plenaries/plenary/{past.pk}/presences/")
    assert_accessible(page)
    page.get_by_label("Présence d'Emergence").select_option("present")
    page.get_by_label("Personnes présentes pour Emergence").fill("Karim Demo")
    page.get_by_label("Présence de Croix-Rouge française").select_option("excused")
    page.get_by_role("button", name="Enregistrer les présences").click()
    assert "2 présences enregistrées." in page.locator(".messagelist").inner_text()
    assert Attendance.objects.count() == 2

    page.locator("#id_minutes").fill("## Bilan\n\nLes partenaires ont choisi leurs thèmes.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option(label="Publier le compte rendu")
    page.locator("button[name=index]").click()
    assert "Compte rendu publié (1)." in page.locator(".messagelist").inner_text()
    assert_accessible(page)

    visitor = browser.new_context(locale="fr-FR").new_page()
    visitor.console_errors = []
    visitor.goto(live_server.url + "/plenieres/")
    assert_accessible(visitor)
    visitor.get_by_role("link", name="1er semestre").click()
    assert visitor.get_by_role("heading", name="Bilan").is_visible()
    assert visitor.get_by_text("Les partenaires ont choisi leurs thèmes.").is_visible()
    assert visitor.get_by_text("Emergence").first.is_visible()
    assert_accessible(visitor)
    visitor.context.close()


def test_convocation_letter_and_home_are_accessible(page, upcoming):
    page.goto(page.base_url + "/")
    assert page.get_by_role("heading", name="Prochaine plénière").is_visible()
    assert_accessible(page)
    page.goto(page.base_url + upcoming.get_absolute_url() + "convocation/")
    assert_accessible(page)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert page.get_by_role("heading", level=1).is_visible()
