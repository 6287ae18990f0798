from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitCounter(models.Model):
    """How many times one client address (or one email address) did one limited thing in the
    current window (partners/ratelimit.py). Counted in the database, so that every worker
    process shares the count and concurrent requests cannot both pass the last free place."""

    # Written by partners/ratelimit.py only, never typed in a form.
    scope = models.CharField(_("limite"), max_length=40, editable=False)
    # A keyed digest of the address, never the address itself: the table holds no personal data.
    key = models.CharField(_("clé"), max_length=64, editable=False)
    count = models.PositiveIntegerField(_("nombre"), default=0)
    window_ends_at = models.DateTimeField(_("fin de la période"), db_index=True)

    class Meta:
        verbose_name = _("compteur de limite")
        verbose_name_plural = _("compteurs de limite")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="ratelimitcounter_unique_key")
        ]

    def __str__(self):
        return f"{self.scope} {self.key[:8]}… {self.count}"
