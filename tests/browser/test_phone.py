"""The site on a phone (375 px wide) first: the menu folds behind a "Menu" button (the ARIA
disclosure pattern, Bootstrap's collapse), lists put their results first, and no page of the
public and member crawl scrolls sideways.

The crawl also leaves a screenshot of every page at 375 and 1280 px in var/screenshots/ (or
SCREENSHOTS_DIR), out of the repository, for a person to review the look."""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login
from tests.browser.test_every_page import demo_site, pages_for  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 667}  # the smallest phone in common use (iPhone SE)
DESKTOP = {"width": 1280, "height": 900}


def screenshots_dir() -> Path:
    return Path(os.environ.get("SCREENSHOTS_DIR") or settings.BASE_DIR / "var" / "screenshots")


def phone(page):
    """A phone-sized page without animations: axe-core must not read the menu mid-slide."""
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size(PHONE)


def main_menu(page):
    return page.get_by_role("navigation", name="Navigation principale")


def test_menu_folds_behind_a_button_that_the_keyboard_opens_and_closes(page, demo_site):  # noqa: F811
    phone(page)
    page.goto(page.base_url + "/partenaires/")
    button = page.get_by_role("button", name="Menu")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-controls", "menu-principal")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(main_menu(page).get_by_role("link", name="Actions")).to_be_hidden()
    assert_accessible(page)

    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(main_menu(page).get_by_role("link", name="Actions")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    # The menu comes next in the tab order, right after its button.
    page.keyboard.press("Tab")
    expect(main_menu(page).get_by_role("link", name="Accueil")).to_be_focused()
    assert_accessible(page)

    page.keyboard.press("Shift+Tab")
    expect(button).to_be_focused()
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(main_menu(page).get_by_role("link", name="Actions")).to_be_hidden()

    # Opened, then followed: the next page starts folded again.
    button.click()
    main_menu(page).get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les actions des partenaires")
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "false")


def test_wide_screens_show_the_menu_without_a_button(page, demo_site):  # noqa: F811
    page.set_viewport_size(DESKTOP)
    page.goto(page.base_url + "/partenaires/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(main_menu(page).get_by_role("link", name="Groupes de travail")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()


def test_without_javascript_the_menu_stays_open_on_a_phone(browser, live_server, demo_site):  # noqa: F811
    context = browser.new_context(locale="fr-FR", viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/actions/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(main_menu(page).get_by_role("link", name="Groupes de travail")).to_be_visible()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    # The filters are a <details>: folded, and unfolded by a tap, scripts or not.
    page.get_by_text("Filtrer").click()
    expect(page.get_by_label("Domaine d'action")).to_be_visible()
    context.close()


def first_result_is_on_the_first_screen(page) -> None:
    first = page.get_by_role("main").get_by_role("article").first.get_by_role("link").first
    expect(first).to_be_in_viewport()
    box = first.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], (page.url, box)


@pytest.mark.parametrize(
    ("path", "summary", "hidden_field"),
    [
        (
            "/partenaires/?kind=associative&quartier=centre-ville",
            "Filtrer (2 actifs)",
            "Quartier",
        ),
        ("/partenaires/", "Filtrer", "Quartier"),
        ("/actions/?type=event", "Filtrer (1 actif)", "Domaine d'action"),
        ("/actions/", "Filtrer", "Type d'action"),
    ],
)
def test_lists_put_results_first_and_fold_their_filters_on_a_phone(
    page,
    demo_site,  # noqa: F811
    path,
    summary,
    hidden_field,
):
    phone(page)
    page.goto(page.base_url + path)
    disclosure = page.locator("summary", has_text=re.compile(r"^Filtrer"))
    expect(disclosure).to_have_text(summary)
    filters = page.locator("details.filters-disclosure")
    expect(filters).not_to_have_attribute("open", "")
    first_result_is_on_the_first_screen(page)
    assert_accessible(page)
    disclosure.click()
    expect(filters).to_have_attribute("open", "")
    expect(page.get_by_label(hidden_field)).to_be_visible()

    page.set_viewport_size(DESKTOP)
    page.goto(page.base_url + path)
    expect(filters).to_have_attribute("open", "")
    expect(page.get_by_label(hidden_field)).to_be_visible()


@pytest.mark.parametrize("email", [None, "emergence@demo.utopia.test"], ids=["anonymous", "member"])
def test_no_page_scrolls_sideways_on_a_phone(page, demo_site, email):  # noqa: F811
    """Every page of the crawl at 375 px: nothing wider than the screen (a table, a long word,
    a form). Screenshots of each page at 375 and 1280 px go to var/screenshots/<who>/."""
    from django.contrib.auth import get_user_model

    from partners.demo import DEMO_PASSWORD

    user = get_user_model().objects.get(email=email) if email else None
    paths = pages_for(user)
    assert len(paths) >= 10, paths
    if user:
        login(page, user, DEMO_PASSWORD)
    folder = screenshots_dir() / ("member" if user else "anonymous")
    folder.mkdir(parents=True, exist_ok=True)
    too_wide = []
    for path in paths:
        name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "accueil"
        page.set_viewport_size(PHONE)
        page.goto(page.base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append((path, width))
        page.screenshot(path=folder / f"{name}-375.png", full_page=True)
        page.set_viewport_size(DESKTOP)
        page.reload()  # what a wide screen loads (utopia.js opens the filters there)
        page.screenshot(path=folder / f"{name}-1280.png", full_page=True)
    assert not too_wide, too_wide
