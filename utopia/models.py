"""The shell's own records: each person's email preferences and the monthly digests sent."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class EmailPreferences(models.Model):
    """What a person chooses to receive; no row means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="email_preferences",
    )
    receives_digest = models.BooleanField(
        _("recevoir la lettre mensuelle du réseau"),
        default=True,
        help_text=_(
            "Une fois par mois : les nouvelles actions publiées, les messages du fil du réseau, "
            "les prochaines plénières et réunions."
        ),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("préférences de courriel")
        verbose_name_plural = _("préférences de courriel")

    def __str__(self):
        return str(self.user)


class DigestIssue(models.Model):
    """One monthly digest: the period it covers and how many people it was sent to."""

    period_start = models.DateTimeField(_("du"))
    period_end = models.DateTimeField(_("au"), unique=True)
    sent_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)
    items = models.PositiveIntegerField(_("nouvelles"), default=0)

    class Meta:
        ordering = ["-period_end"]
        verbose_name = _("lettre mensuelle")
        verbose_name_plural = _("lettres mensuelles")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")),
                name="digest_period_not_empty",
                violation_error_message=_("La période doit finir après son début."),
            )
        ]

    def __str__(self):
        return f"{self.period_start:%d/%m/%Y} – {self.period_end:%d/%m/%Y}"
