"""The groups' blocks elsewhere on the site: "Mon espace", the sitemap, the demo content."""

import io

import pytest
from django.core.management import call_command

from tests.crawl import sitemap_text
from tests.factories import ElectionFactory
from workgroups.models import Election, PilotTerm, WorkingGroup

pytestmark = pytest.mark.django_db


def test_my_space_lists_my_groups_and_the_elections_where_to_vote(client, group, seat, member):
    ElectionFactory(group=group)
    client.force_login(member)
    page = client.get("/mon-espace/").content.decode()
    assert group.name in page
    assert "Élections où voter" in page


def test_the_sitemap_lists_active_groups_only(client, group):
    closed = WorkingGroup.objects.create(
        theme=group.theme,
        name="Ancien groupe",
        slug="ancien-groupe",
        mission="x",
        status="closed",
        closed_on="2020-01-01",
    )
    sitemap = sitemap_text(client)
    assert f"/groupes/{group.slug}/" in sitemap and f"/groupes/{closed.slug}/" not in sitemap


def test_demo_content_loads_once_with_an_elected_pilot_and_a_running_election(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert WorkingGroup.objects.count() == 3
    housing = WorkingGroup.objects.get(slug="acces-au-logement")
    assert PilotTerm.objects.current().get(group=housing).source == "election"
    assert housing.meetings.count() == 2 and housing.projects.count() == 1
    assert Election.objects.running().count() == 1
