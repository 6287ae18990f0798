from .election import Ballot, Candidate, Election, Participation, PilotTerm
from .group import GroupMembership, Representative, WorkingGroup
from .projects import CoordinatedProject, ExpertiseMessage, ExpertiseRequest, Need
from .space import Document, Meeting, NotificationSetting, Reply, Topic

__all__ = [
    "Ballot",
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
