"""Writes and workflows of the partners app. Views, the admin and management commands call
these functions, so each rule is written once."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import french
from partners.emails import normalize_email
from partners.history import authored
from partners.mail import (
    absolute_url,
    partner_member_emails,
    send_templated_email,
    staff_recipients,
)
from partners.models import (
    AccessRequest,
    Action,
    ActionTransition,
    BulletinPost,
    Invitation,
    Membership,
    Partner,
    Signature,
)
from partners.reach import reach
from partners.rules import has_portal_perm, has_staff_permission, member_partner_ids

User = get_user_model()

INVITATION_SALT = "utopia.partners.invitation"


@transaction.atomic
def partner_page_update(*, partner: Partner, by, fields_of_action=None) -> Partner:
    """Save a partner's page as edited by a member or staff (the form has set its fields).

    Saving the page also confirms that it is accurate.
    """
    partner.last_confirmed_at = timezone.now()
    partner.full_clean()
    authored(partner, by=by).save()
    if fields_of_action is not None:
        partner.fields_of_action.set(fields_of_action)
    return partner


@transaction.atomic
def partner_confirm(*, partner: Partner, by) -> Partner:
    """The partner's page is still accurate. `by` is None when a member confirms from the
    emailed link without logging in."""
    partner.last_confirmed_at = timezone.now()
    authored(partner, by=by).save(update_fields=["last_confirmed_at", "updated_at"])
    return partner


# --- Directory freshness: once a year, "is your page still accurate?" -------------------------

CONFIRMATION_SALT = "utopia.partners.confirmation"


def partner_confirmation_token(partner: Partner) -> str:
    """A signed link token, valid until the page is confirmed (single use) or until
    UTOPIA_CONFIRMATION_LINK_MAX_AGE has passed."""
    confirmed = partner.last_confirmed_at.isoformat() if partner.last_confirmed_at else ""
    return signing.dumps({"partner": partner.pk, "confirmed": confirmed}, salt=CONFIRMATION_SALT)


def partner_from_confirmation_token(token: str) -> Partner:
    """The partner a confirmation link stands for; ValidationError in French otherwise."""
    try:
        payload = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=settings.UTOPIA_CONFIRMATION_LINK_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _("Ce lien a expiré. Connectez-vous pour vérifier et mettre à jour la fiche."),
            code="expired",
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("Ce lien n'est pas valide."), code="invalid") from None
    partner = Partner.objects.filter(pk=payload.get("partner"), is_active=True).first()
    if partner is None:
        raise ValidationError(_("Ce lien n'est pas valide."), code="invalid")
    confirmed = partner.last_confirmed_at.isoformat() if partner.last_confirmed_at else ""
    if confirmed != payload.get("confirmed"):
        raise ValidationError(
            _("Ce lien a déjà servi : la fiche a été confirmée ou modifiée depuis son envoi."),
            code="used",
        )
    return partner


@transaction.atomic
def partner_confirmation_request(*, partner: Partner, now=None) -> int:
    """Email the partner (its correspondent and members: partners/reach.py) a link to confirm
    or update its page, and to check who its correspondent is; how many were asked."""
    now = now or timezone.now()
    recipients = reach([partner]).addresses
    partner.confirmation_requested_at = now
    partner.save(update_fields=["confirmation_requested_at"])
    if recipients:
        token = partner_confirmation_token(partner)
        context = {
            "partner": partner,
            "confirm_link": absolute_url(reverse("partners:confirm", kwargs={"token": token})),
            "update_link": absolute_url(reverse("partners:update", kwargs={"slug": partner.slug})),
            "days": settings.UTOPIA_CONFIRMATION_LINK_MAX_AGE // 86400,
        }
        transaction.on_commit(
            lambda: send_templated_email(
                template="partner_confirmation_request", context=context, to=recipients
            )
        )
    return len(recipients)


def partner_confirmation_requests_send(*, now=None) -> int:
    """Ask every partner that is due (see PartnerQuerySet.confirmation_due) and that an
    address reaches (the CCAS, which asks, is not among them); how many."""
    now = now or timezone.now()
    due = Partner.objects.confirmation_due(now=now).exclude(kind=Partner.Kind.COORDINATOR)
    reachable = reach(due.order_by("name")).by_email
    for row in reachable:
        partner_confirmation_request(partner=row.partner, now=now)
    return len(reachable)


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


def invitation_account(*, invitation: Invitation) -> "User | None":
    """The account that already holds the invited address, or None.

    Compared exactly, in the addresses' one written form (partners/emails.py): a look-alike
    address is another address. A closed account is found too, so that an invitation never
    goes round it.
    """
    return User.objects.filter(email=normalize_email(invitation.email)).first()


@transaction.atomic
def invitation_create(
    *, partner: Partner, email: str, by, role: str = Membership.Role.MEMBER
) -> Invitation:
    """Invite an email address to join a partner and email the link."""
    email = normalize_email(email)
    # The address becomes the account's identifier when the invitation is accepted.
    longest = User._meta.get_field("email").max_length
    if len(email) > longest:
        raise ValidationError(
            {
                "email": _(
                    "Cette adresse est trop longue pour servir d'identifiant (%(longest)d "
                    "caractères au plus)."
                )
                % {"longest": longest}
            }
        )
    if Membership.objects.filter(user__email=email, partner=partner).exists():
        raise ValidationError(
            {
                "email": _("Cette personne est déjà membre %(of_partner)s.")
                % {"of_partner": french.de(partner.name)}
            }
        )
    # A new invitation replaces any earlier one for the same address.
    for earlier in Invitation.objects.pending().filter(partner=partner, email=email):
        earlier.revoked_at = timezone.now()
        authored(earlier, by=by).save(update_fields=["revoked_at"])
    invitation = Invitation(partner=partner, email=email, role=role, invited_by=by)
    invitation.full_clean()
    authored(invitation, by=by).save()
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


def _lock_pending(invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().select_related("partner").get(pk=invitation.pk)
    )
    if not invitation.is_pending:
        raise ValidationError(_("Ce lien d'invitation a déjà servi."), code="used")
    return invitation


@transaction.atomic
def invitation_accept_with_new_account(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
):
    """An address without an account: create it (names and password chosen by the person who
    followed the emailed link) and make it a member. Works once.

    Never touches an existing account: its owner accepts by logging in (invitation_accept).
    The history names the new account as the author of what it did: nobody was logged in.
    """
    invitation = _lock_pending(invitation)
    if invitation_account(invitation=invitation) is not None:
        raise ValidationError(
            _(
                "Un compte existe déjà pour cette adresse : connectez-vous avec son mot de passe "
                "pour accepter l'invitation."
            ),
            code="account_exists",
        )
    email = normalize_email(invitation.email)
    user = User(email=email, first_name=first_name, last_name=last_name)
    user.set_password(password)
    user.full_clean()
    authored(user, by=user).save()
    authored(
        Membership(user=user, partner=invitation.partner, role=invitation.role), by=user
    ).save()
    invitation.accepted_at = timezone.now()
    authored(invitation, by=user).save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def invitation_accept(*, invitation: Invitation, by) -> Membership:
    """The owner of the invited address's account, logged in as that account, accepts: it
    becomes a member of the partner. Nothing about the account changes (password, names,
    flags); a closed account stays closed, since only staff reopen one. Works once."""
    invitation = _lock_pending(invitation)
    account = invitation_account(invitation=invitation)
    if account is None or account.pk != by.pk:
        raise ValidationError(
            _("Cette invitation est adressée à un autre compte."), code="other_account"
        )
    if not account.is_active:
        raise ValidationError(_("Ce compte a été fermé."), code="account_closed")
    membership = Membership.objects.filter(user=account, partner=invitation.partner).first()
    if membership is None:
        membership = Membership(user=account, partner=invitation.partner, role=invitation.role)
        authored(membership, by=by).save()
    invitation.accepted_at = timezone.now()
    authored(invitation, by=by).save(update_fields=["accepted_at"])
    return membership


@transaction.atomic
@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    """A partner's manager takes away the access of someone who left. Nobody removes their
    own access here: a partner is never left without the manager who could undo it."""
    if membership.user_id == getattr(by, "pk", None):
        raise ValidationError(
            _(
                "Vous ne pouvez pas retirer votre propre accès : demandez-le à un autre "
                "responsable ou au CCAS."
            )
        )
    authored(membership, by=by).delete()


def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        authored(invitation, by=by).save(update_fields=["revoked_at"])
    return invitation


# --- Access requests --------------------------------------------------------------------


@transaction.atomic
def access_request_create(*, data: dict) -> AccessRequest:
    # Stored in the form the invitation, once approved, will be sent to and compared in.
    request = AccessRequest(**{**data, "email": normalize_email(data.get("email", ""))})
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
def access_requests_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the access requests decided more than ACCESS_REQUEST_RETENTION_DAYS days ago, and
    their audit-history copies, which hold the applicant's name, address and message (RGPD).
    A pending request waits for its decision. Returns how many were deleted."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.UTOPIA_ACCESS_REQUEST_RETENTION_DAYS)
    ids = list(
        AccessRequest.objects.exclude(status=AccessRequest.Status.PENDING)
        .filter(decided_at__lt=limit)
        .values_list("pk", flat=True)
    )
    AccessRequest.objects.filter(pk__in=ids).delete()
    # After the deletion, which records one more copy of each.
    AccessRequest.history.filter(id__in=ids).delete()
    return len(ids)


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
        by=by,
    )
    access_request.status = AccessRequest.Status.APPROVED
    access_request.decided_at = timezone.now()
    access_request.decided_by = by
    authored(access_request, by=by).save(update_fields=["status", "decided_at", "decided_by"])
    return invitation


@transaction.atomic
def access_request_refuse(*, access_request: AccessRequest, by) -> AccessRequest:
    if access_request.status != AccessRequest.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="decided")
    access_request.status = AccessRequest.Status.REFUSED
    access_request.decided_at = timezone.now()
    access_request.decided_by = by
    authored(access_request, by=by).save(update_fields=["status", "decided_at", "decided_by"])
    transaction.on_commit(
        lambda: send_templated_email(
            template="access_request_refused",
            context={"access_request": access_request},
            to=[access_request.email],
        )
    )
    return access_request


# --- Signatories: RGPD retention ---------------------------------------------------------------


@transaction.atomic
def signature_names_hide_expired(*, today: datetime.date | None = None) -> int:
    """Stop publishing the names of signatories whose mandate ended longer ago than the
    retention period; the signature itself (partner, role, date) stays public. Each one saved
    on its own, so that the audit history records when its name was hidden."""
    today = today or timezone.localdate()
    signatures = list(
        Signature.objects.name_retention_expired(today=today).select_for_update().order_by("pk")
    )
    for signature in signatures:
        signature.name_hidden_on = today
        signature.save(update_fields=["name_hidden_on"])
    return len(signatures)


# --- Network bulletin ----------------------------------------------------------------------------


@transaction.atomic
def bulletin_post_create(*, post: BulletinPost, by) -> BulletinPost:
    """Share news with the network, in the name of one of the author's partners."""
    if not (
        post.partner_id in member_partner_ids(by)
        or has_staff_permission(by, "partners.add_bulletinpost")
    ):
        raise ValidationError(
            _("Vous ne pouvez publier qu'au nom d'un partenaire dont vous êtes membre."),
            code="not_member",
        )
    post.author = by
    post.full_clean()
    authored(post, by=by).save()
    return post


