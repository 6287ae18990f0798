from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.markup import render_markdown, validate_markup
from partners.validators import validate_single_line

from .plenary import Plenary


class Decision(models.Model):
    """What a plenary decided, in the order of its minutes."""

    plenary = models.ForeignKey(
        Plenary, verbose_name=_("plénière"), on_delete=models.CASCADE, related_name="decisions"
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    title = models.CharField(_("décision"), max_length=300, validators=[validate_single_line])
    description = models.TextField(_("précisions"), blank=True, max_length=4000)

    class Meta:
        ordering = ["plenary", "order", "pk"]
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")

    def __str__(self):
        return self.title


class ThemeQuerySet(models.QuerySet):
    def current(self, today=None):
        """Themes the network works on now: adopted and not closed."""
        today = today or timezone.localdate()
        return self.filter(adopted_at__lte=today).filter(
            Q(closed_at__isnull=True) | Q(closed_at__gt=today)
        )


class Theme(models.Model):
    """A priority theme adopted by a plenary; working groups form around it."""

    name = models.CharField(
        _("nom"), max_length=150, unique=True, validators=[validate_single_line]
    )
    slug = models.SlugField(
        _("identifiant d'URL"), max_length=150, unique=True, validators=[validate_single_line]
    )
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("Texte en Markdown."),
        validators=[validate_markup],
    )
    description_html = models.TextField(editable=False, blank=True)
    adopted_at = models.DateField(_("adopté le"))
    closed_at = models.DateField(_("clos le"), null=True, blank=True)
    plenary = models.ForeignKey(
        Plenary,
        verbose_name=_("adopté par la plénière"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="themes",
    )
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("décision d'adoption"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="theme",
    )

    objects = ThemeQuerySet.as_manager()

    class Meta:
        ordering = ["-adopted_at", "name"]
        verbose_name = _("thème prioritaire")
        verbose_name_plural = _("thèmes prioritaires")
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("adopted_at")),
                name="theme_closed_after_adopted",
                violation_error_message=_("Un thème ne peut pas être clos avant d'être adopté."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)

    @property
    def is_current(self) -> bool:
        today = timezone.localdate()
        return self.adopted_at <= today and (self.closed_at is None or self.closed_at > today)
