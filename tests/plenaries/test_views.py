"""Public pages, the answer to a convocation, staff pages; permission matrix and query counts."""

import datetime
import io

import icalendar
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from plenaries.models import Plenary, PlenaryDocument, Registration
from plenaries.models.plenary import Visibility
from tests.crawl import sitemap_text
from tests.factories import (
    AttendanceFactory,
    DecisionFactory,
    PlenaryDocumentFactory,
    PlenaryFactory,
    RegistrationFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# no_partner: logged in (an account whose access was granted, or whose partner left) but member
# of no active partner, so outside the network: refused like anyone outside a scope, with 404.
# staff is a superuser; agent, a CCAS agent given no permission: without the back-office's
# permissions, a staff account has the portal of someone outside the network.
ROLES = ["anonymous", "no_partner", "member", "other_member", "staff", "agent"]


@pytest.fixture
def users(member, other_member, staff, agent):
    return {
        "anonymous": None,
        "no_partner": UserFactory(email="sans-partenaire@exemple.fr"),
        "member": member,
        "other_member": other_member,
        "staff": staff,
        "agent": agent,
    }


def url(name, plenary, **kwargs):
    return reverse(
        f"plenaries:{name}",
        kwargs={"year": plenary.year, "semester": plenary.semester, **kwargs},
    )


def document_url(document):
    return url("document", document.plenary, pk=document.pk)


# --- permission matrix ---------------------------------------------------------------------

# (url name, which plenary, {role: status}); 302 is "sent to the login page".
OUTSIDE = {"anonymous": 404, "no_partner": 404, "member": 404, "other_member": 404, "agent": 404}
# Network-only: anonymous visitors are asked to log in, logged-in users outside the network get
# 404, members of any partner (the network is one audience) and staff allowed to get the file.
NETWORK_ONLY = {
    "anonymous": 302,
    "no_partner": 404,
    "member": 200,
    "other_member": 200,
    "agent": 404,
}
STAFF_ONLY = {"anonymous": 302, "no_partner": 404, "member": 404, "other_member": 404, "agent": 404}

# (url name, which object of the `plenaries` fixture, {role: status}); 302 is "sent to the login
# page". A document's row is its download URL.
MATRIX = [
    ("list", None, dict.fromkeys(ROLES, 200)),
    ("calendar", None, dict.fromkeys(ROLES, 200)),
    ("detail", "convened", dict.fromkeys(ROLES, 200)),
    ("detail", "preparation", {**OUTSIDE, "staff": 200}),
    ("detail", "held", dict.fromkeys(ROLES, 200)),
    ("detail", "network_minutes", dict.fromkeys(ROLES, 200)),  # the minutes inside: see below
    ("answer", "convened", {**NETWORK_ONLY, "staff": 200}),
    ("answer", "held", {**OUTSIDE, "anonymous": 302, "staff": 404}),
    ("answer", "preparation", {**OUTSIDE, "anonymous": 302, "staff": 404}),
    ("registrations", "convened", {**STAFF_ONLY, "staff": 200}),
    ("registrations_csv", "convened", {**STAFF_ONLY, "staff": 200}),
    ("letter", "convened", dict.fromkeys(ROLES, 200)),
    ("letter", "preparation", {**OUTSIDE, "staff": 404}),
    ("minutes_pdf", "network_minutes", {**NETWORK_ONLY, "staff": 200}),
    ("document", "public_document", dict.fromkeys(ROLES, 200)),
    ("document", "network_document", {**NETWORK_ONLY, "staff": 200}),
    # A plenary in preparation is not announced: even its public document is not found.
    ("document", "preparation_document", {**OUTSIDE, "staff": 200}),
    # The files themselves are kept outside MEDIA_ROOT: their former public address (under
    # /media/, served to anyone who had it) finds nothing, for anyone.
    ("media", "public_document", dict.fromkeys(ROLES, 404)),
    ("media", "network_document", dict.fromkeys(ROLES, 404)),
    ("media", "network_minutes", dict.fromkeys(ROLES, 404)),
]


@pytest.fixture
def plenaries(convened_plenary, held_plenary):
    in_preparation = PlenaryFactory(
        date=datetime.date(2031, 3, 3), status=Plenary.Status.PREPARATION
    )
    network = PlenaryFactory(
        date=datetime.date(2023, 10, 5),
        status=Plenary.Status.HELD,
        minutes="Compte rendu interne au réseau.",
        minutes_visibility="network",
        minutes_published_on=datetime.date(2023, 11, 1),
    )
    network.minutes_pdf.save("cr.pdf", ContentFile(b"%PDF-1.4 compte rendu"))
    return {
        "convened": convened_plenary,
        "preparation": in_preparation,
        "held": held_plenary,
        "network_minutes": network,
        "public_document": PlenaryDocumentFactory(plenary=held_plenary, title="Diaporama"),
        "network_document": PlenaryDocumentFactory(
            plenary=held_plenary, title="Annuaire des référents", visibility=Visibility.NETWORK
        ),
        "preparation_document": PlenaryDocumentFactory(plenary=in_preparation),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "which", "expected"), MATRIX, ids=[f"{row[0]}-{row[1]}" for row in MATRIX]
)
def test_permission_matrix(client, users, plenaries, role, name, which, expected):
    if users[role] is not None:
        client.force_login(users[role])
    if which is None:
        path = reverse(f"plenaries:{name}")
    elif name == "media":
        stored = plenaries[which]
        field = stored.file if isinstance(stored, PlenaryDocument) else stored.minutes_pdf
        path = f"/media/{field.name}"
    elif isinstance(plenaries[which], PlenaryDocument):
        path = document_url(plenaries[which])
    else:
        path = url(name, plenaries[which])
    response = client.get(path)
    if name == "document" and response.status_code == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 document"
    response.close()
    assert response.status_code == expected[role]
    if expected[role] == 302:
        assert "/compte/connexion/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_detail_links_network_documents_and_minutes_for_the_network_only(
    client, users, plenaries, role
):
    if users[role] is not None:
        client.force_login(users[role])
    in_network = role in ("member", "other_member", "staff")
    held = client.get(plenaries["held"].get_absolute_url()).content.decode()
    assert document_url(plenaries["public_document"]) in held
    assert (document_url(plenaries["network_document"]) in held) is in_network
    assert ("Annuaire des référents" in held) is in_network
    network = client.get(plenaries["network_minutes"].get_absolute_url()).content.decode()
    assert (url("minutes_pdf", plenaries["network_minutes"]) in network) is in_network
    assert ("Compte rendu interne au réseau." in network) is in_network


