"""Who may see and do what about plenaries. Views raise 404 when these say no to a logged-in
user (see partners.permissions)."""

import rules

from partners.rules import is_network_member, is_partner_member, staff_with
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
# back-office, which staff_with("plenaries.view_plenary") asks for. Each staff power names the
# permission that the back-office asks for the same power.
sees_plenaries_in_back_office = staff_with("plenaries.view_plenary")
rules.add_perm("plenaries.see_plenary", is_announced | sees_plenaries_in_back_office)
rules.add_perm(
    "plenaries.read_minutes",
    (minutes_are_published & (minutes_are_public | is_network_member))
    | sees_plenaries_in_back_office,
)
rules.add_perm(
    "plenaries.view_document",
    document_is_public | is_network_member | staff_with("plenaries.view_plenarydocument"),
)
# Answering for any partner: the back-office's permission to change the answers.
answers_for_any_partner = staff_with("plenaries.change_registration")
rules.add_perm(
    "plenaries.answer_convocation", is_convened & (is_network_member | answers_for_any_partner)
)
rules.add_perm("plenaries.answer_for_partner", is_partner_member | answers_for_any_partner)
rules.add_perm("plenaries.view_registrations", staff_with("plenaries.view_registration"))
rules.add_perm("plenaries.download_registrations", staff_with("plenaries.export_registrations"))
rules.add_perm("plenaries.address_convocation", staff_with("plenaries.view_convocation"))
rules.add_perm(
    "plenaries.view_participation", is_partner_member | staff_with("plenaries.view_attendance")
)
# Convening (and so emailing every partner) is changing the plenary in the back-office.
rules.add_perm("plenaries.convene_plenary", staff_with("plenaries.change_plenary"))