@transaction.atomic
def bulletin_post_remove(*, post: BulletinPost, by) -> BulletinPost:
    """Withdraw a post (its author, a manager of its partner, or staff); kept for the record."""
    if post.removed_at is not None:
        raise ValidationError(_("Ce message a déjà été retiré."), code="removed")
    post.removed_at = timezone.now()
    post.removed_by = by
    authored(post, by=by).save(update_fields=["removed_at", "removed_by"])
    return post


# --- Showcase of actions: posting and moderation ---------------------------------------------
#
# draft ──submit──▶ submitted ──publish──▶ published
#                      │  ▲                   │
#      request_changes │  │ submit            │ edited by an untrusted partner: back to
#                      ▼  │                   │ submitted; request_changes or reject by staff
#               changes_requested             ▼
#                      reject ──────────▶ rejected (final)
#
# A published action leaves the public list by itself once it is over (Action.objects.past()).

Status = Action.Status

# transition -> (statuses it may start from, status it leads to, refusal message)
ACTION_TRANSITIONS = {
    "submit": (
        {Status.DRAFT, Status.CHANGES_REQUESTED},
        Status.SUBMITTED,
        _(
            "Seul un brouillon ou une action à modifier peut être soumis ; cette action est « %(status)s »."
        ),
    ),
    "publish": (
        {Status.SUBMITTED},
        Status.PUBLISHED,
        _(
            "Seule une action en attente de relecture peut être publiée ; cette action est « %(status)s »."
        ),
    ),
    "request_changes": (
        {Status.SUBMITTED, Status.PUBLISHED},
        Status.CHANGES_REQUESTED,
        _(
            "On ne peut demander des modifications que pour une action en attente de relecture ou publiée ; cette action est « %(status)s »."
        ),
    ),
    "reject": (
        {Status.SUBMITTED, Status.PUBLISHED},
        Status.REJECTED,
        _(
            "Seule une action en attente de relecture ou publiée peut être refusée ; cette action est « %(status)s »."
        ),
    ),
}
EDITABLE_STATUSES = {Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.PUBLISHED}


