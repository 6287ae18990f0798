"""Writes and workflows of the partners app. Views, the admin and management commands call
these functions, so each rule is written once."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.mail import absolute_url, send_templated_email, staff_recipients
from partners.models import AccessRequest, Invitation, Membership, Partner

User = get_user_model()

INVITATION_SALT = "utopia.partners.invitation"


@transaction.atomic
def partner_page_update(*, partner: Partner, by, fields_of_action=None) -> Partner:
    """Save a partner's page as edited by a member or staff (the form has set its fields).

    Saving the page also confirms that it is accurate.
    """
    partner.last_confirmed_at = timezone.now()
    partner.full_clean()
    partner.save()
    if fields_of_action is not None:
        partner.fields_of_action.set(fields_of_action)
    return partner


@transaction.atomic
def partner_confirm(*, partner: Partner, by=None) -> Partner:
    """The partner's page is still accurate."""
    partner.last_confirmed_at = timezone.now()
    partner.save(update_fields=["last_confirmed_at", "updated_at"])
    return partner


# --- Invitations ----------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link stands for; ValidationError in French otherwise."""
    try:
        payload = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.UTOPIA_INVITATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("Ce lien d'invitation a expiré. Demandez une nouvelle invitation."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("Ce lien d'invitation n'est pas valide."), code="invalid") from None
    invitation = (
        Invitation.objects.select_related("partner").filter(pk=payload.get("invitation")).first()
    )
    if invitation is None or invitation.revoked_at is not None:
        raise ValidationError(_("Cette invitation a été annulée."), code="revoked")
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("Ce lien d'invitation a déjà servi. Connectez-vous avec votre mot de passe."),
            code="used",
        )
    return invitation


@transaction.atomic
def invitation_create(
    *, partner: Partner, email: str, invited_by, role: str = Membership.Role.MEMBER
) -> Invitation:
    """Invite an email address to join a partner and email the link."""
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(partner=partner, user__email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Cette personne est déjà membre de %(partner)s.") % {"partner": partner}}
        )
    # A new invitation replaces any earlier one for the same address.
    Invitation.objects.pending().filter(partner=partner, email__iexact=email).update(
        revoked_at=timezone.now()
    )
    invitation = Invitation(partner=partner, email=email, role=role, invited_by=invited_by)
    invitation.full_clean()
    invitation.save()
    link = absolute_url(
        reverse("invitation_accept", kwargs={"token": invitation_token(invitation)})
    )
    days = settings.UTOPIA_INVITATION_MAX_AGE // 86400
    transaction.on_commit(
        lambda: send_templated_email(
            template="invitation",
            context={"invitation": invitation, "link": link, "days": days},
            to=[email],
        )
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, first_name: str, last_name: str, password: str):
    """Create (or reuse) the account and make it a member. Works once."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError(_("Ce lien d'invitation a déjà servi."), code="used")
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is None:
        user = User(username=invitation.email, email=invitation.email)
    user.first_name = first_name
    user.last_name = last_name
    user.set_password(password)
    user.is_active = True
    user.save()
    Membership.objects.get_or_create(
        user=user, partner=invitation.partner, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# --- Access requests --------------------------------------------------------------------


@transaction.atomic
def access_request_create(*, data: dict) -> AccessRequest:
    request = AccessRequest(**data)
    request.full_clean()
    request.save()
    admin_link = absolute_url(
        reverse("admin:partners_accessrequest_change", kwargs={"object_id": request.pk})
    )
    transaction.on_commit(
        lambda: send_templated_email(
            template="access_request_staff",
            context={"access_request": request, "link": admin_link},
            to=staff_recipients(),
        )
    )
    return request


@transaction.atomic
def access_request_approve(*, access_request: AccessRequest, by) -> Invitation:
    """Staff accept: the person receives an invitation to the partner."""
    if access_request.status != AccessRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="decided")
    if access_request.partner is None:
        raise ValidationError(
            _(
                "Rattachez d'abord la demande à un partenaire de l'annuaire "
                "(créez-le s'il n'existe pas encore)."
            ),
            code="no_partner",
        )
    invitation = invitation_create(
        partner=access_request.partner,
        email=access_request.email,
        invited_by=by,
    )
    access_request.status = AccessRequest.Status.APPROVED
    access_request.decided_at = timezone.now()
    access_request.decided_by = by
    access_request.save(update_fields=["status", "decided_at", "decided_by"])
    return invitation


@transaction.atomic
def access_request_refuse(*, access_request: AccessRequest, by) -> AccessRequest:
    if access_request.status != AccessRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="decided")
    access_request.status = AccessRequest.Status.REFUSED
    access_request.decided_at = timezone.now()
    access_request.decided_by = by
    access_request.save(update_fields=["status", "decided_at", "decided_by"])
    transaction.on_commit(
        lambda: send_templated_email(
            template="access_request_refused",
            context={"access_request": access_request},
            to=[access_request.email],
        )
    )
    return access_request
