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
    FieldOfActionFactory,
    PartnerFactory,
    PlenaryFactory,
)
from utopia.report import yearly_report

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
    return spring, autumn


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


def test_page_has_well_formed_svg_charts_each_with_its_table(client, staff, year_of_activity):
    client.force_login(staff)
    page = client.get(f"/rapport-annuel/{YEAR}/").content.decode()
    charts = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(charts) == 2
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text
        assert "style=" not in chart
    assert page.count("<table") == 3
    assert "<caption>Actions publiées par domaine d" in page
    assert "100 %" in page


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
    [("anonymous", 302), ("member", 404), ("other_member", 404), ("staff", 200)],
)
def test_report_is_for_staff_only(client, role, expected, member, other_member, staff):
    user = {"anonymous": None, "member": member, "other_member": other_member, "staff": staff}[role]
    if user:
        client.force_login(user)
    assert client.get(f"/rapport-annuel/{YEAR}/").status_code == expected
    assert client.get(f"/rapport-annuel/{YEAR}/?format=csv").status_code == expected


def test_current_year_and_out_of_range_years(client, staff):
    client.force_login(staff)
    this_year = timezone.localdate().year
    assert client.get("/rapport-annuel/")["Location"] == f"/rapport-annuel/{this_year}/"
    assert client.get("/rapport-annuel/2008/").status_code == 404
    assert client.get(f"/rapport-annuel/{this_year + 1}/").status_code == 404
    assert client.get("/rapport-annuel/2009/").status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_report_queries_do_not_grow(client, staff, size, django_assert_num_queries):
    for index in range(size):
        partner = PartnerFactory()
        plenary = None
        if index < 2:  # the two semesters of the year
            plenary = PlenaryFactory(
                date=datetime.date(YEAR, 3 + 7 * index, 12), status=Plenary.Status.HELD
            )
        if plenary:
            AttendanceFactory(plenary=plenary, partner=partner)
        ActionFactory(
            partner=partner, published_at=at(3, 3), fields_of_action=[FieldOfActionFactory()]
        )
        BulletinPostFactory(partner=partner)
    client.force_login(staff)
    client.get(f"/rapport-annuel/{YEAR}/")
    with django_assert_num_queries(10):
        assert client.get(f"/rapport-annuel/{YEAR}/").status_code == 200
