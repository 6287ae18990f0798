"""The showcase of the partners' actions: posted by members, moderated by the CCAS.

The status moves only through the functions of partners/services.py (action_submit,
action_publish...), which also record each step in ActionTransition.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners import french, search
from partners.images import clean_image_upload
from partners.markup import render_markdown, validate_markup
from partners.uploads import random_upload_path
from partners.validators import validate_single_line

from .partner import Partner
from .taxonomy import FieldOfAction

THUMBNAIL_SIDE = 640
# Slugs that would hide a page of the showcase behind an action (/actions/flux/).
RESERVED_SLUGS = {"flux", "nouvelle", "calendrier"}


def start_of_today() -> datetime.datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


class ActionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Action.Status.PUBLISHED, partner__is_active=True)

    def _past_condition(self, now=None) -> Q:
        """An action is over when its end has passed; a one-off event without an end is over
        the day after it started. Services and projects without dates never end by themselves."""
        now = now or timezone.now()
        return Q(ends_at__lt=now) | Q(
            ends_at__isnull=True, kind=Action.Kind.EVENT, starts_at__lt=start_of_today()
        )

    def upcoming(self):
        """What is coming or still going on, the soonest first."""
        now = timezone.now()
        return (
            self.exclude(self._past_condition(now))
            .annotate(
                sort_start=Case(
                    When(starts_at__lt=now, then=Value(now)),
                    default=F("starts_at"),
                    output_field=models.DateTimeField(),
                )
            )
            .order_by(F("sort_start").asc(nulls_last=True), "-published_at", "pk")
        )

    def past(self):
        """The archive: finished actions, the most recent first."""
        return self.filter(self._past_condition()).order_by(
            F("starts_at").desc(nulls_last=True), "-pk"
        )

    def involving(self, partner):
        """Actions the partner runs or co-organises."""
        co_organised = Action.co_organisers.through.objects.filter(partner=partner)
        return self.filter(Q(partner=partner) | Q(pk__in=co_organised.values("action_id")))

    def search(self, query: str):
        """Accent- and case-insensitive: every word must appear in the title, summary,
        place, audience or partner's name."""
        words = search.terms(query)
        condition = Q()
        for word in words:
            condition &= Q(search_text__contains=word)
        return self.filter(condition)


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class ActionKind(models.TextChoices):
    EVENT = "event", _("Événement")
    SERVICE = "service", _("Service permanent")
    PROJECT = "project", _("Projet")
    VOLUNTEERING = "volunteering", _("Appel à bénévoles")


class ActionStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("En attente de relecture")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    PUBLISHED = "published", _("Publiée")
    REJECTED = "rejected", _("Refusée")


