from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Partner

from .plenary import Plenary


class Convocation(models.Model):
    """A sending of the convocation (or of its update, or of its cancellation): who, when."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Convocation")
        UPDATE = "update", _("Mise à jour")
        CANCELLATION = "cancellation", _("Annulation")

    plenary = models.ForeignKey(
        Plenary, verbose_name=_("plénière"), on_delete=models.CASCADE, related_name="convocations"
    )
    kind = models.CharField(_("envoi"), max_length=12, choices=Kind)
    sequence = models.PositiveIntegerField(_("révision"))
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    partner_count = models.PositiveIntegerField(_("partenaires convoqués"), default=0)
    recipient_count = models.PositiveIntegerField(_("destinataires"), default=0)
    letter_count = models.PositiveIntegerField(_("partenaires à contacter par courrier"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("envoi de convocation")
        verbose_name_plural = _("envois de convocation")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.plenary}"


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("Courriel")
    LETTER = "letter", _("Courrier (à contacter par courrier)")


class ConvocationDelivery(models.Model):
    """How one partner was reached by a sending of the convocation: the addresses it went to,
    or none, when the partner is to be written to by post. Every partner to reach has its row,
    so that none is skipped in silence."""

    Channel = DeliveryChannel

    convocation = models.ForeignKey(
        Convocation,
        verbose_name=_("envoi"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        related_name="convocation_deliveries",
    )
    channel = models.CharField(_("moyen"), max_length=10, choices=Channel)
    addresses = models.TextField(_("adresses"), blank=True, help_text=_("Une par ligne."))
    recorded_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["convocation", "partner__name"]
        verbose_name = _("destinataire d'une convocation")
        verbose_name_plural = _("destinataires des convocations")
        constraints = [
            models.UniqueConstraint(
                fields=["convocation", "partner"], name="delivery_one_per_partner"
            ),
            models.CheckConstraint(
                condition=Q(channel=DeliveryChannel.EMAIL) & ~Q(addresses="")
                | Q(channel=DeliveryChannel.LETTER, addresses=""),
                name="delivery_channel_matches_addresses",
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.get_channel_display()}"

    @property
    def address_list(self) -> list[str]:
        return self.addresses.splitlines()


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class RegistrationAnswer(models.TextChoices):
    ATTENDING = "attending", _("Présent")
    EXCUSED = "excused", _("Excusé")


class Registration(models.Model):
    """A partner's answer to a convocation, given by one of its members."""

    Answer = RegistrationAnswer

    plenary = models.ForeignKey(
        Plenary, verbose_name=_("plénière"), on_delete=models.CASCADE, related_name="registrations"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        related_name="plenary_registrations",
    )
    answer = models.CharField(_("réponse"), max_length=10, choices=Answer)
    attendee_count = models.PositiveSmallIntegerField(_("nombre de personnes"), default=0)
    attendee_names = models.TextField(_("noms des personnes"), blank=True, max_length=1000)
    comment = models.TextField(_("message"), blank=True, max_length=1000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("réponse donnée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("répondu le"), default=timezone.now)

    class Meta:
        ordering = ["plenary", "partner__name"]
        verbose_name = _("réponse à une convocation")
        verbose_name_plural = _("réponses aux convocations")
        permissions = [
            ("export_registrations", _("Peut exporter les réponses aux convocations (CSV)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plenary", "partner"],
                name="registration_one_per_partner",
                violation_error_message=_("Ce partenaire a déjà répondu à cette convocation."),
            ),
            models.CheckConstraint(
                condition=Q(
                    answer=RegistrationAnswer.ATTENDING,
                    attendee_count__gte=1,
                    attendee_count__lte=50,
                )
                | Q(answer=RegistrationAnswer.EXCUSED, attendee_count=0),
                name="registration_count_matches_answer",
                violation_error_message=_(
                    "Indiquez entre 1 et 50 personnes si le partenaire vient, aucune s'il est "
                    "excusé."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.get_answer_display()}"


class AttendanceQuerySet(models.QuerySet):
    def participating(self):
        return self.filter(status__in=Attendance.PARTICIPATING)


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Présent")
    REPRESENTED = "represented", _("Représenté")
    EXCUSED = "excused", _("Excusé")
    ABSENT = "absent", _("Absent")


class Attendance(models.Model):
    """Whether a partner took part in a plenary, recorded by CCAS staff afterwards."""

    Status = AttendanceStatus

    PARTICIPATING = [Status.PRESENT, Status.REPRESENTED]

    plenary = models.ForeignKey(
        Plenary, verbose_name=_("plénière"), on_delete=models.CASCADE, related_name="attendances"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        related_name="plenary_attendances",
    )
    status = models.CharField(_("présence"), max_length=12, choices=Status)
    persons_present = models.TextField(
        _("personnes présentes"),
        blank=True,
        max_length=1000,
        help_text=_("Une personne par ligne ; pour un partenaire représenté, qui l'a représenté."),
    )
    recorded_at = models.DateTimeField(_("saisie le"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saisie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["plenary", "partner__name"]
        verbose_name = _("présence à une plénière")
        verbose_name_plural = _("présences aux plénières")
        permissions = [
            ("record_attendance", _("Peut saisir les présences à une plénière")),
            ("export_attendance", _("Peut exporter les présences aux plénières (CSV)")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plenary", "partner"],
                name="attendance_one_per_partner",
                violation_error_message=_("La présence de ce partenaire est déjà saisie."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=AttendanceStatus.values),
                name="attendance_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.get_status_display()}"

    @property
    def is_participating(self) -> bool:
        return self.status in self.PARTICIPATING
