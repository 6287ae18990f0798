"""Staff two-factor authentication: enrolling an authenticator app through a one-time link.

With STAFF_2FA on, staff powers (back-office and portal alike, see partners.rules.
has_staff_powers) wait for a TOTP code. Whoever has a staff account's password alone must not
be able to enrol their own authenticator for it: a first device (or a new one after a lost
phone) is enrolled through a one-time link that another agent or a superuser sends from the
back-office to the account's address, or that `manage.py staff_enrolment_link` prints for the
first superuser, who has nobody to send one. Only a hash of the link's secret is stored; the
row stays as the record of the enrolment. Each refusal is a ValidationError in French.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.mail import absolute_url, send_templated_email
from utopia.models import StaffEnrolment

# The session remembers which link the enrolment page serves, so that the secret leaves the
# address bar (and any Referer) after its first use.
ENROLMENT_SESSION_KEY = "utopia_staff_enrolment"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _link_hours() -> int:
    return settings.UTOPIA_STAFF_ENROLMENT_LINK_MAX_AGE // 3600


@transaction.atomic
def staff_enrolment_create(*, user, by, channel: str) -> tuple[StaffEnrolment, str]:
    """A new link for `user`'s staff account; returns the row and the link (shown once: only
    its hash is kept). `by` is the agent who sends it, None for the management command."""
    if not (user.is_staff and user.is_active):
        raise ValidationError(
            _("La double authentification ne concerne que les comptes actifs du CCAS.")
        )
    if by is not None and by.pk == user.pk:
        raise ValidationError(
            _("Un lien de configuration est envoyé par un autre agent, pas par soi-même.")
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    enrolment = StaffEnrolment(
        user=user,
        channel=channel,
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(seconds=settings.UTOPIA_STAFF_ENROLMENT_LINK_MAX_AGE),
        token_hash=_token_hash(token),
    )
    enrolment.full_clean()
    enrolment.save()
    return enrolment, absolute_url(reverse("two_factor_link", kwargs={"token": token}))


@transaction.atomic
def staff_enrolment_send(*, user, by) -> StaffEnrolment:
    """Email `user` a link to enrol their authenticator app, sent by the agent `by`."""
    enrolment, link = staff_enrolment_create(user=user, by=by, channel=StaffEnrolment.Channel.EMAIL)
    context = {
        "link": link,
        "hours": _link_hours(),
        "sender": by.get_full_name() or by.email,
    }
    transaction.on_commit(
        lambda: send_templated_email(template="staff_enrolment", context=context, to=[user.email])
    )
    return enrolment


def staff_enrolment_from_token(*, token: str, user) -> StaffEnrolment:
    """The enrolment a link opens for `user`, or a ValidationError saying why not."""
    enrolment = StaffEnrolment.objects.filter(token_hash=_token_hash(token)).first()
    if enrolment is None:
        raise ValidationError(
            _(
                "Ce lien de configuration n'est pas valide : vérifiez qu'il est complet, ou "
                "demandez-en un nouveau à un agent du CCAS."
            ),
            code="unknown",
        )
    if enrolment.user_id != user.pk:
        raise ValidationError(
            _(
                "Ce lien de configuration est destiné à un autre compte : connectez-vous avec "
                "le compte auquel il a été envoyé."
            ),
            code="other_account",
        )
    return _check_usable(enrolment)


def _check_usable(enrolment: StaffEnrolment) -> StaffEnrolment:
    if enrolment.used_at is not None:
        raise ValidationError(
            _("Ce lien de configuration a déjà servi : demandez-en un nouveau à un agent du CCAS."),
            code="used",
        )
    if enrolment.expires_at <= timezone.now():
        raise ValidationError(
            _("Ce lien de configuration a expiré : demandez-en un nouveau à un agent du CCAS."),
            code="expired",
        )
    return enrolment


@transaction.atomic
def staff_enrolment_start(*, enrolment: StaffEnrolment) -> TOTPDevice:
    """A fresh, unconfirmed device for the link's account: a secret shown before the link was
    opened (perhaps to whoever had the password alone) is never the one confirmed."""
    TOTPDevice.objects.filter(user=enrolment.user, confirmed=False).delete()
    return TOTPDevice.objects.create(
        user=enrolment.user, name=_("Application d'authentification"), confirmed=False
    )


@transaction.atomic
def staff_device_confirm(*, device: TOTPDevice, token: str, enrolment: StaffEnrolment | None):
    """Confirm `device` with the code its app shows; with a link, use the link up (once).

    Returns whether the code was right; raises if the link was used or expired meanwhile."""
    if enrolment is not None:
        enrolment = _check_usable(StaffEnrolment.objects.select_for_update().get(pk=enrolment.pk))
        if enrolment.user_id != device.user_id:
            raise ValidationError(_("Ce lien de configuration est destiné à un autre compte."))
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if enrolment is not None:
        enrolment.used_at = timezone.now()
        enrolment.full_clean()
        enrolment.save(update_fields=["used_at"])
    return True