def test_a_member_of_a_partner_that_left_the_network_is_outside_it(
    client, plenaries, member, partner
):
    partner.is_active = False
    partner.save()
    client.force_login(member)
    assert client.get(document_url(plenaries["network_document"])).status_code == 404
    assert client.get(url("minutes_pdf", plenaries["network_minutes"])).status_code == 404
    response = client.get(document_url(plenaries["public_document"]))
    response.close()
    assert response.status_code == 200


def test_plenary_files_are_stored_outside_the_public_media_folder(settings, plenaries):
    private_root = settings.MEDIA_ROOT.parent / "private"
    for field in (
        plenaries["public_document"].file,
        plenaries["network_document"].file,
        plenaries["network_minutes"].minutes_pdf,
    ):
        assert (private_root / field.name).read_bytes().startswith(b"%PDF-1.4")
        assert not (settings.MEDIA_ROOT / field.name).exists()


def test_a_plenary_file_links_to_its_download_view(plenaries):
    # What the back-office's file widget and any template show: the view that checks who asks.
    document = plenaries["network_document"]
    assert document.file.url == document_url(document)
    network = plenaries["network_minutes"]
    assert network.minutes_pdf.url == url("minutes_pdf", network)


@pytest.mark.parametrize("which", ["network_document", "network_minutes"])
def test_members_only_files_are_kept_from_shared_caches(client, member, plenaries, which):
    client.force_login(member)
    stored = plenaries[which]
    path = document_url(stored) if which == "network_document" else url("minutes_pdf", stored)
    # One request per test: closing a file response ends the request, and with it the test's
    # database connection.
    response = client.get(path)
    response.close()
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_a_document_is_found_under_its_own_plenary_only(client, staff, plenaries):
    client.force_login(staff)
    elsewhere = url("document", plenaries["convened"], pk=plenaries["public_document"].pk)
    assert client.get(elsewhere).status_code == 404


def test_unknown_semester_is_not_found(client, db):
    assert client.get("/plenieres/2024-s3/").status_code == 404
    assert client.get("/plenieres/2024-s1/").status_code == 404


# --- list and detail -------------------------------------------------------------------------


def test_list_shows_the_next_plenary_first_then_past_ones_by_year(client, convened_plenary):
    PlenaryFactory(date=datetime.date(2019, 3, 1))
    PlenaryFactory(date=datetime.date(2019, 10, 1))
    PlenaryFactory(date=datetime.date(2030, 3, 1), status=Plenary.Status.PREPARATION)
    response = client.get("/plenieres/")
    assert response.context["next_plenary"] == convened_plenary
    html = response.content.decode()
    assert html.index("Prochaine plénière") < html.index("Toutes les plénières")
    assert html.index('<h3 class="h4 mt-4">2019</h3>') > 0
    assert "2030" not in html  # in preparation: not announced yet
    assert "Bilan des groupes de travail" in html


