import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.markup import render_markdown, validate_markup
from partners.storage import PrivateFileField
from partners.uploads import random_upload_path
from partners.validators import validate_single_line
from plenaries.validators import validate_pdf

# The charter was signed on 26 May 2009: the network's first semester.
FIRST_SEMESTER = (2009, 1)


def semester_of(date: datetime.date) -> tuple[int, int]:
    """(year, 1) for January to June, (year, 2) for July to December."""
    return date.year, 1 if date.month <= 6 else 2


def semester_bounds(year: int, semester: int) -> tuple[datetime.date, datetime.date]:
    if semester == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    NETWORK = "network", _("Membres du réseau seulement")


class PlenaryQuerySet(models.QuerySet):
    def announced(self):
        """What the public sees: everything but a plenary still in preparation."""
        return self.exclude(status=Plenary.Status.PREPARATION)

    def upcoming(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(
            date__gte=today, status__in=[Plenary.Status.PREPARATION, Plenary.Status.CONVENED]
        ).order_by("date", "start_time")

    def held(self):
        return self.filter(status=Plenary.Status.HELD)


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class PlenaryStatus(models.TextChoices):
    PREPARATION = "preparation", _("En préparation")
    CONVENED = "convened", _("Convoquée")
    HELD = "held", _("Tenue")
    CANCELLED = "cancelled", _("Annulée")


class Plenary(models.Model):
    """The semestrial plenary meeting of the network, organised and minuted by the CCAS."""

    class Semester(models.IntegerChoices):
        FIRST = 1, _("1er semestre")
        SECOND = 2, _("2d semestre")

    Status = PlenaryStatus

    year = models.PositiveSmallIntegerField(_("année"))
    semester = models.PositiveSmallIntegerField(_("semestre"), choices=Semester)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure de début"), default=datetime.time(14, 0))
    end_time = models.TimeField(_("heure de fin"), default=datetime.time(17, 0))
    place = models.CharField(_("lieu"), max_length=200, validators=[validate_single_line])
    address = models.CharField(
        _("adresse"), max_length=200, blank=True, validators=[validate_single_line]
    )
    status = models.CharField(
        _("statut"), max_length=12, choices=Status, default=Status.PREPARATION
    )
    introduction = models.TextField(
        _("présentation"),
        blank=True,
        help_text=_("Texte en Markdown, affiché avec l'ordre du jour."),
        validators=[validate_markup],
    )
    introduction_html = models.TextField(editable=False, blank=True)
    registration_deadline = models.DateField(
        _("date limite de réponse"),
        null=True,
        blank=True,
        help_text=_("Les partenaires répondent jusqu'à ce jour inclus. Vide : la veille."),
    )
    minutes = models.TextField(
        _("compte rendu"),
        blank=True,
        help_text=_("Texte en Markdown."),
        validators=[validate_markup],
    )
    minutes_html = models.TextField(editable=False, blank=True)
    # Private storage, whatever the visibility: the visibility can change after the upload, and
    # only the download view knows who is asking.
    minutes_pdf = PrivateFileField(
        _("compte rendu (PDF)"),
        upload_to=random_upload_path("plenaries/minutes"),
        blank=True,
        validators=[validate_pdf],
    )
    minutes_visibility = models.CharField(
        _("diffusion du compte rendu"),
        max_length=10,
        choices=Visibility,
        default=Visibility.PUBLIC,
    )
    minutes_published_on = models.DateField(_("compte rendu publié le"), null=True, blank=True)
    # iCalendar identity: every message about this plenary carries the same UID, and a higher
    # SEQUENCE each time its date or place changes (RFC 5545, 3.8.7.4).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("révision de l'invitation"), default=0, editable=False)
    convened_at = models.DateTimeField(_("convoquée le"), null=True, blank=True, editable=False)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("convoquée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    objects = PlenaryQuerySet.as_manager()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("plénière")
        verbose_name_plural = _("plénières")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "semester"],
                name="plenary_one_per_semester",
                violation_error_message=_("Une plénière existe déjà pour ce semestre."),
            ),
            models.CheckConstraint(condition=Q(semester__in=[1, 2]), name="plenary_semester_valid"),
            models.CheckConstraint(
                condition=Q(date__year=F("year"))
                & (Q(semester=1, date__month__lte=6) | Q(semester=2, date__month__gte=7)),
                name="plenary_date_inside_semester",
                violation_error_message=_(
                    "La date doit tomber dans le semestre de la plénière (janvier à juin pour "
                    "le 1er semestre, juillet à décembre pour le 2d)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")),
                name="plenary_ends_after_start",
                violation_error_message=_("L'heure de fin doit suivre l'heure de début."),
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_deadline__lte=F("date")),
                name="plenary_deadline_before_date",
                violation_error_message=_(
                    "La date limite de réponse ne peut pas suivre la date de la plénière."
                ),
            ),
            models.CheckConstraint(
                condition=Q(minutes_published_on__isnull=True) | Q(status=PlenaryStatus.HELD),
                name="plenary_minutes_only_when_held",
                violation_error_message=_(
                    "Le compte rendu ne peut être publié qu'une fois la plénière tenue."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlenaryStatus.values),
                name="plenary_status_valid",
            ),
        ]

    def __str__(self):
        return str(
            _("Plénière du %(semester)s %(year)s")
            % {"semester": self.get_semester_display(), "year": self.year}
        )

    def save(self, *args, **kwargs):
        self.introduction_html = render_markdown(self.introduction)
        self.minutes_html = render_markdown(self.minutes)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("plenaries:detail", kwargs={"year": self.year, "semester": self.semester})

    def get_minutes_pdf_url(self) -> str:
        return reverse(
            "plenaries:minutes_pdf", kwargs={"year": self.year, "semester": self.semester}
        )

    @property
    def slug(self) -> str:
        return f"{self.year}-s{self.semester}"

    @property
    def starts_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.start_time))

    @property
    def ends_at(self) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(self.date, self.end_time))

    @property
    def registration_closes_on(self) -> datetime.date:
        return self.registration_deadline or (self.date - datetime.timedelta(days=1))

    def registration_open(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status == self.Status.CONVENED and today <= self.registration_closes_on

    @property
    def minutes_published(self) -> bool:
        return self.minutes_published_on is not None

    @property
    def minutes_public(self) -> bool:
        return self.minutes_published and self.minutes_visibility == Visibility.PUBLIC


class AgendaItem(models.Model):
    plenary = models.ForeignKey(
        Plenary, verbose_name=_("plénière"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("point"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("précisions"), blank=True, max_length=2000)
    speaker = models.CharField(
        _("présenté par"), max_length=150, blank=True, validators=[validate_single_line]
    )

    class Meta:
        ordering = ["plenary", "order", "pk"]
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")

    def __str__(self):
        return self.title


class PlenaryDocument(models.Model):
    plenary = models.ForeignKey(
        Plenary, verbose_name=_("plénière"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("titre"), max_length=200, validators=[validate_single_line])
    file = PrivateFileField(  # private whatever the visibility: see Plenary.minutes_pdf
        _("fichier (PDF)"),
        upload_to=random_upload_path("plenaries/documents"),
        validators=[validate_pdf],
    )
    visibility = models.CharField(
        _("diffusion"), max_length=10, choices=Visibility, default=Visibility.PUBLIC
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["plenary", "order", "pk"]
        verbose_name = _("document de plénière")
        verbose_name_plural = _("documents de plénière")

    def __str__(self):
        return self.title

    def get_file_url(self) -> str:
        plenary = self.plenary
        return reverse(
            "plenaries:document",
            kwargs={"year": plenary.year, "semester": plenary.semester, "pk": self.pk},
        )
