"""One error pattern for every form: posted with nothing filled in, each form page of the
public and member crawl comes back with an error summary at the top ("Il y a N erreurs"), each
error a link to a field that exists, the same message next to the field (aria-describedby), and
a page title that starts with "Erreur : "."""

import io
import re
from html.parser import HTMLParser

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client
from django.urls import resolve

from tests.crawl import crawl, route_key
from tests.forms_finder import post_forms

pytestmark = pytest.mark.django_db

# Forms whose submission ends the session, or that are not the page's own form.
SKIPPED_ACTIONS = ("/deconnexion/", "/admin/", "/desabonnement/")

# Every form page that must be met, by role: the crawl reaching fewer would hide a page.
EXPECTED = {
    None: {
        "partners:access_request",
        "need_report",
        "login",
        "password_reset",
    },
    "emergence@demo.utopia.test": {
        "partners:update",
        "partners:invite",
        "partners:action_create",
        "partners:action_update",
        "partners:bulletin_create",
        "plenaries:answer",
        "workgroups:meeting_create",
        "workgroups:document_create",
        "workgroups:topic_create",
        "workgroups:topic_detail",
        "workgroups:need_create",
        "workgroups:project_create",
        "workgroups:expertise_create",
        "password_change",
    },
}


class _Page(HTMLParser):
    """The ids of a page, its title, the error summary's links and the invalid fields."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.title = ""
        self.summary_links: list[str] = []
        self.summary_title = ""
        self.invalid: list[dict] = []
        self._in = None
        self._summary_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "title":
            self._in = "title"
        if "data-error-summary" in attrs:
            self._summary_depth = 1
        elif self._summary_depth and tag == "div":
            self._summary_depth += 1
        if self._summary_depth and tag == "a":
            self.summary_links.append(attrs.get("href", ""))
        if self._summary_depth and tag == "h2":
            self._in = "summary_title"
        if attrs.get("aria-invalid") == "true":
            self.invalid.append(attrs)

    def handle_endtag(self, tag):
        if tag in ("title", "h2"):
            self._in = None
        if self._summary_depth and tag == "div":
            self._summary_depth -= 1

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "summary_title":
            self.summary_title += data


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def assert_error_pattern(html: str, where: str) -> None:
    page = parse(html)
    assert page.title.startswith("Erreur\u00a0: "), (where, page.title)
    count = int(re.search(r"Il y a (\d+) erreurs?", page.summary_title).group(1))
    assert count == len(page.summary_links) >= 1, (where, page.summary_title)
    for href in page.summary_links:
        assert href.startswith("#") and href[1:] in page.ids, (where, href)
    for field in page.invalid:
        described = field.get("aria-describedby", "").split()
        if field.get("type") in ("checkbox", "radio"):
            continue  # their fieldset carries aria-describedby
        assert any(part.endswith("_error") and part in page.ids for part in described), (
            where,
            field.get("name"),
        )


@pytest.fixture
def demo_site(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def _refused_pages(client, start):
    """Each POST form of the crawl, posted with its hidden fields only."""
    done = set()
    for path, response in crawl(client, start=start, key=route_key, limit=250):
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for form in post_forms(response.content.decode()):
            action = form["action"] or path
            if any(part in action for part in SKIPPED_ACTIONS) or action in done:
                continue
            done.add(action)
            data = {f["name"]: f["value"] for f in form["fields"] if f["kind"] == "hidden"}
            refused = client.post(action, data)
            if refused.status_code == 200 and 'aria-invalid="true"' in refused.content.decode():
                yield resolve(action.split("?")[0]).view_name, action, refused


@pytest.mark.parametrize("email", [None, "emergence@demo.utopia.test"], ids=["anonymous", "member"])
def test_every_refused_form_shows_the_error_summary(demo_site, email):
    client = Client()
    if email:
        client.force_login(get_user_model().objects.get(email=email))
    seen = set()
    for name, action, response in _refused_pages(
        client, ["/", "/mon-espace/"] if email else ["/", "/compte/connexion/"]
    ):
        seen.add(name)
        assert_error_pattern(response.content.decode(), action)
    assert EXPECTED[email] <= seen, EXPECTED[email] - seen


def test_the_summary_counts_in_french_and_links_a_checkbox_list_to_its_first_box():
    class Form(forms.Form):
        name = forms.CharField(label="Nom")
        kinds = forms.MultipleChoiceField(
            label="Types", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
        )

        def clean(self):
            raise forms.ValidationError("Tout est faux.")

    template = Template("{% load form_errors %}{% error_summary %}")
    one = Form({"name": "x", "kinds": ["a"]})
    html = template.render(Context({"form": one}))
    assert "Il y a 1 erreur<" in html and 'href="#id_name"' in html
    many = Form({})
    html = template.render(Context({"form": many}))
    assert "Il y a 3 erreurs" in html
    assert 'href="#id_kinds_0"' in html and "Types&nbsp;: Ce champ est obligatoire." in html
    assert template.render(Context({"form": Form()})).strip() == ""


def test_a_page_without_a_refused_form_keeps_its_title(client):
    response = client.get("/signaler-un-besoin/")
    assert not parse(response.content.decode()).title.startswith("Erreur")
    assert b"data-error-summary" not in response.content
