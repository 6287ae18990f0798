"""A plenary's back-office page shows its life as steps: Planifier → Convoquer → Réponses →
Présences → Compte rendu → Publier, the current one marked, what is missing in words."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from plenaries.models import Plenary, Registration
from plenaries.steps import plenary_steps
from tests.factories import (
    AgendaItemFactory,
    MembershipFactory,
    PartnerFactory,
    PlenaryFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db


def current(plenary) -> str:
    plenary.refresh_from_db()
    [step] = [step.key for step in plenary_steps(plenary) if step.current]
    return step


def step_url(plenary, step) -> str:
    return reverse("admin:plenaries_plenary_step", args=[plenary.pk, step])


def page(client, plenary) -> str:
    html = client.get(reverse("admin:plenaries_plenary_change", args=[plenary.pk]))
    return " ".join(html.content.decode().split())


@pytest.fixture
def coming_plenary():
    date = timezone.localdate() + datetime.timedelta(days=20)
    return PlenaryFactory(date=date, status=Plenary.Status.PREPARATION)


def test_a_plenary_without_agenda_is_at_the_planning_step(client, coming_plenary):
    client.force_login(StaffFactory())
    assert current(coming_plenary) == "planifier"
    html = page(client, coming_plenary)
    assert re.search(r'aria-current="step">\s*<span class="plenary-step__label">1. Planifier', html)
    assert "L&#x27;ordre du jour est vide." in html


def test_an_agent_takes_a_plenary_from_planned_to_published_minutes(client, coming_plenary):
    for _n in range(12):
        PartnerFactory()
    answering = MembershipFactory().partner
    AgendaItemFactory(plenary=coming_plenary)
    client.force_login(StaffFactory())
    assert current(coming_plenary) == "convoquer"

    client.post(step_url(coming_plenary, "convoquer"))
    assert current(coming_plenary) == "reponses"
    Registration.objects.create(
        plenary=coming_plenary,
        partner=answering,
        answer=Registration.Answer.ATTENDING,
        attendee_count=1,
    )
    assert "12 partenaires n&#x27;ont pas répondu." in page(client, coming_plenary)

    # The day comes: the plenary is held, the attendance recorded, the minutes written.
    Plenary.objects.filter(pk=coming_plenary.pk).update(
        date=timezone.localdate(), registration_deadline=timezone.localdate()
    )
    assert current(coming_plenary) == "presences"
    client.post(step_url(coming_plenary, "tenue"))
    coming_plenary.attendances.create(partner=answering, status="present")
    assert current(coming_plenary) == "compte-rendu"
    Plenary.objects.filter(pk=coming_plenary.pk).update(minutes="Les partenaires ont échangé.")
    assert current(coming_plenary) == "publier"
    response = client.post(step_url(coming_plenary, "publier"), follow=True)
    assert "Le compte rendu est publié." in response.content.decode()
    coming_plenary.refresh_from_db()
    assert coming_plenary.minutes_published_on is not None
    assert all(step.done for step in plenary_steps(coming_plenary))


def test_a_step_that_cannot_run_yet_is_refused_in_french(client, coming_plenary):
    client.force_login(StaffFactory())
    response = client.post(step_url(coming_plenary, "convoquer"), follow=True)
    assert "Ajoutez l&#x27;ordre du jour avant de convoquer" in response.content.decode()
    assert Plenary.objects.get(pk=coming_plenary.pk).status == Plenary.Status.PREPARATION


def test_steps_need_the_permission_to_change_plenaries(client, coming_plenary):
    AgendaItemFactory(plenary=coming_plenary)
    client.force_login(StaffFactory(is_superuser=False, permissions=["plenaries.view_plenary"]))
    assert "Convoquer les partenaires</button>" not in page(client, coming_plenary)
    assert client.post(step_url(coming_plenary, "convoquer")).status_code == 403
    assert client.get(step_url(coming_plenary, "convoquer")).status_code == 405
    assert Plenary.objects.get(pk=coming_plenary.pk).status == Plenary.Status.PREPARATION
