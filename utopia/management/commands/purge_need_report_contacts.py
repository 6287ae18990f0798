from django.conf import settings

from partners.history import CommandWithoutUser
from utopia.needs import need_report_contacts_purge


class Command(CommandWithoutUser):
    help = (
        "Efface les coordonnées laissées dans les signalements de besoins traités (ou reçus, "
        "s'ils n'ont pas été traités) depuis plus de NEED_REPORT_CONTACT_RETENTION_DAYS jours "
        "(RGPD). À lancer chaque jour par cron."
    )

    def handle(self, *args, **options):
        erased = need_report_contacts_purge()
        days = settings.UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS
        self.stdout.write(
            f"Coordonnées effacées dans {erased} signalement(s) de besoin "
            f"(traités depuis plus de {days} jours)."
        )
