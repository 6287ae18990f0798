from simple_history import register

from .action import Action, ActionTransition
from .bulletin import BulletinPost
from .charter import Charter, Signature
from .membership import AccessRequest, Invitation, Membership
from .partner import Partner
from .ratelimit import RateLimitCounter
from .taxonomy import FieldOfAction, Neighbourhood
from .user import User

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
    "RateLimitCounter",
    "Signature",
    "User",
]

# Audit trail (django-simple-history): every change staff or members make to these is kept with
# who and when, and shown in the admin. ActionTransition is already a log of its own.
# A correspondent's details are kept only while they are the correspondent: never copied.
register(
    Partner,
    excluded_fields=[
        "correspondent_name",
        "correspondent_email",
        "correspondent_address",
        "correspondent_digest_refused",
    ],
)
register(Charter)
register(Signature)
register(FieldOfAction)
register(Neighbourhood)
register(Membership)
register(Invitation)
register(AccessRequest)
register(Action)
register(BulletinPost)
# Accounts are managed with memberships; the history never keeps password hashes.
register(User, excluded_fields=["password", "last_login"])
