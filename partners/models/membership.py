from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_single_line

from .partner import Partner


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Membre")
    MANAGER = "manager", _("Responsable")


class Membership(models.Model):
    """A user's seat in a partner: members keep its page and post its actions; managers may
    also invite colleagues."""

    Role = MembershipRole

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utilisateur"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role, default=Role.MEMBER)
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        ordering = ["partner__name", "user__last_name"]
        verbose_name = _("membre d'un partenaire")
        verbose_name_plural = _("membres des partenaires")
        permissions = [
            ("export_contacts", _("Peut exporter les contacts des partenaires (CSV)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partner"],
                name="membership_unique_user_partner",
                violation_error_message=_("Cette personne est déjà membre de ce partenaire."),
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.email} — {self.partner}"

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)


class Invitation(models.Model):
    """An email address invited to join a partner. The emailed link is signed, expires after
    UTOPIA_INVITATION_MAX_AGE and works once."""

    email = models.EmailField(_("adresse électronique"), validators=[validate_single_line])
    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.CASCADE, related_name="invitations"
    )
    role = models.CharField(
        _("rôle"), max_length=10, choices=Membership.Role, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invité par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("annulée le"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.partner}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class AccessRequest(models.Model):
    """A visitor asks for an account for their association; CCAS staff decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        APPROVED = "approved", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    full_name = models.CharField(
        _("nom et prénom"), max_length=150, validators=[validate_single_line]
    )
    email = models.EmailField(_("adresse électronique"), validators=[validate_single_line])
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_requests",
        help_text=_("Vide si l'association n'est pas encore dans l'annuaire."),
    )
    organisation_name = models.CharField(
        _("association ou institution"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
    )
    role_in_organisation = models.CharField(
        _("fonction"), max_length=100, blank=True, validators=[validate_single_line]
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traitée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'accès")
        verbose_name_plural = _("demandes d'accès")
        permissions = [
            ("decide_access_request", _("Peut accepter ou refuser les demandes d'accès")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False) | ~Q(organisation_name=""),
                name="access_request_names_organisation",
                violation_error_message=_(
                    "Choisissez votre partenaire ou donnez le nom de votre association."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.partner or self.organisation_name})"
