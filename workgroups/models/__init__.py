from simple_history import register

from .election import Ballot, Candidate, Election, Participation, PilotTerm
from .group import GroupMembership, Representative, WorkingGroup
from .projects import CoordinatedProject, ExpertiseMessage, ExpertiseRequest, Need
from .space import CalendarFeed, Document, Meeting, NotificationSetting, Reply, Topic

__all__ = [
    "Ballot",
    "CalendarFeed",
    "Candidate",
    "CoordinatedProject",
    "Document",
    "Election",
    "ExpertiseMessage",
    "ExpertiseRequest",
    "GroupMembership",
    "Meeting",
    "Need",
    "NotificationSetting",
    "Participation",
    "PilotTerm",
    "Reply",
    "Representative",
    "Topic",
    "WorkingGroup",
]

# Audit trail (django-simple-history). Ballot and Participation are left out on purpose: a
# history row carries the user who saved it, which would tie a voter to a secret choice.
for audited in (
    WorkingGroup,
    GroupMembership,
    Representative,
    PilotTerm,
    Election,
    Candidate,
    Meeting,
    Document,
    Topic,
    Reply,
    Need,
    CoordinatedProject,
    ExpertiseRequest,
    ExpertiseMessage,
):
    register(audited)
