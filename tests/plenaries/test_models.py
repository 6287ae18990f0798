import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plenaries.models import Plenary, Registration, Theme, semester_bounds, semester_of
from tests.factories import PlenaryFactory, RegistrationFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_semester_of_splits_the_year_at_july():
    assert semester_of(datetime.date(2026, 6, 30)) == (2026, 1)
    assert semester_of(datetime.date(2026, 7, 1)) == (2026, 2)
    assert semester_bounds(2026, 2) == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))


def test_database_refuses_a_second_plenary_in_a_semester():
    PlenaryFactory(date=datetime.date(2024, 3, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Plenary.objects.create(
            year=2024, semester=1, date=datetime.date(2024, 5, 1), place="Ailleurs"
        )


@pytest.mark.parametrize(
    ("year", "semester", "date"),
    [
        (2024, 1, datetime.date(2024, 7, 1)),
        (2024, 2, datetime.date(2024, 6, 30)),
        (2024, 2, datetime.date(2025, 10, 1)),
    ],
)
def test_database_refuses_a_date_outside_the_semester(year, semester, date):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plenary.objects.create(year=year, semester=semester, date=date, place="Salle")


def test_full_clean_explains_a_date_outside_the_semester_in_french():
    plenary = Plenary(year=2024, semester=1, date=datetime.date(2024, 9, 1), place="Salle")
    with pytest.raises(ValidationError) as error:
        plenary.full_clean()
    assert "janvier à juin" in str(error.value)


def test_database_refuses_minutes_published_before_the_plenary_is_held():
    plenary = PlenaryFactory(date=datetime.date(2024, 3, 1), status=Plenary.Status.CONVENED)
    plenary.minutes_published_on = datetime.date(2024, 3, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        plenary.save()


def test_database_refuses_an_attending_answer_without_people():
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(answer=Registration.Answer.ATTENDING, attendee_count=0)


def test_theme_cannot_close_before_its_adoption():
    theme = ThemeFactory()
    theme.closed_at = theme.adopted_at - datetime.timedelta(days=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        theme.save()


def test_current_themes_exclude_closed_ones():
    open_theme = ThemeFactory()
    ThemeFactory(closed_at=datetime.date(2020, 1, 1), adopted_at=datetime.date(2015, 1, 1))
    assert list(Theme.objects.current()) == [open_theme]


def test_a_file_that_is_not_a_pdf_is_refused_as_minutes(db):
    from django.core.files.uploadedfile import SimpleUploadedFile

    plenary = PlenaryFactory(date=datetime.date(2024, 3, 1))
    plenary.minutes_pdf = SimpleUploadedFile(
        "compte-rendu.pdf", b"<html><script>alert(1)</script></html>", "application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        plenary.full_clean()
    assert "n'est pas un PDF" in str(error.value)


def test_migrations_are_up_to_date(db):
    import io

    from django.core.management import call_command

    call_command("makemigrations", "plenaries", "--check", "--dry-run", stdout=io.StringIO())
