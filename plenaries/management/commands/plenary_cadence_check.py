from partners.history import CommandWithoutUser
from plenaries.services import cadence_alert


class Command(CommandWithoutUser):
    help = (
        "Envoie au CCAS les alertes sur le rythme des plénières (pas de plénière prévue ce "
        "semestre, compte rendu non publié 30 jours après). À lancer par cron, par exemple "
        "chaque lundi matin."
    )

    def handle(self, *args, **options):
        warnings = cadence_alert()
        if not warnings:
            self.stdout.write("Rien à signaler.")
            return
        for warning in warnings:
            self.stdout.write(f"- {warning}")
        self.stdout.write(f"{len(warnings)} alerte(s) envoyée(s) au CCAS.")