def test_detail_shows_agenda_minutes_themes_decisions_and_partners_present(
    client, held_plenary, partner, other_partner
):
    held_plenary.minutes_published_on = datetime.date(2024, 4, 1)
    held_plenary.save()
    decision = DecisionFactory(plenary=held_plenary, title="Adoption du thème Mobilité")
    ThemeFactory(plenary=held_plenary, decision=decision, name="Mobilité")
    AttendanceFactory(plenary=held_plenary, partner=partner, status="present")
    AttendanceFactory(plenary=held_plenary, partner=other_partner, status="absent")
    html = client.get(held_plenary.get_absolute_url()).content.decode()
    assert "Les partenaires ont échangé." in html
    assert "Adoption du thème Mobilité" in html
    assert "Mobilité" in html
    assert "Emergence" in html
    assert "Croix-Rouge" not in html


def test_network_only_minutes_are_for_logged_in_members(client, held_plenary, member):
    held_plenary.minutes = "Échanges internes au réseau."
    held_plenary.minutes_visibility = "network"
    held_plenary.minutes_published_on = datetime.date(2024, 4, 1)
    held_plenary.save()
    html = client.get(held_plenary.get_absolute_url()).content.decode()
    assert "Échanges internes" not in html
    assert "réservé aux membres du réseau" in html
    client.force_login(member)
    assert "Échanges internes" in client.get(held_plenary.get_absolute_url()).content.decode()


def test_unpublished_minutes_stay_hidden(client, held_plenary, member):
    client.force_login(member)
    html = client.get(held_plenary.get_absolute_url()).content.decode()
    assert "Les partenaires ont échangé." not in html
    assert "pas encore publié" in html


