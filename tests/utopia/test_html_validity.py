"""Every public and member page is valid HTML for the Nu HTML Checker (vnu-jar from npm, run
with the machine's Java): what a browser would repair silently, an assistive technology may
read wrongly. All pages go to one invocation of the checker, whose start-up dominates."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.crawl import crawl
from tests.utopia.test_site_wide import ROLES, demo_user

pytestmark = pytest.mark.django_db

VNU_JAR = Path(__file__).resolve().parents[2] / "node_modules/vnu-jar/build/dist/vnu.jar"


@pytest.fixture
def demo_site(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def check_html(directory: Path) -> list[dict]:
    """The checker's errors and warnings on every .html file of the directory (its plain
    information messages left out: "Trailing slash on void elements" is crispy-forms' `<input
    ... />`, valid HTML)."""
    java = shutil.which("java")
    if not java or not VNU_JAR.exists():
        pytest.fail("The HTML check needs Java and vnu-jar: `apt install default-jre`, `npm ci`.")
    result = subprocess.run(
        [java, "-Xss8m", "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", directory],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]
    return [m for m in messages if m["type"] != "info" or m.get("subType") == "warning"]


def test_public_and_member_pages_are_valid_html(client, demo_site, tmp_path):
    pages = {}
    for role in ("anonymous", "member"):
        client.logout()
        if ROLES[role]:
            client.force_login(demo_user(ROLES[role]))
        start = ["/", "/mon-espace/"] if ROLES[role] else ["/"]
        for path, response in crawl(client, start=start):
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                name = f"{role}-{len(pages):03d}.html"
                (tmp_path / name).write_bytes(response.content)
                pages[name] = f"{role} {path}"
    assert len(pages) > 40, pages

    messages = check_html(tmp_path)

    problems = [
        f"{pages[Path(message['url']).name]}:{message.get('lastLine')}: {message['message']}"
        f" — {message.get('extract', '').strip()}"
        for message in messages
    ]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
