from simple_history import register

from .participation import Attendance, Convocation, ConvocationDelivery, Registration
from .plenary import AgendaItem, Plenary, PlenaryDocument, semester_bounds, semester_of
from .theme import Decision, Theme

__all__ = [
    "AgendaItem",
    "Attendance",
    "Convocation",
    "ConvocationDelivery",
    "Decision",
    "Plenary",
    "PlenaryDocument",
    "Registration",
    "Theme",
    "semester_bounds",
    "semester_of",
]

# Audit trail (django-simple-history): who changed a plenary, its attendance or minutes, and when.
for audited in (
    Plenary,
    AgendaItem,
    PlenaryDocument,
    Theme,
    Decision,
    Convocation,
    Registration,
    Attendance,
):
    register(audited)
