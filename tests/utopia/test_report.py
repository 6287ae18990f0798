"""The yearly activity report: figures checked against fixtures, SVG charts well formed and
paired with their tables, CSV download, staff only."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from partners.models import Action
from plenaries.models import Attendance, Plenary
from tests.factories import (
    ActionFactory,
    AttendanceFactory,
    BulletinPostFactory,
    CoordinatedProjectFactory,
    FieldOfActionFactory,
    NeedFactory,
    NeedReportFactory,
    PartnerFactory,
    PilotTermFactory,
    PlenaryFactory,
    ThemeFactory,
    UserFactory,
    WorkingGroupFactory,
)
from utopia import needs
from utopia.models import NeedReport
from utopia.report import yearly_report
from workgroups.models import CoordinatedProject, WorkingGroup

pytestmark = pytest.mark.django_db

YEAR = 2024


def at(month, day):
    return timezone.make_aware(datetime.datetime(YEAR, month, day, 10))


@pytest.fixture
def year_of_activity(partner, other_partner):
    spring = PlenaryFactory(date=datetime.date(YEAR, 3, 14), status=Plenary.Status.HELD)
    autumn = PlenaryFactory(date=datetime.date(YEAR, 10, 10), status=Plenary.Status.HELD)
    PlenaryFactory(date=datetime.date(YEAR - 1, 10, 10), status=Plenary.Status.HELD)
    AttendanceFactory(plenary=spring, partner=partner)
    AttendanceFactory(plenary=autumn, partner=partner, status=Attendance.Status.REPRESENTED)
    AttendanceFactory(plenary=spring, partner=other_partner, status=Attendance.Status.ABSENT)
    AttendanceFactory(plenary=autumn, partner=other_partner)
    housing = FieldOfActionFactory(name="Logement")
    health = FieldOfActionFactory(name="Santé")
    ActionFactory(partner=partner, published_at=at(2, 1), fields_of_action=[housing, health])
    ActionFactory(partner=partner, published_at=at(6, 1), fields_of_action=[housing])
    ActionFactory(partner=partner, published_at=at(6, 1), status=Action.Status.DRAFT)
    ActionFactory(partner=partner, published_at=at(6, 1).replace(year=YEAR - 1))
    post = BulletinPostFactory(partner=partner)
    type(post).objects.filter(pk=post.pk).update(created_at=at(5, 5))
    working_groups_of_the_year(partner, other_partner)
    return spring, autumn


def working_groups_of_the_year(partner, other_partner):
    """Two groups active in YEAR (one closed during it), one closed the year before and one
    created the year after; pilots, needs, projects and public reports around them."""
    staff = UserFactory(is_staff=True)
    housing = WorkingGroupFactory(name="Logement d'abord")
    food = WorkingGroupFactory(name="Aide alimentaire")
    old = WorkingGroupFactory(name="Ancien groupe")
    future = WorkingGroupFactory(name="Groupe futur")
    WorkingGroup.objects.filter(pk=housing.pk).update(created_at=at(1, 10))
    WorkingGroup.objects.filter(pk=food.pk).update(
        created_at=at(1, 10).replace(year=YEAR - 2),
        status=WorkingGroup.Status.CLOSED,
        closed_on=datetime.date(YEAR, 9, 30),
    )
    WorkingGroup.objects.filter(pk=old.pk).update(
        created_at=at(1, 10).replace(year=YEAR - 3),
        status=WorkingGroup.Status.CLOSED,
        closed_on=datetime.date(YEAR - 1, 12, 31),
    )
    WorkingGroup.objects.filter(pk=future.pk).update(created_at=at(1, 10).replace(year=YEAR + 1))
    # Housing: a pilot who handed over in June, then another still in office.
    PilotTermFactory(
        group=housing,
        user=UserFactory(first_name="Anne", last_name="Martin"),
        partner=partner,
        started_on=datetime.date(YEAR, 1, 15),
        ended_on=datetime.date(YEAR, 6, 30),
    )
    PilotTermFactory(
        group=housing,
        user=UserFactory(first_name="Paul", last_name="Durand"),
        partner=other_partner,
        started_on=datetime.date(YEAR, 6, 30),
    )
    # A pilot of the old group, whose term ended before the year.
    PilotTermFactory(
        group=old,
        started_on=datetime.date(YEAR - 3, 2, 1),
        ended_on=datetime.date(YEAR - 1, 12, 31),
    )
    NeedFactory(group=housing, created_at=at(3, 1))
    NeedFactory(group=housing, created_at=at(4, 1))
    NeedFactory(group=food, created_at=at(5, 1))
    NeedFactory(group=food, created_at=at(5, 1).replace(year=YEAR - 1))
    project = CoordinatedProjectFactory(group=housing, status=CoordinatedProject.Status.RUNNING)
    CoordinatedProject.objects.filter(pk=project.pk).update(created_at=at(4, 4))
    project = CoordinatedProjectFactory(group=food, status=CoordinatedProject.Status.DONE)
    CoordinatedProject.objects.filter(pk=project.pk).update(
        created_at=at(4, 4).replace(year=YEAR - 1), updated_at=at(8, 8)
    )
    # Done before the year began: not counted.
    project = CoordinatedProjectFactory(group=old, status=CoordinatedProject.Status.DONE)
    CoordinatedProject.objects.filter(pk=project.pk).update(
        created_at=at(4, 4).replace(year=YEAR - 2), updated_at=at(8, 8).replace(year=YEAR - 1)
    )
    # Public reports: two routed to the housing group (becoming its needs), one to a theme,
    # one dismissed, one still to triage; one from the year before.
    reports = [NeedReportFactory(created_at=at(2, day)) for day in range(1, 6)]
    NeedReportFactory(created_at=at(2, 1).replace(year=YEAR - 1))
    needs.need_report_route(report=reports[0], group=housing, by=staff)
    needs.need_report_route(report=reports[1], group=housing, by=staff)
    needs.need_report_route(report=reports[2], theme=ThemeFactory(), by=staff)
    needs.need_report_dismiss(report=reports[3], by=staff)
    # The needs made by routing were recorded today, not in YEAR: date them in it.
    from workgroups.models import Need

    Need.objects.filter(public_report__in=reports).update(created_at=at(2, 20))
    assert NeedReport.objects.filter(status=NeedReport.Status.NEW).count() == 2


def test_figures_match_the_year(year_of_activity, partner, other_partner):
    spring, autumn = year_of_activity
    report = yearly_report(YEAR)

    assert [(p.pk, p.participating) for p in report.plenaries] == [(spring.pk, 1), (autumn.pk, 2)]
    rates = {row.name: (row.participated, row.held, row.rate) for row in report.participation}
    assert rates["Emergence"] == (2, 2, 100)
    assert rates["Croix-Rouge française"] == (1, 2, 50)
    assert report.actions_published == 2
    counted = {name: count for name, count in report.actions_by_field if count}
    assert counted == {"Logement": 2, "Santé": 1}
    assert report.bulletin_posts == 1


def test_groups_pilots_projects_and_needs_of_the_year(year_of_activity):
    report = yearly_report(YEAR)

    groups = {group.name: group for group in report.groups}
    assert list(groups) == ["Aide alimentaire", "Logement d'abord"]
    housing = groups["Logement d'abord"]
    assert housing.pilots == ["Anne Martin (Emergence)", "Paul Durand (Croix-Rouge française)"]
    assert housing.needs_recorded == 4  # two recorded by the group, two from public reports
    assert housing.projects == 1
    food = groups["Aide alimentaire"]
    assert (food.pilots, food.needs_recorded, food.projects) == ([], 1, 1)

    assert report.projects_by_status == [
        ("Idée", 0),
        ("En préparation", 0),
        ("En cours", 1),
        ("Terminé", 1),
    ]
    assert report.projects == 2

    figures = report.need_reports
    assert (figures.received, figures.routed_to_group, figures.routed_to_theme) == (5, 2, 1)
    assert (figures.dismissed, figures.to_triage) == (1, 1)
    assert report.needs_recorded == 5
    assert report.needs_recorded_from_reports == 2


def test_a_year_without_groups_or_reports_says_so(client, staff):
    client.force_login(staff)
    page = client.get(f"/rapport-annuel/{YEAR}/").content.decode()
    assert "Aucun groupe de travail actif cette année." in page
    assert "Aucun projet coordonné cette année." in page
    assert "Aucun besoin signalé par le public cette année." in page
    assert "<svg" not in page


def test_page_has_well_formed_svg_charts_each_with_its_table(client, staff, year_of_activity):
    client.force_login(staff)
    page = client.get(f"/rapport-annuel/{YEAR}/").content.decode()
    charts = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(charts) == 5
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text
        assert "style=" not in chart
    assert page.count("<table") == 6
    assert "<caption>Actions publiées par domaine d" in page
    assert "100 %" in page
    for chart_id in ("chart-groups", "chart-projects", "chart-need-reports"):
        assert f'aria-labelledby="{chart_id}-title"' in page
    assert "Anne Martin (Emergence), Paul Durand (Croix-Rouge française)" in page
    assert "<caption>Projets coordonnés par statut</caption>" in page
    assert (
        '<th scope="row">Orientés vers un groupe de travail</th><td class="text-end">2</td>' in page
    )


def test_csv_download(client, staff, year_of_activity):
    client.force_login(staff)
    response = client.get(f"/rapport-annuel/{YEAR}/?format=csv")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="rapport-utopia-{YEAR}'
    )
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffRubrique;Libellé;Valeur")
    assert "Actions publiées par domaine;Logement;2" in text
    assert "Participation aux plénières (%);Emergence;100" in text
    assert "Groupes de travail actifs;Total;2" in text
    assert (
        "Pilotes des groupes;Logement d'abord;Anne Martin (Emergence), "
        "Paul Durand (Croix-Rouge française)" in text
    )
    assert "Besoins relevés par groupe;Logement d'abord;4" in text
    assert "Projets coordonnés par statut;En cours;1" in text
    assert "Besoins signalés par le public;Reçus;5" in text
    assert "Besoins signalés par le public;Orientés vers un thème prioritaire;1" in text
    assert "Besoins signalés par le public;Écartés;1" in text
    assert "Besoins relevés dans les groupes;Total;5" in text
    assert "Besoins relevés dans les groupes;Dont venus d'un signalement du public;2" in text


def test_hostile_partner_name_is_escaped_in_the_chart(client, staff):
    plenary = PlenaryFactory(date=datetime.date(YEAR, 3, 14), status=Plenary.Status.HELD)
    AttendanceFactory(plenary=plenary, partner=PartnerFactory(name="<script>x</script>"))
    field = FieldOfActionFactory(name="<b>gras</b>")
    ActionFactory(published_at=at(2, 2), fields_of_action=[field])
    client.force_login(staff)
    page = client.get(f"/rapport-annuel/{YEAR}/").content.decode()
    assert "<script>x</script>" not in page
    assert "<b>gras</b>" not in page
    for chart in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        ET.fromstring(chart)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("member", 404),
        ("other_member", 404),
        ("staff", 200),
        ("agent", 404),  # staff given no permission
    ],
)
def test_report_is_for_staff_only(client, role, expected, member, other_member, staff, agent):
    user = {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "staff": staff,
        "agent": agent,
    }[role]
    if user:
        client.force_login(user)
    assert client.get(f"/rapport-annuel/{YEAR}/").status_code == expected
    assert client.get(f"/rapport-annuel/{YEAR}/?format=csv").status_code == expected


def test_an_agent_reads_the_report_with_the_permission_to_view_plenaries(client, agent, agent_with):
    """An agent's "Mon espace" is the back-office's index, whose "Exports et bilans" lists the
    report only for those who may read it."""
    client.force_login(agent)
    assert client.get("/mon-espace/")["Location"] == "/admin/"
    assert "/rapport-annuel/" not in client.get("/admin/").content.decode()
    assert client.get(f"/rapport-annuel/{YEAR}/").status_code in (403, 404)
    client.force_login(agent_with("plenaries.view_plenary"))
    assert "/rapport-annuel/" in client.get("/admin/").content.decode()
    assert client.get(f"/rapport-annuel/{YEAR}/").status_code == 200
    csv = client.get(f"/rapport-annuel/{YEAR}/?format=csv")
    assert csv.status_code == 200
    assert csv["Content-Type"].startswith("text/csv")


def test_current_year_and_out_of_range_years(client, staff):
    client.force_login(staff)
    this_year = timezone.localdate().year
    assert client.get("/rapport-annuel/")["Location"] == f"/rapport-annuel/{this_year}/"
    assert client.get("/rapport-annuel/2008/").status_code == 404
    assert client.get(f"/rapport-annuel/{this_year + 1}/").status_code == 404
    assert client.get("/rapport-annuel/2009/").status_code == 200
