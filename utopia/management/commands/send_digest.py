from partners.history import CommandWithoutUser
from utopia.digest import digest_send


class Command(CommandWithoutUser):
    help = (
        "Envoie la lettre mensuelle du réseau (nouvelles actions, fil du réseau, prochaines "
        "plénières) aux membres qui la reçoivent, pour la période depuis la précédente. "
        "À lancer le 1er de chaque mois par cron."
    )

    def handle(self, *args, **options):
        issue = digest_send()
        if issue is None:
            self.stdout.write("Rien de nouveau : aucune lettre envoyée.")
        else:
            self.stdout.write(
                f"Lettre envoyée à {issue.recipients} personne(s) ({issue.items} nouvelle(s))."
            )
