"""Every page a person can reach, as each role: no server error, and the strict
Content-Security-Policy on every response."""

import io

import pytest
from django.core.management import call_command

from partners.demo import DEMO_ACCOUNTS
from tests.crawl import crawl

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def demo_user(email):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=email)


ROLES = {
    "anonymous": None,
    "member": "emergence@demo.utopia.test",
    "institution": "mission-locale@demo.utopia.test",
    "staff": "ccas@demo.utopia.test",
}


@pytest.mark.parametrize("role", ROLES)
def test_every_reachable_page_has_csp_and_no_server_error(client, demo_site, role):
    assert {email for email, _ in DEMO_ACCOUNTS} >= {e for e in ROLES.values() if e}
    if ROLES[role]:
        client.force_login(demo_user(ROLES[role]))
    start = ["/", "/mon-espace/"] if ROLES[role] else ["/"]
    visited = []
    for path, response in crawl(client, start=start):
        visited.append(path)
        assert response.status_code < 500, path
        assert response.status_code in (200, 301, 302, 404, 410), (path, response.status_code)
        policy = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path
        assert "unsafe-eval" not in policy, path
        assert response["X-Content-Type-Options"] == "nosniff", path
    assert len(visited) > 20, visited