def action_allowed_transitions(action: Action) -> set[str]:
    """The transitions that the action's current status allows (for buttons and admin)."""
    return {
        name
        for name, (sources, _to, _msg) in ACTION_TRANSITIONS.items()
        if action.status in sources
    }


def _check_transition(action: Action, name: str) -> str:
    sources, target, refusal = ACTION_TRANSITIONS[name]
    if action.status not in sources:
        raise ValidationError(refusal % {"status": action.get_status_display()}, code="illegal")
    return target


def _check_member(action: Action, by, permission: str = "partners.edit_action") -> None:
    if by is None or not has_portal_perm(by, permission, action):
        raise ValidationError(
            _("Vous ne pouvez pas modifier ni soumettre une action d'un autre partenaire."),
            code="forbidden",
        )


def _check_staff(by) -> None:
    if by is None or not has_staff_permission(by, "partners.moderate_action"):
        raise ValidationError(
            _(
                "Seuls les agents du CCAS qui ont le droit de modérer les actions peuvent les "
                "publier, demander des modifications ou les refuser."
            ),
            code="forbidden",
        )


def _record(action: Action, *, to: str, by, message: str = "") -> ActionTransition:
    """Move the action to `to` and keep the step in its history."""
    step = ActionTransition(
        action=action, from_status=action.status, to_status=to, by=by, message=message
    )
    now = timezone.now()
    action.status = to
    if to == Status.SUBMITTED:
        action.submitted_at = now
    if to == Status.PUBLISHED and action.published_at is None:
        action.published_at = now
    action.full_clean()
    authored(action, by=by).save()
    step.at = now
    step.full_clean()
    step.save()
    return step


