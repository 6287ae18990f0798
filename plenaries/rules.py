"""Who may see and do what about plenaries. Views raise 404 when these say no to a logged-in
user (see partners.permissions)."""

import rules

from partners.rules import is_network_member, is_partner_member, is_verified_staff
from plenaries.models import Plenary
from plenaries.models.plenary import Visibility


@rules.predicate
def is_announced(user, plenary) -> bool:
    return plenary is not None and plenary.status != Plenary.Status.PREPARATION


@rules.predicate
def minutes_are_public(user, plenary) -> bool:
    return plenary is not None and plenary.minutes_public


@rules.predicate
def minutes_are_published(user, plenary) -> bool:
    return plenary is not None and plenary.minutes_published


@rules.predicate
def is_convened(user, plenary) -> bool:
    return plenary is not None and plenary.status == Plenary.Status.CONVENED


@rules.predicate
def document_is_public(user, document) -> bool:
    return document is not None and document.visibility == Visibility.PUBLIC


# Not "view_plenary": that is the name of Django's permission to view plenaries in the
# back-office, which this rule would then grant to every staff account.
rules.add_perm("plenaries.see_plenary", is_verified_staff | is_announced)
rules.add_perm(
    "plenaries.read_minutes",
    is_verified_staff | (minutes_are_published & (minutes_are_public | is_network_member)),
)
rules.add_perm(
    "plenaries.view_document", is_verified_staff | document_is_public | is_network_member
)
rules.add_perm(
    "plenaries.answer_convocation", is_convened & (is_verified_staff | is_network_member)
)
rules.add_perm("plenaries.answer_for_partner", is_verified_staff | is_partner_member)
rules.add_perm("plenaries.view_registrations", is_verified_staff)
rules.add_perm("plenaries.view_participation", is_verified_staff | is_partner_member)
