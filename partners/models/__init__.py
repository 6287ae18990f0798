from .charter import Charter, Signature
from .membership import AccessRequest, Invitation, Membership
from .partner import Partner
from .taxonomy import FieldOfAction, Neighbourhood

__all__ = [
    "AccessRequest",
    "Charter",
    "FieldOfAction",
    "Invitation",
    "Membership",
    "Neighbourhood",
    "Partner",
    "Signature",
]
