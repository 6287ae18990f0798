"""Production settings, the sub-path mount, migrations, and the site-wide pages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import clear_url_caches, reverse

from tests.crawl import sitemap_text

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "Zq8#vX2!pL9@mN4$bR7%tY1^wE6&uI3*oP0(aS5)dF",
    "ALLOWED_HOSTS": "utopia.ccas-thionville.fr",
    "EMAIL_HOST": "smtp.ccas-thionville.fr",
}


def run_manage(*args, env=None):
    # A production process starts without the test-only switches of this one.
    dropped = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_checklist_passes_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV)
    env.pop("SECRET_KEY")
    result = run_manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    server = subprocess.run(
        [sys.executable, "-c", "import utopia.wsgi"],
        cwd=BASE_DIR,
        env={k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}} | env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0
    assert "SECRET_KEY must be set" in server.stderr


def test_commands_that_sign_nothing_run_without_any_configuration():
    """A fresh checkout answers `manage.py makemigrations --check` with no variable set."""
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_demo_content_is_never_loaded_with_production_settings():
    result = run_manage("load_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "jamais chargé avec les réglages de production" in result.stderr


@pytest.mark.django_db
def test_no_outstanding_migrations():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in options["init_command"]


@pytest.fixture
def mounted_under_utopia(settings):
    """The site as the CCAS mounts it: under /utopia/."""
    import importlib

    import utopia.urls

    settings.URL_PREFIX = "utopia/"
    importlib.reload(utopia.urls)
    settings.ROOT_URLCONF = "utopia.urls"
    clear_url_caches()
    yield
    settings.URL_PREFIX = ""
    importlib.reload(utopia.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_whole_site_can_be_mounted_under_a_sub_path(client, mounted_under_utopia):
    assert reverse("partners:list") == "/utopia/partenaires/"
    assert client.get("/utopia/").status_code == 200
    assert client.get("/utopia/partenaires/").status_code == 200
    assert client.get("/partenaires/").status_code == 404
    page = client.get("/utopia/charte/").content.decode()
    assert 'href="/utopia/partenaires/"' in page


@pytest.mark.django_db
def test_health_check_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response.content == b"ok"


@pytest.mark.django_db
def test_every_response_carries_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_robots_and_sitemap(client, partner):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = sitemap_text(client)
    assert f"/partenaires/{partner.slug}/" in sitemap


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "text"),
    [
        ("/mentions-legales/", "Directeur de la publication"),
        ("/accessibilite/", "non conforme"),
        ("/donnees-personnelles/", "dpo@mairie-thionville.fr"),
        ("/plan-du-site/", "Plan du site"),
    ],
)
def test_legal_pages(client, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.django_db
def test_not_found_page_is_in_french(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_server_error_page_is_in_french_and_standalone():
    from utopia.views import error_500

    response = error_500(None)
    assert response.status_code == 500
    assert "erreur" in response.content.decode()


@pytest.mark.parametrize("error_class", ["OperationalError", "InterfaceError"])
def test_an_unreachable_database_answers_503_with_a_delay_to_come_back(error_class):
    """During a PostgreSQL restart (make loadtest) people got "Le portail a rencontré une
    erreur": a temporary state is a 503, with Retry-After for browsers and the monitoring."""
    import django.db

    from utopia.views import error_500

    error = getattr(django.db, error_class)
    try:
        raise error("connection to server at 127.0.0.1, port 5432 failed")
    except error:
        response = error_500(None)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "<h1>Le portail est momentanément indisponible</h1>" in page


def test_other_server_errors_stay_500():
    from django.db import IntegrityError

    from utopia.views import error_500

    try:
        raise IntegrityError("duplicate key")
    except IntegrityError:
        response = error_500(None)
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_main_navigation_marks_the_current_section(client):
    page = client.get("/partenaires/").content.decode()
    assert 'href="/partenaires/" aria-current="page"' in page
    assert 'href="/charte/" aria-current="page"' not in page
    assert 'class="skip-link" href="#contenu"' in page


@pytest.mark.django_db
def test_every_demo_login_printed_by_make_run_works(client, settings):
    """`make run` prints the demo accounts and their password: each one must log in, through
    the portal's own login page, the back-office account included."""
    import io

    from partners.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # run twice, as `make run` does each time
    from utopia.demo import DEMO_ADMIN

    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert DEMO_ADMIN in output.getvalue()
    for email in [*(email for email, _description in DEMO_ACCOUNTS), DEMO_ADMIN]:
        client.logout()
        response = client.post("/compte/connexion/", {"username": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        if email.startswith(("ccas@", "admin@")):  # both enter the back-office (no 2FA in demo)
            assert client.get("/admin/").status_code == 200
    agent, administrator = (
        get_user_model().objects.get(email=email) for email in (DEMO_ACCOUNTS[0][0], DEMO_ADMIN)
    )
    # The CCAS's demo account is an agent, in the agents' group; the administrator is apart.
    assert agent.is_staff and not agent.is_superuser
    assert list(agent.groups.values_list("name", flat=True)) == ["Agent du CCAS"]
    assert administrator.is_superuser


def run_make_run(port, env=None):
    """`make run PORT=<port>` as a developer types it, with manage.py replaced by a command
    that prints the SITE_URL each of its steps (migrate, load_demo, runserver) would read."""
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    return subprocess.run(
        ["make", "-s", "run", f"PORT={port}", "-o", "install", "MANAGE=printenv SITE_URL #"],
        cwd=BASE_DIR,
        env=environment | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_run_on_another_port_puts_that_port_in_email_links():
    result = run_make_run(8012)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"http://127.0.0.1:8012"}


def test_a_site_url_that_is_set_wins_over_the_port():
    result = run_make_run(8012, env={"SITE_URL": "https://utopia.ccas-thionville.fr"})
    assert set(result.stdout.split()) == {"https://utopia.ccas-thionville.fr"}


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({"DEBUG": "1", "PORT": "8012"}, "http://127.0.0.1:8012"),
        ({"DEBUG": "1"}, "http://127.0.0.1:8000"),
        ({"DEBUG": "1", "PORT": "8012", "SITE_URL": "https://a.fr"}, "https://a.fr"),
    ],
)
def test_site_url_follows_the_development_port_unless_set(env, site_url):
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    result = subprocess.run(
        [sys.executable, "-c", "from utopia import settings; print(settings.UTOPIA_SITE_URL)"],
        cwd=BASE_DIR,
        env=environment | env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == site_url, result.stderr
