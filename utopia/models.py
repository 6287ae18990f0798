"""The shell's own records: each person's email preferences, the monthly digests sent, the
needs the public reports through "Signaler un besoin", the links through which staff enrol
their second factor, and the runs of the scheduled commands."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history import register

from partners.validators import validate_single_line


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
    """One monthly digest: the month it is sent in, the period it covers and how many people it
    was sent to (each of them a DigestDelivery)."""

    month = models.DateField(_("mois d'envoi"), unique=True, help_text=_("Le 1er du mois."))
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


class DigestDelivery(models.Model):
    """An address that a monthly digest was handed to the mail queue for: running
    `send_digest` again in the same month skips it, and a run stopped part-way resumes with
    the addresses that have none. Kept only until the next month's digest starts."""

    issue = models.ForeignKey(
        DigestIssue,
        verbose_name=_("lettre mensuelle"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    email = models.EmailField(_("adresse"), max_length=254, validators=[validate_single_line])
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        ordering = ["issue", "email"]
        verbose_name = _("envoi de la lettre mensuelle")
        verbose_name_plural = _("envois de la lettre mensuelle")
        constraints = [
            models.UniqueConstraint(fields=["issue", "email"], name="digest_delivery_once")
        ]

    def __str__(self):
        return self.email


class NeedReportQuerySet(models.QuerySet):
    def to_triage(self):
        return self.filter(status=NeedReport.Status.NEW)


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class NeedReportStatus(models.TextChoices):
    NEW = "new", _("À trier")
    ROUTED = "routed", _("Orienté")
    DISMISSED = "dismissed", _("Écarté")
    CLOSED = "closed", _("Clos avec une réponse")


class NeedReport(models.Model):
    """A need reported by anyone, without an account, through "Signaler un besoin". The CCAS
    triages it: routed to a priority theme, to a working group (where it becomes one of the
    group's needs) or to a partner, or dismissed; then closes it with an answer. Contact
    details are optional, erased when the report is closed and at the latest after the
    retention period (`manage.py purge_need_report_contacts`)."""

    Status = NeedReportStatus

    description = models.TextField(
        _("besoin constaté"),
        max_length=3000,
        help_text=_(
            "Décrivez la situation et ce qui manque, sans nommer les personnes concernées."
        ),
    )
    place = models.CharField(
        _("quartier ou lieu"),
        max_length=200,
        blank=True,
        help_text=_("Facultatif : par exemple Côte des Roses, centre-ville, une école…"),
        validators=[validate_single_line],
    )
    contact_name = models.CharField(
        _("votre nom"), max_length=150, blank=True, validators=[validate_single_line]
    )
    contact_email = models.EmailField(
        _("votre adresse électronique"),
        max_length=254,
        blank=True,
        validators=[validate_single_line],
    )
    contact_phone = models.CharField(
        _("votre téléphone"), max_length=30, blank=True, validators=[validate_single_line]
    )
    contact_consent = models.BooleanField(
        _("j'accepte que le CCAS me recontacte au sujet de ce signalement"), default=False
    )
    created_at = models.DateTimeField(_("reçu le"), default=timezone.now, db_index=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.NEW)
    routed_theme = models.ForeignKey(
        "plenaries.Theme",
        verbose_name=_("orienté vers le thème"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="need_reports",
    )
    routed_group = models.ForeignKey(
        "workgroups.WorkingGroup",
        verbose_name=_("orienté vers le groupe"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="need_reports",
    )
    routed_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("orienté vers le partenaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="need_reports",
    )
    need = models.OneToOneField(
        "workgroups.Need",
        verbose_name=_("besoin du groupe"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="public_report",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("traité par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    contact_erased_at = models.DateTimeField(
        _("coordonnées effacées le"), null=True, blank=True, editable=False
    )
    staff_note = models.TextField(_("note du CCAS"), max_length=3000, blank=True)
    answer = models.TextField(
        _("réponse du CCAS"),
        max_length=3000,
        blank=True,
        help_text=_(
            "Envoyée à la personne qui a signalé le besoin, si elle a laissé son adresse "
            "électronique : en français courant, sans nom de groupe ni de personne."
        ),
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clos par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    objects = NeedReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signalement de besoin")
        verbose_name_plural = _("signalements de besoins")
        permissions = [
            ("triage_need_report", _("Peut orienter ou écarter les signalements de besoins")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NeedReportStatus.values),
                name="needreport_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=NeedReportStatus.ROUTED)
                    & (
                        Q(
                            routed_group__isnull=False,
                            routed_theme__isnull=True,
                            routed_partner__isnull=True,
                        )
                        | Q(
                            routed_group__isnull=True,
                            routed_theme__isnull=False,
                            routed_partner__isnull=True,
                        )
                        | Q(
                            routed_group__isnull=True,
                            routed_theme__isnull=True,
                            routed_partner__isnull=False,
                        )
                    )
                )
                | (
                    Q(status__in=[NeedReportStatus.NEW, NeedReportStatus.DISMISSED])
                    & Q(
                        routed_group__isnull=True,
                        routed_theme__isnull=True,
                        routed_partner__isnull=True,
                    )
                )
                # A closed report keeps where it had been routed, if it had been.
                | Q(status=NeedReportStatus.CLOSED),
                name="needreport_routed_to_one_place",
                violation_error_message=_(
                    "Un signalement orienté l'est vers un seul groupe, thème ou partenaire."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=NeedReportStatus.CLOSED)
                | (~Q(answer="") & Q(closed_at__isnull=False)),
                name="needreport_closed_has_answer",
                violation_error_message=_("Un signalement est clos avec une réponse."),
            ),
            models.CheckConstraint(
                condition=Q(contact_consent=True)
                | Q(contact_name="", contact_email="", contact_phone=""),
                name="needreport_contact_has_consent",
                violation_error_message=_(
                    "Des coordonnées ne sont gardées qu'avec l'accord de la personne."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status=NeedReportStatus.NEW) | Q(handled_at__isnull=False),
                name="needreport_handled_has_date",
            ),
        ]

    def __str__(self):
        text = " ".join(self.description.split())
        return text if len(text) <= 60 else text[:59] + "…"

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_email or self.contact_phone)


# Audit trail (django-simple-history): who routed, dismissed or annotated a report, and when.
# Contact details are left out, so that erasing them (`purge_need_report_contacts`) leaves
# no copy behind.
register(NeedReport, excluded_fields=["contact_name", "contact_email", "contact_phone"])


class StaffEnrolmentQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class StaffEnrolment(models.Model):
    """A one-time link to enrol a staff account's authenticator app while STAFF_2FA is on, when
    the password alone must not be enough: a colleague sends it from the back-office, or
    `manage.py staff_enrolment_link` prints it for the first superuser (shell access being the
    proof). Only a hash of the link's secret is stored. The row stays as the record of the
    enrolment: whose, sent how and by whom, used when."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("courriel envoyé depuis le back-office")
        COMMAND = "command", _("lien affiché par la commande staff_enrolment_link")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.CASCADE,
        related_name="staff_enrolments",
    )
    channel = models.CharField(_("envoi"), max_length=10, choices=Channel)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("envoyé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("valable jusqu'au"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    objects = StaffEnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lien de configuration de la double authentification")
        verbose_name_plural = _("liens de configuration de la double authentification")
        permissions = [
            (
                "send_enrolment_link",
                _("Envoyer un lien de configuration de la double authentification"),
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="staffenrolment_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(used_at__lte=F("expires_at")),
                name="staffenrolment_used_before_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.created_at:%d/%m/%Y %H:%M}"


class CommandRun(models.Model):
    """One run of a scheduled command (`manage.py scheduled <command>`, as cron runs them), so
    that a command that stopped running, or failed, shows in "À traiter" and on the health
    page. The watchdog (`check_health`) also keeps what it found and whether it alerted."""

    command = models.CharField(
        _("commande"), max_length=100, db_index=True, validators=[validate_single_line]
    )
    started_at = models.DateTimeField(_("lancée le"), default=timezone.now)
    finished_at = models.DateTimeField(_("finie le"), null=True, blank=True)
    succeeded = models.BooleanField(_("réussie"), default=False)
    error = models.TextField(_("erreur"), blank=True)
    problems = models.JSONField(_("problèmes relevés"), default=list, blank=True)
    alerted = models.BooleanField(_("alerte envoyée"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("exécution d'une tâche planifiée")
        verbose_name_plural = _("exécutions des tâches planifiées")
        indexes = [models.Index(fields=["command", "-started_at"], name="commandrun_last")]

    def __str__(self):
        return f"{self.command} – {self.started_at:%d/%m/%Y %H:%M}"
