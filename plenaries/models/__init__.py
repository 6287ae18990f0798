from .participation import Attendance, Convocation, Registration
from .plenary import AgendaItem, Plenary, PlenaryDocument, semester_bounds, semester_of
from .theme import Decision, Theme

__all__ = [
    "AgendaItem",
    "Attendance",
    "Convocation",
    "Decision",
    "Plenary",
    "PlenaryDocument",
    "Registration",
    "Theme",
    "semester_bounds",
    "semester_of",
]
