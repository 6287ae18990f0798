"""Needs found on the ground, the coordinated projects answering them, and expertise asked of
institutional partners."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partners.validators import validate_single_line

from .group import WorkingGroup


# Choices live outside their model (which names them as an attribute) so that its Meta's
# constraints can use their members: Meta's body does not see the model's own names.
class NeedStatus(models.TextChoices):
    OPEN = "open", _("Repéré")
    IN_PROGRESS = "in_progress", _("En cours de traitement")
    ANSWERED = "answered", _("Pris en charge")
    DROPPED = "dropped", _("Abandonné")


class Need(models.Model):
    Status = NeedStatus

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="needs"
    )
    title = models.CharField(_("intitulé"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), max_length=5000)
    seen_where = models.CharField(
        _("où il a été constaté"), max_length=200, blank=True, validators=[validate_single_line]
    )
    public_concerned = models.CharField(
        _("public concerné"), max_length=200, blank=True, validators=[validate_single_line]
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status, default=Status.OPEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relevé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("relevé le"), default=timezone.now)

    class Meta:
        ordering = ["group", "-created_at"]
        verbose_name = _("besoin repéré")
        verbose_name_plural = _("besoins repérés")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NeedStatus.values),
                name="need_status_valid",
            ),
        ]

    def __str__(self):
        return self.title


class CoordinatedProjectQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idée")
    PREPARATION = "preparation", _("En préparation")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")


class CoordinatedProject(models.Model):
    """A project that several partners build together to answer needs the group found."""

    Status = ProjectStatus

    group = models.ForeignKey(
        WorkingGroup, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="projects"
    )
    title = models.CharField(_("titre"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), max_length=5000)
    lead_partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire porteur"),
        on_delete=models.PROTECT,
        related_name="led_projects",
    )
    contributors = models.ManyToManyField(
        "partners.Partner",
        verbose_name=_("partenaires contributeurs"),
        blank=True,
        related_name="contributed_projects",
    )
    status = models.CharField(_("statut"), max_length=12, choices=Status, default=Status.IDEA)
    needs = models.ManyToManyField(
        Need, verbose_name=_("besoins traités"), blank=True, related_name="projects"
    )
    actions = models.ManyToManyField(
        "partners.Action",
        verbose_name=_("actions produites"),
        blank=True,
        related_name="coordinated_projects",
        help_text=_("Les actions de la vitrine que le projet a produites."),
    )
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Affiché sur la page publique du groupe.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = CoordinatedProjectQuerySet.as_manager()

    class Meta:
        ordering = ["group", "title"]
        verbose_name = _("projet coordonné")
        verbose_name_plural = _("projets coordonnés")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values),
                name="coordinatedproject_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workgroups:project_detail", kwargs={"slug": self.group.slug, "pk": self.pk})


class ExpertiseRequestStatus(models.TextChoices):
    OPEN = "open", _("En attente de réponse")
    ANSWERED = "answered", _("Répondue")
    # With a context: Django's own French catalogue would turn the bare msgid "Close" into
    # the verb "Fermer".
    CLOSED = "closed", pgettext_lazy("statut d'un échange d'expertise", "Close")


class ExpertiseRequest(models.Model):
    """A question a group puts to an institutional partner; both sides see the thread."""

    Status = ExpertiseRequestStatus

    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe"),
        on_delete=models.CASCADE,
        related_name="expertise_requests",
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("partenaire sollicité"),
        on_delete=models.PROTECT,
        related_name="expertise_requests",
    )
    subject = models.CharField(_("objet"), max_length=200, validators=[validate_single_line])
    question = models.TextField(_("question"), max_length=5000)
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.OPEN)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posée par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("posée le"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'expertise")
        verbose_name_plural = _("demandes d'expertise")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ExpertiseRequestStatus.values),
                name="expertiserequest_status_valid",
            ),
        ]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse(
            "workgroups:expertise_detail", kwargs={"slug": self.group.slug, "pk": self.pk}
        )


class ExpertiseMessage(models.Model):
    request = models.ForeignKey(
        ExpertiseRequest,
        verbose_name=_("demande"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    from_expert = models.BooleanField(_("réponse du partenaire sollicité"), default=False)
    body = models.TextField(_("message"), max_length=10000)
    created_at = models.DateTimeField(_("envoyé le"), default=timezone.now)

    class Meta:
        ordering = ["request", "created_at", "pk"]
        verbose_name = _("message d'expertise")
        verbose_name_plural = _("messages d'expertise")

    def __str__(self):
        return f"{self.request} — {self.pk}"
