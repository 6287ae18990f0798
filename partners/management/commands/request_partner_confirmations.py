from partners.history import CommandWithoutUser
from partners.services import partner_confirmation_requests_send


class Command(CommandWithoutUser):
    help = (
        "Demande par courriel aux membres de chaque partenaire de confirmer ou mettre à jour "
        "sa fiche, une fois par an (fiche non confirmée depuis onze mois). À lancer chaque "
        "jour ou chaque semaine par cron : un partenaire déjà sollicité n'est pas relancé."
    )

    def handle(self, *args, **options):
        count = partner_confirmation_requests_send()
        self.stdout.write(f"{count} partenaire(s) sollicité(s) pour confirmer leur fiche.")
