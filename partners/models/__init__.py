from .action import Action, ActionTransition
from .charter import Charter, Signature
from .membership import AccessRequest, Invitation, Membership
from .partner import Partner
from .taxonomy import FieldOfAction, Neighbourhood

__all__ = [
    "AccessRequest",
    "Action",
    "ActionTransition",
    "Charter",
    "FieldOfAction",
    "Invitation",
    "Membership",
    "Neighbourhood",
    "Partner",
    "Signature",
]