class Action(models.Model):
    """Something a partner does for the public: an event, a permanent service, a project or a
    call for volunteers."""

    Kind = ActionKind
    Status = ActionStatus

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.PROTECT,
        related_name="actions",
        help_text=_("Le partenaire qui porte l'action et en répond."),
    )
    co_organisers = models.ManyToManyField(
        Partner,
        verbose_name=_("co-organisateurs"),
        blank=True,
        related_name="co_organised_actions",
    )
    title = models.CharField(_("titre"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(
        _("identifiant d'URL"),
        max_length=220,
        unique=True,
        error_messages={"unique": _("Une autre action utilise déjà cet identifiant d'URL.")},
        validators=[validate_single_line],
    )
    summary = models.CharField(
        _("résumé"),
        max_length=300,
        help_text=_("Une ou deux phrases, sans mise en forme : elles s'affichent dans la liste."),
        validators=[validate_single_line],
    )
    body = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Texte en Markdown : **gras**, *italique*, listes, liens."),
        validators=[validate_markup],
    )
    body_html = models.TextField(editable=False, blank=True)
    image = models.ImageField(
        _("image"),
        upload_to=random_upload_path("actions/images"),
        blank=True,
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField(
        _("texte alternatif de l'image"),
        max_length=200,
        blank=True,
        help_text=_("Ce que l'image montre, pour les personnes qui ne la voient pas."),
        validators=[validate_single_line],
    )
    thumbnail = models.ImageField(
        upload_to=random_upload_path("actions/thumbnails"),
        blank=True,
        editable=False,
        width_field="thumbnail_width",
        height_field="thumbnail_height",
    )
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    fields_of_action = models.ManyToManyField(
        FieldOfAction, verbose_name=_("domaines d'action"), blank=True, related_name="actions"
    )
    kind = models.CharField(_("type d'action"), max_length=20, choices=Kind, default=Kind.EVENT)
    starts_at = models.DateTimeField(_("début"), null=True, blank=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    place_name = models.CharField(
        _("lieu"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : salle Jean Burger."),
        validators=[validate_single_line],
    )
    address = models.CharField(
        _("adresse"), max_length=200, blank=True, validators=[validate_single_line]
    )
    postal_code = models.CharField(
        _("code postal"), max_length=10, blank=True, validators=[validate_single_line]
    )
    city = models.CharField(
        _("commune"),
        max_length=100,
        blank=True,
        default="Thionville",
        validators=[validate_single_line],
    )
    is_accessible = models.BooleanField(
        _("accessible aux personnes à mobilité réduite"),
        null=True,
        blank=True,
        help_text=_("Laissez « inconnu » si vous ne savez pas."),
    )
    audience = models.CharField(
        _("public"),
        max_length=300,
        blank=True,
        help_text=_("À qui s'adresse l'action."),
        validators=[validate_single_line],
    )
    contact = models.CharField(
        _("contact"),
        max_length=300,
        blank=True,
        help_text=_("Personne, téléphone ou adresse électronique à joindre."),
        validators=[validate_single_line],
    )
    registration_url = models.URLField(
        _("lien d'inscription"), blank=True, validators=[validate_single_line]
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    is_demo = models.BooleanField(_("donnée de démonstration"), default=False, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        permissions = [
            (
                "moderate_action",
                _("Peut modérer les actions (publier, demander des modifications, refuser)"),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="action_status_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=False, ends_at__gte=F("starts_at")),
                name="action_ends_after_start",
                violation_error_message=_(
                    "La fin ne peut pas précéder le début (et une fin demande un début)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ActionKind.EVENT) | Q(starts_at__isnull=False),
                name="action_event_has_start",
                violation_error_message=_("Un événement a une date de début."),
            ),
            models.CheckConstraint(
                condition=Q(image="") | ~Q(image_alt=""),
                name="action_image_has_alt",
                violation_error_message=_("Une image doit avoir un texte alternatif."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="action_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values),
                name="action_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ActionKind.values),
                name="action_kind_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self.search_text = search.normalize(
            " ".join(
                [
                    self.title,
                    self.summary,
                    self.place_name,
                    self.city,
                    self.audience,
                    self.partner.name if self.partner_id else "",
                ]
            )
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "body_html", "search_text"}
        self._refresh_thumbnail()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:action_detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": _("Cet identifiant d'URL est réservé : choisissez-en un autre.")}
            )

    def get_manage_url(self):
        return reverse("partners:action_manage", kwargs={"pk": self.pk})

    def _refresh_thumbnail(self) -> None:
        """A new image (not yet stored) gets a matching thumbnail; no image, no thumbnail."""
        if not self.image:
            self.thumbnail = None
            self.thumbnail_width = self.thumbnail_height = None
            return
        if getattr(self.image, "_committed", True) and self.thumbnail:
            return
        self.image.seek(0)
        self.thumbnail = clean_image_upload(self.image, max_side=THUMBNAIL_SIDE)
        self.image.seek(0)

    @property
    def dates_display(self) -> str:
        """ "samedi 12 décembre 2026, 14 h 00 à 17 h 00", in the site's time zone."""
        if self.starts_at is None:
            return ""
        start = timezone.localtime(self.starts_at)
        text = french.format_date(start, "l j F Y, H:i")
        if self.ends_at:
            end = timezone.localtime(self.ends_at)
            if end.date() == start.date():
                return _("%(start)s à %(end)s") % {"start": text, "end": french.format_time(end)}
            return _("du %(start)s au %(end)s") % {
                "start": text,
                "end": french.format_date(end, "l j F Y, H:i"),
            }
        return text

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_past(self) -> bool:
        now = timezone.now()
        if self.ends_at is not None:
            return self.ends_at < now
        return (
            self.kind == self.Kind.EVENT
            and self.starts_at is not None
            and self.starts_at < start_of_today()
        )

    @property
    def is_public(self) -> bool:
        return self.is_published and self.partner.is_active

    @property
    def is_event(self) -> bool:
        return self.kind == self.Kind.EVENT


class ActionTransition(models.Model):
    """One step of an action's moderation: who moved it, when, from where to where, and why.
    Shown to the partner's members and to CCAS staff."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_status = models.CharField(
        _("statut précédent"), max_length=20, choices=Action.Status, blank=True
    )
    to_status = models.CharField(_("nouveau statut"), max_length=20, choices=Action.Status)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    message = models.TextField(_("message"), blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("étape de modération")
        verbose_name_plural = _("historique de modération")

    def __str__(self):
        return f"{self.action} : {self.get_from_status_display()} → {self.get_to_status_display()}"
