"""Views of the partners app: the directory and members' pages (directory.py) and the
showcase of actions (actions.py)."""

from .actions import (
    ActionCreateView,
    ActionDetailView,
    ActionListView,
    ActionManageView,
    ActionMineView,
    ActionUpdateView,
    action_submit,
)
from .bulletin import BulletinListView, BulletinPostCreateView, bulletin_post_remove
from .directory import (
    AccessRequestView,
    CharterView,
    InvitationCreateView,
    PartnerDetailView,
    PartnerListView,
    PartnerUpdateView,
    invitation_accept,
    organization_jsonld,
)
from .freshness import partner_confirm

__all__ = [
    "AccessRequestView",
    "ActionCreateView",
    "ActionDetailView",
    "ActionListView",
    "ActionManageView",
    "ActionMineView",
    "ActionUpdateView",
    "BulletinListView",
    "BulletinPostCreateView",
    "CharterView",
    "InvitationCreateView",
    "PartnerDetailView",
    "PartnerListView",
    "PartnerUpdateView",
    "action_submit",
    "bulletin_post_remove",
    "invitation_accept",
    "organization_jsonld",
    "partner_confirm",
]
