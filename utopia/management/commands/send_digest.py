from django.core.management import CommandError

from partners.history import CommandWithoutUser
from utopia.digest import DigestInterrupted, digest_send


class Command(CommandWithoutUser):
    help = (
        "Envoie la lettre mensuelle du réseau (nouvelles actions, fil du réseau, prochaines "
        "plénières) aux membres qui la reçoivent, pour la période depuis la précédente. "
        "À lancer le 1er de chaque mois par cron ; relancée le même mois, elle n'envoie qu'aux "
        "adresses qui ne l'ont pas encore reçue."
    )

    def handle(self, *args, **options):
        try:
            issue = digest_send()
        except DigestInterrupted as error:
            raise CommandError(
                f"Le serveur de courriel a refusé la lettre pour {error} : envoi interrompu. "
                "Relancez send_digest une fois le courriel rétabli ; les adresses déjà servies "
                "ne la recevront pas deux fois."
            ) from error
        if issue is None:
            self.stdout.write("Rien de nouveau : aucune lettre envoyée.")
        else:
            self.stdout.write(
                f"Lettre du mois envoyée à {issue.recipients} adresse(s) "
                f"({issue.items} nouvelle(s))."
            )
