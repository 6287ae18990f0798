from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from partners.models import Partner
from partners.services import invitation_token
from tests.browser.conftest import assert_accessible, login
from tests.factories import PASSWORD, InvitationFactory, UserFactory
from utopia.models import StaffEnrolment
from utopia.two_factor import staff_enrolment_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_edits_their_partner_page_with_a_logo(page, member, partner, tmp_path):
    from tests.images import image_bytes

    logo = tmp_path / "logo.png"
    logo.write_bytes(image_bytes("PNG", size=(300, 200)))

    page.goto(page.base_url + "/compte/connexion/")
    assert_accessible(page)
    login(page, member)
    assert page.get_by_role("heading", level=1).inner_text() == "Mon espace"
    assert_accessible(page)

    page.get_by_role("link", name="Mettre à jour la fiche").click()
    assert_accessible(page)
    page.get_by_label("Présentation courte").fill("Accueil de jour et domiciliation.")
    page.get_by_label("Logo", exact=True).set_input_files(str(logo))
    page.get_by_role("button", name="Enregistrer la fiche").click()
    # Without alternative text the logo is refused, with a message next to the field.
    # (The error summary at the top repeats it as a link to the field.)
    expect(page.locator("#error_1_id_logo_alt")).to_contain_text(
        "Décrivez le logo en quelques mots"
    )
    assert_accessible(page)
    page.get_by_label("Logo", exact=True).set_input_files(str(logo))
    page.get_by_label("Texte alternatif du logo").fill("Logo d'Emergence")
    page.get_by_role("button", name="Enregistrer la fiche").click()

    assert page.get_by_text("La fiche a été enregistrée.").is_visible()
    assert page.get_by_role("heading", level=1).inner_text() == "Emergence"
    image = page.get_by_role("img", name="Logo d'Emergence")
    assert image.get_attribute("width") == "240"
    assert image.evaluate("img => img.naturalWidth") == 300
    assert_accessible(page)
    partner.refresh_from_db()
    assert partner.summary == "Accueil de jour et domiciliation."


def test_keyboard_only_login(page, member):
    page.goto(page.base_url + "/")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.textContent")
    assert skip.strip() == "Aller au contenu"
    # Reach the login link with Tab and follow it with Enter.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Se connecter":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/compte/connexion/")
    page.wait_for_load_state("load")
    # The email field has the focus on arrival.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(member.email)
    page.keyboard.press("Tab")
    from tests.factories import PASSWORD

    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/mon-espace/")
    assert Partner.objects.count() == 1


def test_staff_two_factor_pages_are_accessible(page, staff, settings):
    settings.UTOPIA_STAFF_2FA = True
    login(page, staff)
    # Without a link: the page explains where to get one.
    page.goto(page.base_url + "/compte/double-authentification/")
    assert page.get_by_role("img", name="Code QR à scanner").count() == 0
    assert_accessible(page)
    _enrolment, link = staff_enrolment_create(
        user=staff, by=None, channel=StaffEnrolment.Channel.COMMAND
    )
    page.goto(page.base_url + urlsplit(link).path)
    page.wait_for_url("**/compte/double-authentification/")
    assert page.get_by_role("img", name="Code QR à scanner").count() == 1
    assert_accessible(page)


def test_back_office_login_page_is_accessible(page, settings):
    for staff_2fa in (False, True):  # Django's form, then the one asking for the TOTP code
        settings.UTOPIA_STAFF_2FA = staff_2fa
        page.goto(page.base_url + "/admin/login/")
        assert page.get_by_role("heading", level=1).is_visible()
        assert_accessible(page)


def test_links_sent_by_email_lead_to_accessible_pages(page, member, partner):
    """The yearly "is this page still accurate?" link and the digest's unsubscribe link:
    each a page with one button, then a page that says it is done."""
    from partners.services import partner_confirmation_token
    from utopia.digest import unsubscribe_token

    page.goto(page.base_url + f"/fiche-a-jour/{partner_confirmation_token(partner)}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    partner.refresh_from_db()
    assert partner.last_confirmed_at is not None

    page.goto(page.base_url + f"/compte/lettre/desabonnement/{unsubscribe_token(member)}/")
    assert_accessible(page)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert_accessible(page)
    from utopia.models import EmailPreferences

    assert not EmailPreferences.objects.get(user=member).receives_digest


def test_member_accepts_an_invitation_by_logging_in_with_their_own_password(
    page, other_member, partner
):
    """An invitation to an address that has an account: log in, then one button joins."""
    invitation = InvitationFactory(partner=partner, email=other_member.email)
    page.goto(page.base_url + f"/compte/invitation/{invitation_token(invitation)}/")
    assert_accessible(page)
    page.get_by_role("link", name="Se connecter pour accepter").click()
    page.get_by_label("Adresse électronique").fill(other_member.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Accepter l'invitation"
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Rejoindre Emergence").click()
    assert page.url.endswith("/mon-espace/")
    assert other_member.memberships.filter(partner=partner).exists()

    closed = UserFactory(email="ferme@exemple.fr", is_active=False)
    closed_invitation = InvitationFactory(partner=partner, email=closed.email)
    page.goto(page.base_url + f"/compte/invitation/{invitation_token(closed_invitation)}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ce compte a été fermé"
    assert_accessible(page)
