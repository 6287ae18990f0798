"""RGPD requests of a correspondent for the network who has no account (a member's requests
go through the back-office's actions on their account)."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from partners.emails import normalize_email
from partners.history import CommandWithoutUser
from utopia import rgpd


class Command(CommandWithoutUser):
    help = (
        "Données d'un correspondant pour le réseau sans compte : les affiche (JSON), ou les "
        "efface avec --effacer (fiches des partenaires et journal des convocations)."
    )

    def add_arguments(self, parser):
        parser.add_argument("adresse", help="adresse électronique du correspondant")
        parser.add_argument("--effacer", action="store_true", help="effacer ses données")

    def handle(self, *args, adresse, effacer, **options):
        try:
            email = normalize_email(adresse)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if effacer:
            done = rgpd.correspondent_erase(email=email, by=None)
            self.stdout.write(
                f"Correspondant effacé de {done['correspondant']} fiche(s) ; adresse retirée de "
                f"{done['journal_convocations']} ligne(s) du journal des convocations."
            )
            return
        self.stdout.write(rgpd.correspondent_data_json(email=email))