def _lock(action: Action) -> Action:
    """The row as it is in the database, locked until the transaction ends, with the form's
    unsaved changes set aside: a decision is taken on what is stored."""
    return Action.objects.select_for_update().select_related("partner").get(pk=action.pk)


def _notify_staff_of_submission(action: Action) -> None:
    link = absolute_url(reverse("admin:partners_action_change", kwargs={"object_id": action.pk}))
    transaction.on_commit(
        lambda: send_templated_email(
            template="action_submitted",
            context={"action": action, "link": link},
            to=staff_recipients(),
        )
    )


def _notify_members_of_decision(action: Action, step: ActionTransition) -> None:
    context = {
        "action": action,
        "step": step,
        "manage_link": absolute_url(action.get_manage_url()),
        "public_link": absolute_url(action.get_absolute_url()),
    }
    recipients = partner_member_emails(action.partner)
    transaction.on_commit(
        lambda: send_templated_email(template="action_decided", context=context, to=recipients)
    )


@transaction.atomic
def action_create(*, action: Action, by, fields_of_action=None, co_organisers=None) -> Action:
    """A member starts an action for their partner (the form has set its fields): a draft."""
    _check_member(action, by, "partners.create_action")
    action.status = Status.DRAFT
    action.created_by = by
    action.full_clean()
    authored(action, by=by).save()
    _set_relations(action, fields_of_action, co_organisers)
    ActionTransition.objects.create(action=action, from_status="", to_status=Status.DRAFT, by=by)
    return action


