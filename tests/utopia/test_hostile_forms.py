"""Property-based test: arbitrary text — control characters, very long strings, hostile
HTML — thrown at every public and member form never causes a server error, and never comes
back as live HTML."""

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crawl import crawl, route_key
from tests.forms_finder import fill, post_forms

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("utopia")</script><img src=x onerror="alert(1)"><a href="javascript:alert(2)">x</a>'
LIVE_HTML = re.compile(r'<script>alert\("utopia"\)|<img src=x onerror|href="javascript:alert\(2\)"')
# Forms whose submission ends the session or locks the account under test.
SKIPPED_ACTIONS = ("/deconnexion/", "/compte/connexion/", "/admin/")

texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50).map(
        lambda t: t + HOSTILE
    ),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=30),
    st.integers(min_value=1_000, max_value=20_000).map(lambda n: "é" * n),
    st.sampled_from(["", " ", HOSTILE, "-1", "2026-13-45", "0" * 400, "\u202e\u0000\ufeff"]),
)


@pytest.fixture
def demo_site(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def form_pages(client, start):
    found = []
    for path, response in crawl(client, start=start, key=route_key, limit=200):
        if response.status_code != 200 or not response.get("Content-Type", "").startswith(
            "text/html"
        ):
            continue
        for form in post_forms(response.content.decode()):
            action = form["action"] or path
            if not any(part in action for part in SKIPPED_ACTIONS):
                found.append((path, action, form))
    return found


@pytest.mark.parametrize(
    "email",
    [None, "emergence@demo.utopia.test", "ccas@demo.utopia.test"],
    ids=["anonymous", "member", "staff"],
)
def test_arbitrary_text_in_every_form_never_breaks_or_injects(demo_site, email):
    from django.contrib.auth import get_user_model

    client = Client()
    if email:
        client.force_login(get_user_model().objects.get(email=email))
    pages = form_pages(client, ["/", "/mon-espace/"] if email else ["/"])
    assert pages, "no form found"

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(text=texts)
    def throw(text):
        for _path, action, form in pages:
            response = client.post(action, fill(form, text))
            assert response.status_code < 500, (action, text[:80])
            shown = client.get(response["Location"]) if response.status_code == 302 else response
            if shown.status_code == 200 and shown.get("Content-Type", "").startswith("text/html"):
                assert not LIVE_HTML.search(shown.content.decode()), (action, text[:80])

    throw()