def test_hostile_minutes_are_sanitised(client, held_plenary):
    held_plenary.minutes = (
        "<script>alert(1)</script>[x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    )
    held_plenary.minutes_published_on = datetime.date(2024, 4, 1)
    held_plenary.save()
    html = client.get(held_plenary.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


def test_calendar_feed_parses_back(client, convened_plenary, held_plenary):
    PlenaryFactory(date=datetime.date(2030, 3, 1), status=Plenary.Status.PREPARATION)
    response = client.get("/plenieres/calendrier.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    assert {e.decoded("DTSTART").date() for e in events} == {
        convened_plenary.date,
        held_plenary.date,
    }
    # A PUBLISH names no attendee (RFC 5546): the feed is public.
    assert all("ATTENDEE" not in event for event in events)


def test_convocation_letter_is_printable(client, convened_plenary, staff, partner):
    client.force_login(staff)
    html = client.get(url("letter", convened_plenary) + "?partenaire=emergence").content.decode()
    assert "Convocation à la plénière" in html
    assert "Emergence" in html
    assert "Bilan des groupes de travail" in html
    assert 'media="print"' in html


# --- answering a convocation -----------------------------------------------------------------


def test_member_answers_the_convocation(client, convened_plenary, member, partner):
    client.force_login(member)
    response = client.post(
        url("answer", convened_plenary),
        {
            "partner": partner.pk,
            "answer": "attending",
            "attendee_count": 2,
            "attendee_names": "Camille Martin\nLéa Dupont",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.partner, registration.attendee_count) == (partner, 2)
    page = client.get(convened_plenary.get_absolute_url()).content.decode()
    assert "Réponse d&#x27;Emergence : Présent" in page


def test_answer_for_another_partner_is_refused(client, convened_plenary, member, other_partner):
    client.force_login(member)
    response = client.post(
        url("answer", convened_plenary), {"partner": other_partner.pk, "answer": "excused"}
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Registration.objects.exists()


def test_answer_attending_without_a_number_is_refused(client, convened_plenary, member, partner):
    client.force_login(member)
    response = client.post(
        url("answer", convened_plenary), {"partner": partner.pk, "answer": "attending"}
    )
    assert "Indiquez combien de personnes viendront" in response.content.decode()
    assert not Registration.objects.exists()


def test_answer_after_the_deadline_is_refused(client, convened_plenary, member, partner):
    convened_plenary.registration_deadline = datetime.date.today() - datetime.timedelta(days=1)
    Plenary.objects.filter(pk=convened_plenary.pk).update(
        registration_deadline=convened_plenary.registration_deadline
    )
    client.force_login(member)
    page = client.get(url("answer", convened_plenary)).content.decode()
    assert "est passée" in page
    response = client.post(
        url("answer", convened_plenary), {"partner": partner.pk, "answer": "excused"}
    )
    assert "La date limite de réponse" in response.content.decode()
    assert not Registration.objects.exists()


def test_staff_see_answers_and_export_them(client, convened_plenary, staff, partner, other_partner):
    RegistrationFactory(
        plenary=convened_plenary,
        partner=partner,
        attendee_count=2,
        attendee_names='=HYPERLINK("x")\nLéa',
    )
    client.force_login(staff)
    html = client.get(url("registrations", convened_plenary)).content.decode()
    assert "Emergence" in html and "Pas de réponse" in html
    response = client.get(url("registrations_csv", convened_plenary))
    content = response.content.decode("utf-8-sig")
    assert "Partenaire;Réponse" in content or "Partenaire,Réponse" in content
    assert "'=HYPERLINK" in content
    assert "Croix-Rouge française" in content


# --- an agent's staff powers are the back-office's permissions ---------------------------------


def test_an_agent_sees_the_answers_with_the_view_permission_and_exports_them_with_the_export_one(
    client, convened_plenary, partner, agent_with
):
    RegistrationFactory(plenary=convened_plenary, partner=partner, attendee_names="Léa Martin")
    csv_url = url("registrations_csv", convened_plenary)
    client.force_login(agent_with("plenaries.view_registration"))
    page = client.get(url("registrations", convened_plenary))
    assert page.status_code == 200
    assert "Léa Martin" in page.content.decode()
    assert csv_url not in page.content.decode()
    assert client.get(csv_url).status_code == 404

    client.force_login(agent_with("plenaries.export_registrations"))
    assert client.get(url("registrations", convened_plenary)).status_code == 404
    response = client.get(csv_url)
    assert response.status_code == 200
    assert "Léa Martin" in response.content.decode("utf-8-sig")

    client.force_login(agent_with("plenaries.view_registration", "plenaries.export_registrations"))
    assert csv_url in client.get(url("registrations", convened_plenary)).content.decode()


def test_an_agent_who_may_view_plenaries_sees_one_in_preparation_and_unpublished_minutes(
    client, plenaries, held_plenary, agent_with
):
    client.force_login(agent_with("plenaries.view_registration"))
    assert client.get(url("detail", plenaries["preparation"])).status_code == 404
    client.force_login(agent_with("plenaries.view_plenary"))
    assert client.get(url("detail", plenaries["preparation"])).status_code == 200
    page = client.get(held_plenary.get_absolute_url()).content.decode()
    assert "Les partenaires ont échangé." in page  # not published yet


def test_an_agent_reads_members_only_documents_with_the_documents_view_permission(
    client, plenaries, agent_with
):
    document = document_url(plenaries["network_document"])
    client.force_login(agent_with("plenaries.view_plenary"))
    assert client.get(document).status_code == 404
    client.force_login(agent_with("plenaries.view_plenarydocument"))
    response = client.get(document)
    response.close()
    assert response.status_code == 200


def test_an_agent_answers_for_any_partner_with_the_permission_to_change_answers(
    client, convened_plenary, partner, agent_with
):
    answer = url("answer", convened_plenary)
    client.force_login(agent_with("plenaries.view_registration", "plenaries.add_registration"))
    assert client.get(answer).status_code == 404
    client.force_login(agent_with("plenaries.change_registration"))
    response = client.post(answer, {"partner": partner.pk, "answer": "excused"})
    assert response.status_code == 302
    assert Registration.objects.get().partner == partner


# --- home page and "Mon espace" --------------------------------------------------------------


def test_home_shows_the_next_plenary_and_current_themes(client, convened_plenary):
    ThemeFactory(name="Santé mentale")
    html = client.get("/").content.decode()
    assert "Prochaine plénière" in html
    assert str(convened_plenary) in html
    assert "Santé mentale" in html


def test_member_space_shows_the_partners_participation_rate(
    client, member, partner, convened_plenary
):
    for index, status in enumerate(["present", "absent", "represented", "absent"]):
        AttendanceFactory(
            plenary=PlenaryFactory(date=datetime.date(2015 + index, 3, 1)),
            partner=partner,
            status=status,
        )
    client.force_login(member)
    html = client.get("/mon-espace/").content.decode()
    assert "50 % (2 sur 4)" in html
    assert url("answer", convened_plenary) in html


def test_sitemap_lists_announced_plenaries(client, convened_plenary):
    PlenaryFactory(date=datetime.date(2030, 3, 1), status=Plenary.Status.PREPARATION)
    xml = sitemap_text(client)
    assert convened_plenary.get_absolute_url() in xml
    assert "/plenieres/2030-s1/" not in xml


def test_demo_content_loads_twice_without_duplicates(settings):
    from django.core.management import call_command

    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    counts = Plenary.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert Plenary.objects.count() == counts == 3
    assert Plenary.objects.filter(status="held", minutes_published_on__isnull=False).count() == 2
    assert Plenary.objects.filter(status="convened").count() == 1