@transaction.atomic
def action_update(*, action: Action, by, fields_of_action=None, co_organisers=None) -> Action:
    """Save an edited action. A member editing a published action sends it back to review,
    unless staff have marked the partner as trusted; staff edits never change the status."""
    stored = _lock(action)
    # Staff edits: those of an agent who may change any action (a member's own are not).
    by_staff = has_staff_permission(by, "partners.change_action")
    if stored.partner_id != action.partner_id and not by_staff:
        raise ValidationError(
            _("Une action ne change pas de partenaire ; demandez-le au CCAS."), code="forbidden"
        )
    _check_member(stored, by)
    if stored.status not in EDITABLE_STATUSES and not by_staff:
        raise ValidationError(_("Une action refusée ne peut plus être modifiée."), code="illegal")
    action.status = stored.status
    action.published_at = stored.published_at
    action.full_clean()
    authored(action, by=by).save()
    _set_relations(action, fields_of_action, co_organisers)
    if stored.status == Status.PUBLISHED and not by_staff:
        if action.partner.is_trusted:
            ActionTransition.objects.create(
                action=action,
                from_status=Status.PUBLISHED,
                to_status=Status.PUBLISHED,
                by=by,
                message=_("Modifiée par un partenaire de confiance : reste publiée."),
            )
        else:
            _record(
                action,
                to=Status.SUBMITTED,
                by=by,
                message=_("Modifiée après publication : renvoyée en relecture."),
            )
            _notify_staff_of_submission(action)
    return action


def _set_relations(action: Action, fields_of_action, co_organisers) -> None:
    if fields_of_action is not None:
        action.fields_of_action.set(fields_of_action)
    if co_organisers is not None:
        action.co_organisers.set([p for p in co_organisers if p.pk != action.partner_id])


@transaction.atomic
def action_submit(*, action: Action, by) -> Action:
    """The partner asks the CCAS to publish the action (first time or after changes)."""
    action = _lock(action)
    _check_member(action, by)
    target = _check_transition(action, "submit")
    _record(action, to=target, by=by)
    _notify_staff_of_submission(action)
    return action


@transaction.atomic
def action_publish(*, action: Action, by, message: str = "") -> Action:
    action = _lock(action)
    _check_staff(by)
    target = _check_transition(action, "publish")
    step = _record(action, to=target, by=by, message=message.strip())
    _notify_members_of_decision(action, step)
    return action


@transaction.atomic
def action_request_changes(*, action: Action, by, message: str) -> Action:
    action = _lock(action)
    _check_staff(by)
    target = _check_transition(action, "request_changes")
    if not (message or "").strip():
        raise ValidationError(
            _("Expliquez au partenaire ce qu'il doit modifier : le message est obligatoire."),
            code="message_required",
        )
    step = _record(action, to=target, by=by, message=message.strip())
    _notify_members_of_decision(action, step)
    return action


@transaction.atomic
def action_reject(*, action: Action, by, message: str) -> Action:
    action = _lock(action)
    _check_staff(by)
    target = _check_transition(action, "reject")
    if not (message or "").strip():
        raise ValidationError(
            _("Donnez au partenaire la raison du refus : le message est obligatoire."),
            code="message_required",
        )
    step = _record(action, to=target, by=by, message=message.strip())
    _notify_members_of_decision(action, step)
    return action
