from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlenariesConfig(AppConfig):
    name = "plenaries"
    verbose_name = _("Plénières et thèmes prioritaires")
