from django.db import models
from django.utils.translation import gettext_lazy as _

from partners.collation import COLLATION
from partners.validators import validate_single_line


class FieldOfAction(models.Model):
    """A field of social action (housing, health, employment...): partners and actions are
    classified by it, and the public filters by it."""

    name = models.CharField(
        _("nom"),
        max_length=80,
        unique=True,
        validators=[validate_single_line],
        db_collation=COLLATION,
    )
    slug = models.SlugField(
        _("identifiant d'URL"), max_length=80, unique=True, validators=[validate_single_line]
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("domaine d'action sociale")
        verbose_name_plural = _("domaines d'action sociale")

    def __str__(self):
        return self.name


class Neighbourhood(models.Model):
    """A neighbourhood of Thionville (or "Hors Thionville"), as residents name it."""

    name = models.CharField(
        _("nom"),
        max_length=80,
        unique=True,
        validators=[validate_single_line],
        db_collation=COLLATION,
    )
    slug = models.SlugField(
        _("identifiant d'URL"), max_length=80, unique=True, validators=[validate_single_line]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")

    def __str__(self):
        return self.name
