from django.conf import settings

from partners.history import CommandWithoutUser
from partners.services import access_requests_purge


class Command(CommandWithoutUser):
    help = (
        "Supprime les demandes d'accès traitées depuis plus de ACCESS_REQUEST_RETENTION_DAYS "
        "jours, avec leur historique (RGPD). À lancer chaque jour par cron."
    )

    def handle(self, *args, **options):
        deleted = access_requests_purge()
        days = settings.UTOPIA_ACCESS_REQUEST_RETENTION_DAYS
        self.stdout.write(
            f"{deleted} demande(s) d'accès supprimée(s) (traitées depuis plus de {days} jours)."
        )
