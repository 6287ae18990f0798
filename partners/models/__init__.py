from .action import Action, ActionTransition
from .bulletin import BulletinPost
from .charter import Charter, Signature
from .membership import AccessRequest, Invitation, Membership
from .partner import Partner
from .taxonomy import FieldOfAction, Neighbourhood

__all__ = [
    "AccessRequest",
    "Action",
    "ActionTransition",
    "BulletinPost",
    "Charter",
    "FieldOfAction",
    "Invitation",
    "Membership",
    "Neighbourhood",
    "Partner",
    "Signature",
]
