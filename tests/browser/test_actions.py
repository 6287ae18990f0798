"""The showcase's whole journey in a browser: a member, with the keyboard only, posts an action
with an image, previews and submits it; CCAS staff publish it in the admin; a visitor finds it
in the list, on its page and in the feeds. axe-core checks every front-office page visited."""

import datetime

import feedparser
import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from partners.models import Action
from tests.browser.conftest import CHROMIUM, assert_accessible, login
from tests.factories import PASSWORD, FieldOfActionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Repair café solidaire"
START = datetime.date.today() + datetime.timedelta(days=30)


def new_page(browser, live_server):
    """Another person's browser (its own cookies), checked like the `page` fixture."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    return page


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user does."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never received the focus with Tab")


def test_member_posts_staff_publish_visitor_finds_and_subscribes(
    page, browser, live_server, member, partner, staff, tmp_path
):
    from tests.images import image_bytes

    FieldOfActionFactory(name="Lien social", slug="lien-social")
    picture = tmp_path / "affiche.png"
    picture.write_bytes(image_bytes("PNG", size=(1200, 800)))

    # 1. The member logs in and writes the action, keyboard only.
    page.goto(page.base_url + "/compte/connexion/")
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type(member.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/mon-espace/")
    assert_accessible(page)

    tab_to(page, 'a[href="/mon-espace/actions/nouvelle/"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/mon-espace/actions/nouvelle/")
    assert_accessible(page)

    tab_to(page, "#id_title")
    page.keyboard.type(TITLE)
    tab_to(page, "#id_summary")
    page.keyboard.type("On répare ensemble petits appareils et vêtements.")
    tab_to(page, "#id_body")
    page.keyboard.type("Apportez vos objets **cassés** : nos bénévoles vous aident.")
    tab_to(page, 'input[name="fields_of_action"]')
    page.keyboard.press("Space")
    # "Début" and "Fin" are the browser's own date and time pickers (datetime-local): reached
    # with Tab like any field, but the order and the number of their parts (jj/mm/aaaa,
    # mm/dd/yyyy, AM/PM) follow the browser's language, which differs between machines, so
    # the value is set, not typed.
    tab_to(page, "#id_starts_at")
    page.locator("#id_starts_at").fill(START.isoformat() + "T14:00")
    tab_to(page, "#id_ends_at")
    page.locator("#id_ends_at").fill(START.isoformat() + "T17:30")
    tab_to(page, "#id_place_name")
    page.keyboard.type("Salle des fêtes")
    tab_to(page, "#id_is_accessible")
    page.keyboard.press("ArrowDown")  # "Oui"
    # Choosing a file opens the system's dialog, outside the page: set it directly.
    page.locator("#id_image").set_input_files(str(picture))
    tab_to(page, "#submit-id-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # An image without alternative text is refused, next to the field, in French.
    # (The error summary at the top repeats it as a link to the field.)
    expect(page.locator("#error_1_id_image_alt")).to_contain_text(
        "Décrivez l'image en quelques mots"
    )
    expect(page.get_by_role("link", name="Texte alternatif de l'image")).to_have_attribute(
        "href", "#id_image_alt"
    )
    assert not Action.objects.exists()
    assert_accessible(page)
    page.locator("#id_image").set_input_files(str(picture))
    tab_to(page, "#id_image_alt")
    page.keyboard.type("Des bénévoles réparent un grille-pain")
    tab_to(page, "#submit-id-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**/mon-espace/actions/*/")

    # 2. The preview, then the submission.
    action = Action.objects.get()
    assert action.status == Action.Status.DRAFT
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert page.locator(".status-badge").inner_text() == "Brouillon"
    image = page.get_by_role("img", name="Des bénévoles réparent un grille-pain")
    assert image.get_attribute("width") == "960"
    assert_accessible(page)
    tab_to(page, 'form[action$="/soumettre/"] button')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("L'action est soumise au CCAS.").is_visible()
    assert_accessible(page)
    action.refresh_from_db()
    assert action.status == Action.Status.SUBMITTED

    # 3. CCAS staff publish it from the moderation queue.
    staff_page = new_page(browser, live_server)
    login(staff_page, staff)
    staff_page.goto(live_server.url + "/admin/partners/action/?status__exact=submitted")
    assert_accessible(staff_page)
    staff_page.locator(f'input[name="_selected_action"][value="{action.pk}"]').check()
    staff_page.select_option('select[name="action"]', "publish_selected")
    with staff_page.expect_navigation():
        staff_page.locator('button[name="index"]').click()
    assert staff_page.get_by_text("1 action traitée.").is_visible()
    assert_accessible(staff_page)
    action.refresh_from_db()
    assert action.status == Action.Status.PUBLISHED
    staff_page.context.close()

    # 4. A visitor finds it in the list, on its page and in both feeds.
    visitor = new_page(browser, live_server)
    visitor.goto(live_server.url + "/actions/")
    assert_accessible(visitor)
    visitor.get_by_role("link", name=TITLE).click()
    visitor.wait_for_url(f"**/actions/{action.slug}/")
    assert visitor.get_by_role("heading", level=1).inner_text() == TITLE
    assert visitor.locator('script[type="application/ld+json"]').count() == 1
    assert_accessible(visitor)
    feed = feedparser.parse(visitor.request.get(live_server.url + "/actions/flux/").body())
    assert [entry.title for entry in feed.entries] == [TITLE]
    calendar = Calendar.from_ical(
        visitor.request.get(live_server.url + "/actions/calendrier.ics").body()
    )
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == [TITLE]
    visitor.context.close()
    assert CHROMIUM  # the `page` fixture has skipped this test if Chromium is missing
