"""The back-office: bad input refused in French, workflows through the services."""

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db.models.signals import pre_save
from django.urls import reverse

from plenaries.models import Attendance, Convocation, Plenary, Theme
from plenaries.models.plenary import Visibility
from tests.factories import (
    AttendanceFactory,
    PlenaryDocumentFactory,
    PlenaryFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


def plenary_form(**overrides):
    data = {
        "year": 2024,
        "semester": 1,
        "date": "14/03/2024",
        "start_time": "14:00",
        "end_time": "17:00",
        "place": "Salle des fêtes",
        "address": "",
        "introduction": "",
        "registration_deadline": "",
        "minutes": "",
        "minutes_visibility": "public",
    }
    for prefix in ("agenda_items", "documents", "decisions"):
        data |= {
            f"{prefix}-TOTAL_FORMS": 0,
            f"{prefix}-INITIAL_FORMS": 0,
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
    data.update(overrides)
    return data


ADD = "/admin/plenaries/plenary/add/"


def test_staff_add_a_plenary(client, staff):
    client.force_login(staff)
    response = client.post(ADD, plenary_form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Plenary.objects.get().status == Plenary.Status.PREPARATION


def test_a_second_plenary_in_a_semester_is_refused(client, staff):
    PlenaryFactory(date=datetime.date(2024, 5, 2))
    client.force_login(staff)
    response = client.post(ADD, plenary_form())
    assert response.status_code == 200
    assert "Une plénière existe déjà pour ce semestre." in response.content.decode()
    assert Plenary.objects.count() == 1


def test_a_date_outside_the_semester_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(ADD, plenary_form(date="14/09/2024"))
    assert "La date doit tomber dans le semestre" in response.content.decode()
    assert not Plenary.objects.exists()


def test_convene_action_sends_and_records(
    client, staff, member, plenary_in_preparation, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/plenaries/plenary/",
            {"action": "convene", "_selected_action": [plenary_in_preparation.pk]},
            follow=True,
        )
    assert "Convocation envoyée (1)." in response.content.decode()
    assert len(mailoutbox) == 1
    assert Convocation.objects.get().sent_by == staff


def test_publish_action_refuses_minutes_of_a_plenary_not_held(client, staff, convened_plenary):
    convened_plenary.minutes = "Texte"
    convened_plenary.save()
    client.force_login(staff)
    response = client.post(
        "/admin/plenaries/plenary/",
        {"action": "publish_minutes", "_selected_action": [convened_plenary.pk]},
        follow=True,
    )
    assert "ne peut être publié qu'une fois la plénière tenue" in html.unescape(
        response.content.decode()
    )
    assert Plenary.objects.get(pk=convened_plenary.pk).minutes_published_on is None


def test_attendance_sheet_is_prefilled_from_answers_and_saved(
    client, staff, partner, other_partner
):
    plenary = PlenaryFactory(date=datetime.date(2024, 3, 14), status=Plenary.Status.CONVENED)
    RegistrationFactory(plenary=plenary, partner=partner, attendee_names="Camille")
    client.force_login(staff)
    path = reverse("admin:plenaries_plenary_attendance", args=[plenary.pk])
    response = client.get(path)
    initial = {form.initial["partner"].name: form.initial for form in response.context["formset"]}
    assert initial["Emergence"]["status"] == "present"
    assert initial["Croix-Rouge française"]["status"] == ""
    data = {"form-TOTAL_FORMS": 2, "form-INITIAL_FORMS": 2}
    for index, (partner_obj, status) in enumerate(
        sorted([(partner, "present"), (other_partner, "")], key=lambda row: row[0].name)
    ):
        data |= {f"form-{index}-partner": partner_obj.pk, f"form-{index}-status": status}
    response = client.post(path, data)
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("partner__name", "status")) == [
        ("Emergence", "present")
    ]
    assert Plenary.objects.get(pk=plenary.pk).status == Plenary.Status.HELD


def test_attendance_sheet_is_saved_whole_or_not_at_all(client, staff, partner, other_partner):
    """A refusal on a later row leaves the rows before it as they were. The refusal comes from
    a receiver standing for any error a row may meet once the form is valid (a constraint, a
    row changed meanwhile)."""
    plenary = PlenaryFactory(date=datetime.date(2024, 3, 14), status=Plenary.Status.CONVENED)
    # Rows come in the partners' alphabetical order: Croix-Rouge française, then Emergence.
    first = AttendanceFactory(
        plenary=plenary, partner=other_partner, status=Attendance.Status.ABSENT
    )

    def refuse_the_second_row(sender, instance, **kwargs):
        if instance.partner_id == partner.pk:
            raise ValidationError("Cette ligne est refusée.")

    client.force_login(staff)
    path = reverse("admin:plenaries_plenary_attendance", args=[plenary.pk])
    data = {"form-TOTAL_FORMS": 2, "form-INITIAL_FORMS": 2}
    for index, partner_obj in enumerate([other_partner, partner]):
        data |= {f"form-{index}-partner": partner_obj.pk, f"form-{index}-status": "present"}
    pre_save.connect(refuse_the_second_row, sender=Attendance)
    try:
        response = client.post(path, data)
    finally:
        pre_save.disconnect(refuse_the_second_row, sender=Attendance)

    assert response.status_code == 200
    assert "Cette ligne est refusée." in response.content.decode()
    first.refresh_from_db()
    assert first.status == Attendance.Status.ABSENT
    assert not Attendance.objects.filter(partner=partner).exists()
    assert Plenary.objects.get(pk=plenary.pk).status == Plenary.Status.CONVENED


def test_attendance_of_a_future_plenary_is_refused(client, staff, partner, convened_plenary):
    client.force_login(staff)
    path = reverse("admin:plenaries_plenary_attendance", args=[convened_plenary.pk])
    data = {
        "form-TOTAL_FORMS": 1,
        "form-INITIAL_FORMS": 1,
        "form-0-partner": partner.pk,
        "form-0-status": "present",
    }
    response = client.post(path, data, follow=True)
    assert "pas encore eu lieu" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_decision_recorded_in_the_admin_adopts_a_theme(client, staff, held_plenary):
    client.force_login(staff)
    data = plenary_form(
        year=held_plenary.year,
        semester=held_plenary.semester,
        date=held_plenary.date.strftime("%d/%m/%Y"),
        place=held_plenary.place,
        minutes=held_plenary.minutes,
    )
    agenda = list(held_plenary.agenda_items.all())
    data |= {
        "agenda_items-TOTAL_FORMS": len(agenda),
        "agenda_items-INITIAL_FORMS": len(agenda),
        "decisions-TOTAL_FORMS": 1,
        "decisions-0-order": 1,
        "decisions-0-title": "Adoption du thème Mobilité",
        "decisions-0-description": "",
        "decisions-0-theme_name": "Mobilité",
        "decisions-0-theme_description": "Se déplacer pour accéder aux droits.",
    }
    for index, item in enumerate(agenda):
        data |= {
            f"agenda_items-{index}-id": item.pk,
            f"agenda_items-{index}-plenary": held_plenary.pk,
            f"agenda_items-{index}-order": item.order,
            f"agenda_items-{index}-title": item.title,
        }
    response = client.post(f"/admin/plenaries/plenary/{held_plenary.pk}/change/", data)
    assert response.status_code == 302, response.context["errors"]
    theme = Theme.objects.get()
    assert theme.decision.title == "Adoption du thème Mobilité"
    assert theme.plenary == held_plenary


def test_cadence_page_lists_semesters_and_warnings(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:plenaries_plenary_cadence"))
    page = html.unescape(response.content.decode())
    assert "1er semestre 2009" in page
    assert "Aucune plénière n'est prévue ce semestre" in page


def test_admin_pages_open(client, staff, held_plenary, convened_plenary):
    RegistrationFactory(plenary=convened_plenary)
    client.force_login(staff)
    for path in [
        "/admin/plenaries/plenary/",
        f"/admin/plenaries/plenary/{held_plenary.pk}/change/",
        "/admin/plenaries/registration/",
        "/admin/plenaries/attendance/",
        "/admin/plenaries/convocation/",
        "/admin/plenaries/theme/",
        "/admin/plenaries/theme/add/",
    ]:
        assert client.get(path).status_code == 200, path


def test_change_page_links_plenary_files_to_their_download_views(client, staff, held_plenary):
    held_plenary.minutes_pdf.save("cr.pdf", ContentFile(b"%PDF-1.4 compte rendu"))
    document = PlenaryDocumentFactory(plenary=held_plenary, visibility=Visibility.NETWORK)
    client.force_login(staff)
    response = client.get(f"/admin/plenaries/plenary/{held_plenary.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    slug = f"{held_plenary.year}-s{held_plenary.semester}"
    assert f'href="/plenieres/{slug}/compte-rendu.pdf"' in page
    assert f'href="/plenieres/{slug}/documents/{document.pk}/"' in page
    assert "/media/plenaries/" not in page
