import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.markup import render_markdown, validate_markup
from partners.validators import validate_single_line

from .partner import Partner


class CharterQuerySet(models.QuerySet):
    def current(self):
        return self.order_by("-adopted_on").first()


class Charter(models.Model):
    """A version of the UTOPIA charter. The network was founded by the one of 26 May 2009."""

    version = models.CharField(
        _("version"), max_length=20, unique=True, validators=[validate_single_line]
    )
    title = models.CharField(_("titre"), max_length=200, validators=[validate_single_line])
    text = models.TextField(
        _("texte"), help_text=_("Texte en Markdown."), validators=[validate_markup]
    )
    text_html = models.TextField(editable=False, blank=True)
    adopted_on = models.DateField(_("adoptée le"))
    place = models.CharField(
        _("lieu de signature"), max_length=100, blank=True, validators=[validate_single_line]
    )

    objects = CharterQuerySet.as_manager()

    class Meta:
        ordering = ["-adopted_on"]
        verbose_name = _("charte")
        verbose_name_plural = _("chartes")

    def __str__(self):
        return f"{self.title} ({self.version})"

    def save(self, *args, **kwargs):
        self.text_html = render_markdown(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:charter")


class SignatureQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_on__isnull=True)

    def name_retention_expired(self, *, today: datetime.date):
        """Signatures whose name is still public although the mandate ended longer ago than
        the retention period (settings.UTOPIA_SIGNATORY_NAME_RETENTION_DAYS)."""
        limit = today - datetime.timedelta(days=settings.UTOPIA_SIGNATORY_NAME_RETENTION_DAYS)
        return self.filter(name_hidden_on__isnull=True, mandate_ended_on__lt=limit)


class Signature(models.Model):
    """A person who signed a charter on behalf of a partner."""

    class Civility(models.TextChoices):
        NONE = "", _("(aucune)")
        MR = "M.", _("M.")
        MRS = "Mme", _("Mme")
        MAITRE = "Me", _("Me")

    charter = models.ForeignKey(
        Charter, verbose_name=_("charte"), on_delete=models.PROTECT, related_name="signatures"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partenaire"), on_delete=models.PROTECT, related_name="signatures"
    )
    civility = models.CharField(
        _("civilité"), max_length=5, choices=Civility, blank=True, default=""
    )
    signatory_name = models.CharField(
        _("nom du signataire"),
        max_length=150,
        blank=True,
        help_text=_("Laissé vide quand l'original est illisible : ne jamais inventer un nom."),
        validators=[validate_single_line],
    )
    signatory_role = models.CharField(
        _("qualité du signataire"), max_length=100, blank=True, validators=[validate_single_line]
    )
    signed_on = models.DateField(_("signée le"))
    withdrawn_on = models.DateField(_("retirée le"), null=True, blank=True)
    mandate_ended_on = models.DateField(
        _("fin du mandat le"),
        null=True,
        blank=True,
        help_text=_(
            "Date à laquelle le signataire a quitté la fonction qui l'a fait signer. Son nom "
            "cesse d'être public après le délai de conservation fixé par le réglage "
            "SIGNATORY_NAME_RETENTION_DAYS."
        ),
    )
    name_hidden_on = models.DateField(
        _("nom masqué le"),
        null=True,
        blank=True,
        help_text=_("Date à laquelle le nom a cessé d'être public (RGPD)."),
    )
    needs_review = models.BooleanField(
        _("à vérifier"),
        default=False,
        help_text=_("La transcription de l'original est incertaine."),
    )
    transcription_note = models.TextField(_("note de transcription"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre sur l'original"), default=0)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        ordering = ["charter", "order", "pk"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["charter", "partner", "signatory_name"],
                name="signature_unique_signatory",
                violation_error_message=_(
                    "Ce signataire est déjà enregistré pour ce partenaire et cette charte."
                ),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("signed_on")),
                name="signature_withdrawn_after_signed",
                violation_error_message=_(
                    "Une signature ne peut pas être retirée avant d'avoir été donnée."
                ),
            ),
            models.CheckConstraint(
                condition=Q(mandate_ended_on__isnull=True)
                | Q(mandate_ended_on__gte=F("signed_on")),
                name="signature_mandate_ended_after_signed",
                violation_error_message=_(
                    "La fin du mandat ne peut pas précéder la date de signature."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.public_name or _('signataire à vérifier')}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.civility, self.signatory_name) if part)

    @property
    def public_name(self) -> str:
        """The name as the public sees it: empty once hidden under the RGPD retention rule."""
        if self.name_hidden_on is not None:
            return ""
        return self.full_name
