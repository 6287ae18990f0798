"""The benchmark's tooling (tests/perf/) on a tiny large network, so that it cannot rot between
two runs of `make bench`: the network builds on the factories as they are, every page of the
benchmark's table resolves and answers, and the fields that bulk_create leaves to us are those
that save() writes."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from partners.models import (
    Action,
    ActionTransition,
    FieldOfAction,
    Membership,
    Neighbourhood,
    Partner,
)
from plenaries.models import AgendaItem, Attendance, Decision, Plenary, Registration, Theme
from tests.factories import UserFactory
from tests.perf import large_network, pages
from tests.perf import settings as bench_settings
from tests.perf.querycount import HEADER
from workgroups.models import GroupMembership, Meeting, PilotTerm, Representative, WorkingGroup

pytestmark = pytest.mark.django_db

TINY = large_network.Sizes(
    partners=12, actions=40, groups=3, first_year=timezone.localdate().year - 2
)


@pytest.fixture
def network():
    return large_network.build(TINY, seed=7, say=lambda message: None)


def test_a_tiny_large_network_has_every_kind_of_row_at_its_sizes(network):
    assert Partner.objects.count() == TINY.partners
    assert Action.objects.count() == TINY.actions
    assert WorkingGroup.objects.count() == TINY.groups
    # Two plenaries a year, from the first year's first semester to the current semester.
    assert Plenary.objects.count() in (5, 6)
    for model in (
        Neighbourhood,
        Partner.fields_of_action.through,
        Membership,
        Action.fields_of_action.through,
        Action.co_organisers.through,
        ActionTransition,
        AgendaItem,
        Decision,
        Theme,
        Attendance,
        GroupMembership,
        Representative,
        PilotTerm,
        Meeting,
    ):
        assert model.objects.exists(), model
    # Answers go to the plenary ahead, when the current semester's is still to come.
    convened = Plenary.objects.filter(status=Plenary.Status.CONVENED).exists()
    assert Registration.objects.exists() == convened
    assert FieldOfAction.objects.exists()
    member = pages.bench_member()
    assert member.check_password(large_network.BENCH_PASSWORD)
    assert get_user_model().objects.filter(is_staff=True).count() == 1


def test_every_page_of_the_benchmark_answers_on_the_tiny_network(network, client):
    member = pages.bench_member()
    member_client = Client()
    member_client.force_login(member)

    measured = pages.resolve_pages(member)

    assert [page.label for page in measured] == [spec.label for spec in pages.PAGES]
    for page in measured:
        answer = (member_client if page.kind == pages.MEMBER else client).get(page.path)
        assert answer.status_code == 200, page
    for path in pages.public_paths():
        assert client.get(path).status_code == 200, path


def test_a_url_name_that_no_longer_resolves_stops_the_benchmark(network, monkeypatch):
    renamed = pages.PageSpec("Annuaire", pages.PUBLIC, "partners:annuaire")
    monkeypatch.setattr(pages, "PAGES", [*pages.PAGES, renamed])

    with pytest.raises(pages.BenchError, match="partners:annuaire"):
        pages.resolve_pages(pages.bench_member())


def test_the_fields_that_save_derives_are_filled_as_save_fills_them(network):
    derived = {
        Partner: ["description_html", "search_names", "search_text"],
        Action: ["body_html", "search_text"],
        Plenary: ["introduction_html", "minutes_html"],
        Theme: ["description_html"],
        WorkingGroup: ["mission_html"],
    }
    for model, fields in derived.items():
        for row in model.objects.exclude(**{fields[0]: ""})[:3]:
            built = [getattr(row, name) for name in fields]
            row.save()
            row.refresh_from_db()
            assert [getattr(row, name) for name in fields] == built, (model, row.pk)


def test_the_command_refuses_a_database_that_has_accounts_already(capsys):
    UserFactory()

    assert large_network.main(["--partners", "5"]) == 2
    assert "base neuve" in capsys.readouterr().err
    assert not Partner.objects.exists()


def test_the_benchmarks_settings_put_each_requests_query_count_in_a_header(client, settings):
    settings.MIDDLEWARE = bench_settings.MIDDLEWARE

    answer = client.get("/partenaires/")

    assert int(answer[HEADER]) > 0
