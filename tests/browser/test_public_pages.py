import io

import pytest
from django.core.management import call_command

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


def test_narrow_screen_keeps_the_navigation_usable(page, network):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(page.base_url + "/partenaires/")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    assert navigation.get_by_role("link", name="Partenaires").is_visible()
    assert navigation.get_by_role("link", name="La charte").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways on a phone"
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
