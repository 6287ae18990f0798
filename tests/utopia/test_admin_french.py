"""The back-office reads as French: the project's catalog overrides Django's phrases that go
wrong with the portal's nouns, titles agree with each noun, and a crawl of every page an agent
reaches finds no English word and no « l'objet »."""

import ast
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import resolve
from django.utils import translation
from django.utils.translation import gettext, ngettext

from partners.demo import DEMO_ACCOUNTS
from partners.models import Action
from tests.crawl import crawl_admin
from tests.factories import ActionFactory, PlenaryFactory, StaffFactory
from utopia.staff import AGENT_GROUP

pytestmark = pytest.mark.django_db

CATALOG = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"

# English words of Django's admin and of the apps it installs, as whole words, case-sensitive.
ENGLISH = re.compile(
    r"\b(Search|Filter|Add|Change|Delete|TOTP|Task|Save|Select|View|History|Home|Run|Go|"
    r"Clear|Show|Hide|Yes|Today|Now|Log out|Logout|Password|Username|Welcome|Documentation|"
    r"Changes|Object|Summary|Recent actions|None available)\b"
)
KINDS = ("changelist", "change", "add")
OBJECT = re.compile(r"\bl[’']objet\b", re.IGNORECASE)


def catalog_entries():
    """(msgid, msgid_plural, [msgstr...]) of the project's catalog."""
    entries, entry, key = [], {}, None
    for line in [*CATALOG.read_text().splitlines(), ""]:
        if not line.strip():
            if entry.get("msgid"):
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _space, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def test_the_compiled_catalog_says_what_the_po_file_says():
    entries = catalog_entries()
    assert len(entries) > 30
    with translation.override("fr"):
        for entry in entries:
            if "msgid_plural" in entry:
                plural = (entry["msgid"], entry["msgid_plural"])
                assert ngettext(*plural, 1) == entry["msgstr[0]"], entry["msgid"]
                assert ngettext(*plural, 5) == entry["msgstr[1]"], entry["msgid"]
            else:
                assert gettext(entry["msgid"]) == entry["msgstr"], entry["msgid"]


class PageText(HTMLParser):
    """What a person reads or hears of a page: its visible text and the accessible names given
    by attributes (alt, aria-label, title, placeholder, button values); not its URLs, nor the
    texts being edited (a textarea's content is the network's writing, not the page's)."""

    NAMED_BY = ("alt", "aria-label", "title", "placeholder")

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "template", "textarea"):
            self.skipping += 1
        self.parts += [attrs[name] or "" for name in self.NAMED_BY if name in attrs]
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.parts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template", "textarea"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def readable_text(html: str) -> str:
    parser = PageText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_the_page_text_reader_finds_what_the_crawl_looks_for():
    html = (
        '<p>Choisir <img alt="Search" src="/admin/Delete"></p><script>var Add;</script>'
        '<a href="/admin/objet/" aria-label="Sélectionnez l’objet action">x</a>'
    )
    text = readable_text(html)
    assert ENGLISH.findall(text) == ["Search"]
    assert OBJECT.search(text)


def test_titles_agree_with_their_noun(client):
    action = ActionFactory(title="Atelier CV")
    plenary = PlenaryFactory()
    client.force_login(StaffFactory())
    changelist = client.get("/admin/partners/action/").content.decode()
    assert "<h1>Choisir une action à modifier</h1>" in changelist
    assert ">Ajouter une action</a>" in changelist
    change = client.get(f"/admin/partners/action/{action.pk}/change/").content.decode()
    assert "<h1>Modifier l’action « Atelier CV »</h1>" in change
    assert (
        "<h1>Ajouter un partenaire</h1>"
        in client.get("/admin/partners/partner/add/").content.decode()
    )
    plenary_page = client.get(f"/admin/plenaries/plenary/{plenary.pk}/change/").content.decode()
    assert f"<h1>Modifier la plénière « {plenary} »</h1>" in plenary_page
    deletion = client.get(f"/admin/partners/action/{action.pk}/delete/").content.decode()
    assert "Supprimer l’action « Atelier CV » ?" in deletion
    assert Action.objects.filter(pk=action.pk).exists()


def test_the_login_asks_for_an_email_address(client):
    page = readable_text(client.get("/admin/login/").content.decode())
    assert "Adresse électronique" in page
    assert "Nom d’utilisateur" not in page and "Nom d'utilisateur" not in page


# django-simple-history's history pages call select_related() with no argument, which Django
# 6.1 deprecates: a warning of the library's, not an error of the page.
@pytest.mark.filterwarnings("ignore:Calling select_related\\(\\) with no arguments")
def test_every_back_office_page_an_agent_reaches_reads_as_french(client, settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    agent = get_user_model().objects.get(email=DEMO_ACCOUNTS[0][0])
    assert agent.groups.filter(name=AGENT_GROUP).exists() and not agent.is_superuser
    client.force_login(agent)
    reached = []
    problems = []
    for path, response in crawl_admin(client):
        assert response.status_code in (200, 302), (path, response.status_code)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        reached.append(resolve(path.split("?")[0]).url_name)
        text = readable_text(response.content.decode())
        problems += [(path, word) for word in sorted(set(ENGLISH.findall(text)))]
        problems += [(path, found.group()) for found in OBJECT.finditer(text)]
    by_word = {}
    for path, word in problems:
        by_word.setdefault(word, []).append(path)
    assert not by_word, {word: paths[:3] for word, paths in by_word.items()}
    # The crawl reached every kind of page: each list, and change and add forms.
    kinds = {kind: sum(name.endswith(f"_{kind}") for name in reached) for kind in KINDS}
    assert kinds["changelist"] >= 25 and kinds["change"] >= 15 and kinds["add"] >= 15, kinds
