"""The group space (members of the group only): meetings, documents, discussion board."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.storage import private_storage
from partners.uploads import random_upload_path
from partners.validators import validate_single_line

from .group import WorkingGroup


class Meeting(models.Model):
    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("date et heure"))
    place = models.CharField(
        _("lieu"), max_length=200, blank=True, validators=[validate_single_line]
    )
    video_url = models.URLField(
        _("lien de visioconférence"), blank=True, validators=[validate_single_line]
    )
    agenda = models.TextField(_("ordre du jour"), blank=True, max_length=5000)
    notes = models.TextField(_("notes et relevé de décisions"), blank=True, max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("programmée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    # Each change of date or place, and the cancellation, is a newer revision of the same
    # calendar event (the UID stays): calendars keep the highest SEQUENCE they have seen.
    sequence = models.PositiveIntegerField(_("révision de l'invitation"), default=0, editable=False)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["group", "-starts_at"]
        verbose_name = _("réunion de groupe")
        verbose_name_plural = _("réunions de groupe")
        constraints = [
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_url=""),
                name="meeting_has_place_or_link",
                violation_error_message=_("Indiquez un lieu ou un lien de visioconférence."),
            ),
        ]

    def __str__(self):
        return f"{self.group} — {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("workgroups:meeting_detail", kwargs={"slug": self.group.slug, "pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def ends_at(self):
        """Meetings are entered with their start only; calendars get a two-hour slot."""
        return self.starts_at + MEETING_LENGTH


MEETING_LENGTH = datetime.timedelta(hours=2)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A member's private address for the calendar of a group's meetings: the token is the only
    credential (calendar applications cannot log in), so it is personal, works only while its
    owner is in the group, and revoking it replaces it with a new one."""

    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe"),
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="group_calendar_feeds",
    )
    token = models.CharField(
        _("jeton"), max_length=64, unique=True, default=new_feed_token, editable=False
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("agenda privé d'un groupe")
        verbose_name_plural = _("agendas privés des groupes")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="calendarfeed_one_per_person"),
        ]

    def __str__(self):
        return f"{self.user} — {self.group}"

    def get_absolute_url(self):
        return reverse(
            "workgroups:calendar_feed", kwargs={"slug": self.group.slug, "token": self.token}
        )


class Document(models.Model):
    """A file shared in the group: checked from its content when uploaded, stored under a
    random name outside the public media folder, sent only as a download."""

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("titre"), max_length=200, validators=[validate_single_line])
    file = models.FileField(
        _("fichier"), upload_to=random_upload_path("groups"), storage=private_storage
    )
    original_name = models.CharField(
        _("nom d'origine"), max_length=200, editable=False, validators=[validate_single_line]
    )
    content_type = models.CharField(
        _("type"), max_length=100, editable=False, validators=[validate_single_line]
    )
    size = models.PositiveBigIntegerField(_("taille"), editable=False)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("réunion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        ordering = ["group", "-uploaded_at"]
        verbose_name = _("document de groupe")
        verbose_name_plural = _("documents de groupe")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "workgroups:document_download", kwargs={"slug": self.group.slug, "pk": self.pk}
        )

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1] if "." in self.file.name else ""


class Topic(models.Model):
    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="topics"
    )
    title = models.CharField(_("sujet"), max_length=200, validators=[validate_single_line])
    body = models.TextField(_("message"), max_length=10000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ouverte le"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("dernier message le"), default=timezone.now)

    class Meta:
        ordering = ["group", "-last_activity_at"]
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workgroups:topic_detail", kwargs={"slug": self.group.slug, "pk": self.pk})


class Reply(models.Model):
    topic = models.ForeignKey(
        Topic, verbose_name=_("discussion"), on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("réponse"), max_length=10000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("envoyée le"), default=timezone.now)

    class Meta:
        ordering = ["topic", "created_at", "pk"]
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")

    def __str__(self):
        return f"{self.topic} — {self.pk}"


class NotificationSetting(models.Model):
    """A person's choice about the emails of a group's discussion board (on unless switched off)."""

    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe"),
        on_delete=models.CASCADE,
        related_name="notification_settings",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne"),
        on_delete=models.CASCADE,
        related_name="group_notification_settings",
    )
    email_on_discussion = models.BooleanField(_("courriel à chaque message"), default=True)

    class Meta:
        verbose_name = _("réglage des notifications")
        verbose_name_plural = _("réglages des notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], name="notificationsetting_unique_group_user"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.group}"
