from django.conf import settings

from partners.history import CommandWithoutUser
from partners.services import signature_names_hide_expired


class Command(CommandWithoutUser):
    help = (
        "Masque le nom public des signataires dont le mandat a pris fin depuis plus de "
        "SIGNATORY_NAME_RETENTION_DAYS jours (RGPD). À lancer chaque jour par cron."
    )

    def handle(self, *args, **options):
        hidden = signature_names_hide_expired()
        days = settings.UTOPIA_SIGNATORY_NAME_RETENTION_DAYS
        self.stdout.write(
            f"{hidden} nom(s) de signataire masqué(s) (mandat terminé depuis plus de {days} jours)."
        )
