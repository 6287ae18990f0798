import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import FieldOfActionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def network(db):
    call_command("import_charter", stdout=io.StringIO())
    from partners.models import Partner

    emergence = Partner.objects.get(slug="emergence")
    emergence.summary = "Accueil de jour et accompagnement vers le logement."
    emergence.save()
    emergence.fields_of_action.add(FieldOfActionFactory(name="Logement", slug="logement"))
    return emergence


FOUNDATION_PAGES = [
    "/",
    "/charte/",
    "/partenaires/",
    "/partenaires/?q=introuvable",
    "/partenaires/emergence/",
    "/mentions-legales/",
    "/accessibilite/",
    "/donnees-personnelles/",
    "/plan-du-site/",
    "/demande-acces/",
    "/signaler-un-besoin/",
    "/signaler-un-besoin/merci/",
    "/compte/connexion/",
    "/compte/mot-de-passe/oubli/",
    "/compte/invitation/lien-invalide/",
    "/page-qui-n-existe-pas/",
]


def test_public_pages_have_no_axe_violation(page, network):
    for path in FOUNDATION_PAGES:
        page.goto(page.base_url + path)
        assert_accessible(page)


def test_invitation_page_has_no_axe_violation(page, network):
    from partners import services
    from tests.factories import InvitationFactory

    invitation = InvitationFactory(partner=network)
    page.goto(page.base_url + f"/compte/invitation/{services.invitation_token(invitation)}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Créer mon compte"
    assert_accessible(page)


def test_visitor_searches_the_directory_and_opens_a_partner(page, network):
    page.goto(page.base_url + "/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Partenaires"
    ).click()
    page.get_by_role("searchbox", name="Rechercher").fill("émergence")
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_text("1 partenaire trouvé").is_visible()
    page.get_by_role("link", name="Emergence").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Emergence"
    assert page.get_by_text("Mme Nicole DUMAY").is_visible()
    assert_accessible(page)


def tab_to(page, element_id: str, limit: int = 80) -> None:
    """Press Tab until the element has the focus, as a keyboard user does."""
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"#{element_id} never received the focus with Tab")


def test_a_person_reports_a_need_with_the_keyboard_only(page, network):
    """The honeypot is off screen and out of the tab order; the consent error and the thanks
    page are accessible; the report is stored once, with the consented contact."""
    from utopia.models import NeedReport

    page.goto(page.base_url + "/signaler-un-besoin/")
    assert page.locator("#id_website").bounding_box()["x"] < 0  # off screen
    tab_to(page, "id_description")
    page.keyboard.type("Aucune aide aux devoirs gratuite dans le quartier après 17 h.")
    page.keyboard.press("Tab")
    page.keyboard.type("Basse-Ham")
    page.keyboard.press("Tab")  # name: left empty
    page.keyboard.press("Tab")
    page.keyboard.type("camille@exemple.fr")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # A contact without consent: refused, in French, accessibly.
    # Next to the field (the error summary at the top repeats it as a link to the field).
    expect(page.locator("#error_1_id_contact_consent")).to_contain_text(
        "Cochez cette case pour que le CCAS garde vos coordonnées"
    )
    assert_accessible(page)
    assert not NeedReport.objects.exists()
    tab_to(page, "id_contact_consent")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")  # straight to the button: the hidden field is never reached
    assert page.evaluate("document.activeElement.id") == "submit-id-submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/signaler-un-besoin/merci/")
    assert page.get_by_role("heading", level=1).inner_text() == "Merci pour votre signalement"
    assert_accessible(page)
    report = NeedReport.objects.get()
    assert (report.place, report.contact_email, report.contact_consent) == (
        "Basse-Ham",
        "camille@exemple.fr",
        True,
    )


def test_too_many_reports_page_is_accessible(page, network, settings):
    """Past the limit, the form comes back (429) with what was typed and the reason, at the top
    of the page in the error summary, and is accessible."""
    settings.UTOPIA_NEED_REPORT_LIMIT = 0
    page.goto(page.base_url + "/signaler-un-besoin/")
    page.get_by_label("Le besoin que vous avez constaté").fill("Un besoin.")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.get_by_role("button", name="Envoyer le signalement").click()
    assert answer.value.status == 429
    expect(page).to_have_title(re.compile(r"^Erreur\s*:\s*Signaler un besoin"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaler un besoin")
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Trop de signalements viennent d'être envoyés depuis votre connexion"
    )
    expect(page.get_by_label("Le besoin que vous avez constaté")).to_have_value("Un besoin.")
    assert_accessible(page)
