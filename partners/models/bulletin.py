from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from partners.validators import validate_single_line

from .partner import Partner


class BulletinPostQuerySet(models.QuerySet):
    def visible(self):
        """What network members see: posts not withdrawn, of active partners."""
        return self.filter(removed_at__isnull=True, partner__is_active=True)


class BulletinPost(models.Model):
    """News a partner shares with the whole network (never public): a job, an event to
    relay, a call for help."""

    class Kind(models.TextChoices):
        JOB = "job", _("Offre d'emploi ou de bénévolat")
        EVENT = "event", _("Événement à relayer")
        HELP = "help", _("Appel à l'aide")
        INFO = "info", _("Information")

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partenaire"),
        on_delete=models.CASCADE,
        related_name="bulletin_posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind, default=Kind.INFO)
    title = models.CharField(_("titre"), max_length=150, validators=[validate_single_line])
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("publié le"), auto_now_add=True, db_index=True)
    removed_at = models.DateTimeField(_("retiré le"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("retiré par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = BulletinPostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message du fil du réseau")
        verbose_name_plural = _("messages du fil du réseau")
        permissions = [
            ("moderate_bulletin_post", _("Peut retirer des messages du fil du réseau")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title="") & ~Q(body=""),
                name="bulletin_post_not_blank",
                violation_error_message=_("Le titre et le message sont obligatoires."),
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("title"), 150)
                & LessThanOrEqual(Length("body"), 5000),
                name="bulletin_post_length",
                violation_error_message=_(
                    "Le titre est limité à 150 caractères et le message à 5 000."
                ),
            ),
        ]

    def __str__(self):
        return self.title
