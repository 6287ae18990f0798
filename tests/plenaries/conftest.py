import datetime

import pytest
from django.utils import timezone

from plenaries.models import Plenary, semester_of
from tests.factories import AgendaItemFactory, PlenaryFactory


def future_date(days: int = 20) -> datetime.date:
    """A date `days` ahead, moved back into the current semester's plenary when possible, so
    tests never depend on the day they run."""
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def plenary_in_preparation(db):
    date = future_date()
    year, semester = semester_of(date)
    plenary = PlenaryFactory(
        date=date, year=year, semester=semester, status=Plenary.Status.PREPARATION
    )
    AgendaItemFactory(plenary=plenary, order=1, title="Bilan des groupes de travail")
    AgendaItemFactory(plenary=plenary, order=2, title="Thèmes prioritaires")
    return plenary


@pytest.fixture
def convened_plenary(plenary_in_preparation):
    plenary = plenary_in_preparation
    plenary.status = Plenary.Status.CONVENED
    plenary.registration_deadline = plenary.date - datetime.timedelta(days=5)
    plenary.save()
    return plenary


@pytest.fixture
def held_plenary(db):
    plenary = PlenaryFactory(
        date=datetime.date(2024, 3, 14),
        status=Plenary.Status.HELD,
        minutes="## Bilan\n\nLes partenaires ont échangé.",
    )
    AgendaItemFactory(plenary=plenary, order=1, title="Bilan")
    return plenary
