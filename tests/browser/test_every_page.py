"""axe-core on every kind of page a person can reach — public, member and staff front-office —
found by following the site's own links from the home page and "Mon espace"."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from tests.browser.conftest import assert_accessible, login
from tests.crawl import crawl, route_key

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOT_PAGES = (".ics", ".xml", ".txt", "/flux/", "/telecharger/", "/export")


@pytest.fixture
def demo_site(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def pages_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    start = ["/", "/mon-espace/"] if user else ["/"]
    return [
        path
        for path, response in crawl(client, start=start, key=route_key)
        if response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not any(marker in path for marker in NOT_PAGES)
    ]


@pytest.mark.parametrize(
    "email",
    [
        None,
        "emergence@demo.utopia.test",
        "mission-locale@demo.utopia.test",
        "ccas@demo.utopia.test",
    ],
    ids=["anonymous", "member", "institution", "staff"],
)
def test_axe_finds_no_violation_on_any_page(page, demo_site, email):
    from django.contrib.auth import get_user_model

    from partners.demo import DEMO_PASSWORD

    user = get_user_model().objects.get(email=email) if email else None
    paths = pages_for(user)
    assert len(paths) >= 10, paths
    if user:
        login(page, user, DEMO_PASSWORD)
    for path in paths:
        page.goto(page.base_url + path)
        assert_accessible(page)
