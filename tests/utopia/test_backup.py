"""Backups as the README describes them: the database (pg_dump/pg_restore on PostgreSQL,
Django's dumpdata/loaddata on any database) and the media files, restored with nothing lost."""

import io
import shutil
import subprocess
import tarfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

OUR_APPS = ("partners", "plenaries", "workgroups", "utopia")


@pytest.fixture
def demo_data(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def row_counts():
    counts = {}
    for label in (*OUR_APPS, "auth"):
        for model in apps.get_app_config(label).get_models():
            counts[model._meta.label] = model._default_manager.count()
    return counts


def test_dumpdata_and_loaddata_round_trip_loses_nothing(demo_data, tmp_path):
    before = row_counts()
    assert before["partners.Partner"] >= 27
    dump = tmp_path / "utopia.json"
    call_command(
        "dumpdata",
        *OUR_APPS,
        "auth.group",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
        verbosity=0,
    )
    call_command("flush", interactive=False, verbosity=0)
    assert row_counts()["partners.Partner"] == 0
    call_command("loaddata", str(dump), verbosity=0)
    assert row_counts() == before


def test_pg_dump_and_pg_restore_lose_nothing(demo_data, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump/pg_restore are for PostgreSQL; CI runs this test there")
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is not installed")
    params = connection.get_connection_params()
    host = ["-h", params.get("host") or "127.0.0.1", "-p", str(params.get("port") or 5432)]
    user = ["-U", params.get("user") or "postgres"]
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"
    archive = tmp_path / "utopia.dump"
    before = row_counts()

    subprocess.run(["pg_dump", *host, *user, "-Fc", "-f", str(archive), source], check=True)
    subprocess.run(["dropdb", *host, *user, "--if-exists", target], check=True)
    subprocess.run(["createdb", *host, *user, target], check=True)
    try:
        subprocess.run(
            ["pg_restore", *host, *user, "--no-owner", "-d", target, str(archive)], check=True
        )
        import psycopg2

        restored = psycopg2.connect(
            dbname=target, host=host[1], port=host[3], user=user[1], password=params.get("password")
        )
        try:
            with restored.cursor() as cursor:
                for label, count in before.items():
                    table = apps.get_model(label)._meta.db_table
                    cursor.execute(f'SELECT count(*) FROM "{table}"')  # table names are ours
                    assert cursor.fetchone()[0] == count, label
        finally:
            restored.close()
    finally:
        subprocess.run(["dropdb", *host, *user, "--if-exists", target], check=True)


def test_media_archive_restores_every_file(demo_data, settings, tmp_path):
    files = {
        p.relative_to(settings.MEDIA_ROOT): p.read_bytes()
        for p in settings.MEDIA_ROOT.rglob("*")
        if p.is_file()
    }
    assert files, "the demo has logos"
    archive = tmp_path / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(settings.MEDIA_ROOT, arcname="media")
    restored = tmp_path / "restored"
    with tarfile.open(archive) as tar:
        tar.extractall(restored, filter="data")
    for relative, content in files.items():
        assert (restored / "media" / relative).read_bytes() == content
