"""Who has access to a partner: its managers take away the access of someone who left, and
cancel or send again a pending invitation (the list is on the invitation page)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners import ratelimit, services
from partners.client_ip import client_ip
from partners.models import Invitation, Membership, Partner
from partners.permissions import require_object_permission

PERMISSION = "partners.manage_partner_access"


def _partner_or_refusal(request, slug):
    partner = get_object_or_404(Partner.objects.active(), slug=slug)
    return partner, require_object_permission(request, PERMISSION, partner)


def _back(partner):
    return redirect("partners:invite", slug=partner.slug)


@require_POST
def membership_remove(request, slug, pk):
    partner, refusal = _partner_or_refusal(request, slug)
    if refusal:
        return refusal
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, partner=partner
    )
    name = membership.user.get_full_name() or membership.user.email
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s n'a plus accès à la fiche du partenaire.") % {"name": name}
        )
    return _back(partner)


def _pending_invitation(partner, pk):
    return get_object_or_404(Invitation.objects.pending(), pk=pk, partner=partner)


@require_POST
def invitation_cancel(request, slug, pk):
    partner, refusal = _partner_or_refusal(request, slug)
    if refusal:
        return refusal
    invitation = _pending_invitation(partner, pk)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(
        request,
        _("L'invitation de %(email)s est annulée : son lien ne fonctionne plus.")
        % {"email": invitation.email},
    )
    return _back(partner)


@require_POST
def invitation_resend(request, slug, pk):
    partner, refusal = _partner_or_refusal(request, slug)
    if refusal:
        return refusal
    invitation = _pending_invitation(partner, pk)
    if not ratelimit.email_allowed(
        kind=ratelimit.INVITATION, email=invitation.email, client=client_ip(request)
    ):
        minutes = max(settings.UTOPIA_EMAIL_LIMIT_SECONDS // 60, 1)
        messages.error(
            request,
            ngettext(
                "Trop d'invitations ont été envoyées à cette adresse. Réessayez dans "
                "%(minutes)d minute.",
                "Trop d'invitations ont été envoyées à cette adresse. Réessayez dans "
                "%(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        return _back(partner)
    try:
        services.invitation_create(
            partner=partner, email=invitation.email, role=invitation.role, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, replaced_message(invitation.email))
    return _back(partner)


def replaced_message(email: str) -> str:
    return _(
        "Nouvelle invitation envoyée à %(email)s : elle remplace la précédente, dont le lien "
        "ne fonctionne plus."
    ) % {"email": email}
