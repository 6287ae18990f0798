"""The network's rhythm: one plenary every semester since the charter of May 2009."""

import dataclasses
import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from plenaries.models import Plenary, semester_of
from plenaries.models.plenary import FIRST_SEMESTER, semester_bounds

MINUTES_DELAY_DAYS = 30
# The next semester's plenary should be planned this long before that semester starts.
NEXT_SEMESTER_NOTICE_DAYS = 90


@dataclasses.dataclass
class SemesterRow:
    year: int
    semester: int
    plenary: Plenary | None
    warnings: list[str]

    @property
    def held(self) -> bool:
        return self.plenary is not None and self.plenary.status == Plenary.Status.HELD

    @property
    def minutes_published(self) -> bool:
        return self.plenary is not None and self.plenary.minutes_published

    @property
    def label(self) -> str:
        return _("%(semester)s %(year)s") % {
            "semester": Plenary.Semester(self.semester).label,
            "year": self.year,
        }


def next_semester(year: int, semester: int) -> tuple[int, int]:
    return (year, 2) if semester == 1 else (year + 1, 1)


def semesters(until: tuple[int, int]):
    year, semester = FIRST_SEMESTER
    while (year, semester) <= until:
        yield year, semester
        year, semester = next_semester(year, semester)


def _next_semester_warnings(plenary, year, semester, today) -> list[str]:
    starts_on, _ends_on = semester_bounds(year, semester)
    days_left = (starts_on - today).days
    if days_left > NEXT_SEMESTER_NOTICE_DAYS or not (
        plenary is None or plenary.status == Plenary.Status.CANCELLED
    ):
        return []
    return [
        _(
            "La plénière du semestre prochain (%(label)s, qui commence le %(date)s, dans "
            "%(days)d jours) n'est pas encore prévue."
        )
        % {
            "label": f"{Plenary.Semester(semester).label} {year}",
            "date": starts_on.strftime("%d/%m/%Y"),
            "days": days_left,
        }
    ]


def _warnings(plenary, year, semester, today) -> list[str]:
    current = semester_of(today)
    warnings = []
    if (year, semester) == current and (
        plenary is None or plenary.status == Plenary.Status.CANCELLED
    ):
        warnings.append(
            _("Aucune plénière n'est prévue ce semestre (%(label)s).")
            % {"label": f"{Plenary.Semester(semester).label} {year}"}
        )
    if (
        plenary is not None
        and plenary.status == Plenary.Status.HELD
        and not plenary.minutes_published
        and plenary.date + datetime.timedelta(days=MINUTES_DELAY_DAYS) < today
    ):
        warnings.append(
            _(
                "Le compte rendu de la %(plenary)s (tenue le %(date)s) n'est toujours pas "
                "publié, plus de %(days)d jours après."
            )
            % {
                "plenary": str(plenary).lower(),
                "date": plenary.date.strftime("%d/%m/%Y"),
                "days": MINUTES_DELAY_DAYS,
            }
        )
    if (
        plenary is not None
        and plenary.status in (Plenary.Status.PREPARATION, Plenary.Status.CONVENED)
        and plenary.date < today
    ):
        warnings.append(
            _("La %(plenary)s est passée (%(date)s) sans être marquée comme tenue.")
            % {"plenary": str(plenary).lower(), "date": plenary.date.strftime("%d/%m/%Y")}
        )
    return warnings


def cadence(*, today: datetime.date | None = None) -> list[SemesterRow]:
    """Every semester from the first one of 2009 to the current one, newest first; the next
    one on top once it has a plenary or is less than NEXT_SEMESTER_NOTICE_DAYS days away."""
    today = today or timezone.localdate()
    by_semester = {(p.year, p.semester): p for p in Plenary.objects.all()}
    rows = []
    current = semester_of(today)
    for year, semester in semesters(current):
        plenary = by_semester.get((year, semester))
        rows.append(SemesterRow(year, semester, plenary, _warnings(plenary, year, semester, today)))
    year, semester = next_semester(*current)
    plenary = by_semester.get((year, semester))
    upcoming = _next_semester_warnings(plenary, year, semester, today)
    if plenary is not None or upcoming:
        rows.append(SemesterRow(year, semester, plenary, upcoming))
    rows.reverse()
    return rows


def cadence_warnings(*, today: datetime.date | None = None) -> list[str]:
    return [warning for row in cadence(today=today) for warning in row.warnings]
