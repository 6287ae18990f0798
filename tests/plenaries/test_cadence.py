"""Every semester since May 2009, and the warnings sent to staff."""

import datetime
import io

import pytest
from django.core.management import call_command

from plenaries.cadence import cadence, cadence_warnings, next_semester
from plenaries.models import Plenary
from tests.factories import PlenaryFactory

pytestmark = pytest.mark.django_db

# More than 90 days before the next semester (1 January 2027): only this semester's warnings.
TODAY = datetime.date(2026, 9, 25)


def test_cadence_lists_every_semester_since_2009_newest_first():
    held = PlenaryFactory(date=datetime.date(2009, 6, 18), minutes_published_on=None)
    rows = cadence(today=TODAY)
    assert len(rows) == (2026 - 2009 + 1) * 2
    assert (rows[0].year, rows[0].semester) == (2026, 2)
    assert (rows[-1].year, rows[-1].semester) == (2009, 1)
    assert rows[-1].plenary == held and rows[-1].held
    assert rows[-2].plenary is None and not rows[-2].held


def test_warns_when_the_current_semester_has_no_plenary():
    assert cadence_warnings(today=TODAY) == [
        "Aucune plénière n'est prévue ce semestre (2d semestre 2026)."
    ]
    PlenaryFactory(date=datetime.date(2026, 12, 10), status=Plenary.Status.PREPARATION)
    assert cadence_warnings(today=TODAY) == []


def test_a_cancelled_plenary_does_not_count_as_planned():
    PlenaryFactory(date=datetime.date(2026, 12, 10), status=Plenary.Status.CANCELLED)
    assert len(cadence_warnings(today=TODAY)) == 1


def test_minutes_warning_after_thirty_days():
    PlenaryFactory(date=datetime.date(2026, 4, 1), status=Plenary.Status.HELD)
    PlenaryFactory(date=datetime.date(2026, 10, 1), status=Plenary.Status.PREPARATION)
    assert cadence_warnings(today=datetime.date(2026, 5, 1)) == []
    [warning] = cadence_warnings(today=datetime.date(2026, 5, 2))
    assert "compte rendu" in warning and "01/04/2026" in warning
    published = Plenary.objects.get(date=datetime.date(2026, 4, 1))
    published.minutes = "Texte"
    published.minutes_published_on = datetime.date(2026, 5, 3)
    published.save()
    assert cadence_warnings(today=datetime.date(2026, 5, 4)) == []


def test_command_emails_the_warnings_to_staff(staff, mailoutbox):
    out = io.StringIO()
    call_command("plenary_cadence_check", stdout=out)
    [message] = mailoutbox
    assert message.to == [staff.email]
    assert "Aucune plénière n'est prévue ce semestre" in message.body
    assert "/admin/plenaries/plenary/suivi/" in message.body
    assert "alerte" in out.getvalue()


def test_command_sends_nothing_when_all_is_well(staff, mailoutbox):
    from django.utils import timezone

    from plenaries.models import semester_bounds, semester_of

    year, semester = semester_of(timezone.localdate())
    _start, end = semester_bounds(year, semester)
    PlenaryFactory(date=end, status=Plenary.Status.PREPARATION)
    # and the next semester's, whether or not it is less than 90 days away
    next_start, _end = semester_bounds(*next_semester(year, semester))
    PlenaryFactory(date=next_start + datetime.timedelta(days=20), status="preparation")
    out = io.StringIO()
    call_command("plenary_cadence_check", stdout=out)
    assert mailoutbox == []
    assert "Rien à signaler" in out.getvalue()


def test_warns_90_days_before_the_next_semester_when_its_plenary_is_not_planned():
    PlenaryFactory(date=datetime.date(2026, 10, 8), status=Plenary.Status.HELD)
    # 92 days before 1 January 2027: nothing yet.
    assert cadence_warnings(today=datetime.date(2026, 10, 1)) == []
    assert (cadence(today=datetime.date(2026, 10, 1))[0].year) == 2026
    # 90 days before: the next semester shows on top of the page, with its warning.
    rows = cadence(today=datetime.date(2026, 10, 3))
    assert (rows[0].year, rows[0].semester) == (2027, 1)
    assert rows[0].warnings == [
        "La plénière du semestre prochain (1er semestre 2027, qui commence le 01/01/2027, "
        "dans 90 jours) n'est pas encore prévue."
    ]
    # A cancelled one does not count; a planned one ends the warning.
    cancelled = PlenaryFactory(date=datetime.date(2027, 3, 4), status=Plenary.Status.CANCELLED)
    assert len(cadence_warnings(today=datetime.date(2026, 10, 3))) == 1
    cancelled.status = Plenary.Status.PREPARATION
    cancelled.save()
    assert cadence_warnings(today=datetime.date(2026, 10, 3)) == []
    assert cadence(today=datetime.date(2026, 10, 3))[0].plenary == cancelled
