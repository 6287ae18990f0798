"""Staff CSV exports: partners, contacts, plenary attendance (UTF-8 with BOM)."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from partners.exports import csv_response
from tests.factories import (
    AttendanceFactory,
    GroupMembershipFactory,
    MembershipFactory,
    PartnerFactory,
    PlenaryFactory,
    UserFactory,
    WorkingGroupFactory,
)
from workgroups.models import Representative

pytestmark = pytest.mark.django_db


def rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8")
    assert text.startswith("\ufeff"), "BOM so that spreadsheets read accents correctly"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_exports_page_lists_every_export(staff_client):
    page = staff_client.get("/admin/exports/").content.decode()
    for name in ("partenaires", "contacts", "presences", "membres-groupes"):
        assert f'href="/admin/exports/{name}.csv"' in page


def test_partners_export_has_every_partner_with_accents(staff_client):
    PartnerFactory(name="Société Saint-Vincent-de-Paul", is_active=False)
    PartnerFactory(name="Émergence")
    response = staff_client.get("/admin/exports/partenaires.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="partenaires-utopia-')
    table = rows(response)
    assert table[0][0] == "Nom"
    assert {row[0] for row in table[1:]} == {"Société Saint-Vincent-de-Paul", "Émergence"}


def test_contacts_export_lists_people_and_neutralises_formulas(staff_client, partner):
    MembershipFactory(
        partner=partner,
        user=UserFactory(first_name='=HYPERLINK("x")', last_name="Lefèvre", email="l@ex.fr"),
        role="manager",
    )
    table = rows(staff_client.get("/admin/exports/contacts.csv"))
    assert table[0] == ["Partenaire", "Prénom", "Nom", "Courriel", "Rôle", "Membre depuis"]
    assert table[1][:5] == ["Emergence", '\'=HYPERLINK("x")', "Lefèvre", "l@ex.fr", "Responsable"]


def test_attendance_export(staff_client, partner):
    attendance = AttendanceFactory(partner=partner, persons_present="Anne Dupont\nLéo Martin")
    table = rows(staff_client.get("/admin/exports/presences.csv"))
    assert table[1] == [
        str(attendance.plenary),
        attendance.plenary.date.isoformat(),
        "Emergence",
        "Présent",
        "Anne Dupont ; Léo Martin",
    ]


def test_group_members_export_with_representatives(staff_client, partner):
    group = WorkingGroupFactory(name="Santé mentale")
    seat = GroupMembershipFactory(group=group, partner=partner)
    person = MembershipFactory(
        partner=partner, user=UserFactory(first_name="Inès", last_name="Roux", email="i@ex.fr")
    )
    Representative.objects.create(seat=seat, membership=person)
    table = rows(staff_client.get("/admin/exports/membres-groupes.csv"))
    assert table[0][0] == "Groupe"
    assert table[1][0:3] == ["Santé mentale", "Emergence", "Membre"]
    assert table[1][7] == "Inès Roux <i@ex.fr>"


def test_unknown_export_is_404(staff_client):
    assert staff_client.get("/admin/exports/inconnu.csv").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_exports_are_staff_only(client, member, who):
    if who == "member":
        client.force_login(member)
    for path in ("/admin/exports/", "/admin/exports/contacts.csv"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("size", [1, 30])
def test_export_queries_do_not_grow_with_rows(staff_client, size, django_assert_num_queries):
    for _ in range(size):
        partner = PartnerFactory()
        MembershipFactory(partner=partner)
        AttendanceFactory(partner=partner)
        seat = GroupMembershipFactory(partner=partner)
        Representative.objects.create(seat=seat, membership=MembershipFactory(partner=partner))
    # Session and user, one query per table (plus the prefetch of fields of action); the session
    # is saved by the first request only (utopia.sessions).
    with django_assert_num_queries(7):
        rows(staff_client.get("/admin/exports/partenaires.csv"))
    with django_assert_num_queries(3):
        rows(staff_client.get("/admin/exports/contacts.csv"))
    with django_assert_num_queries(3):
        rows(staff_client.get("/admin/exports/presences.csv"))
    with django_assert_num_queries(4):
        rows(staff_client.get("/admin/exports/membres-groupes.csv"))


def never_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.parametrize("name", ["partenaires", "contacts", "presences", "membres-groupes"])
def test_every_back_office_export_is_never_stored(staff_client, name):
    response = staff_client.get(f"/admin/exports/{name}.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert never_stored(response)


def test_the_directory_export_action_is_never_stored(staff_client, partner):
    response = staff_client.post(
        "/admin/partners/partner/", {"action": "export_csv", "_selected_action": [partner.pk]}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert never_stored(response)


def test_the_plenary_answers_exports_are_never_stored(staff_client):
    plenary = PlenaryFactory(date=timezone.localdate() + datetime.timedelta(days=30))
    responses = [
        staff_client.get(f"/plenieres/{plenary.year}-s{plenary.semester}/reponses.csv"),
        staff_client.post(
            "/admin/plenaries/plenary/",
            {"action": "export_registrations", "_selected_action": [plenary.pk]},
        ),
    ]
    for response in responses:
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert never_stored(response)


def test_the_yearly_report_export_is_never_stored(staff_client):
    response = staff_client.get(f"/rapport-annuel/{timezone.localdate().year}/?format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert never_stored(response)


def test_a_csv_built_outside_a_logged_in_request_is_never_stored():
    """csv_response itself says so, whoever calls it."""
    assert never_stored(csv_response("essai", ["Nom"], [["Emergence"]]))
