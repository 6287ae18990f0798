from importlib import import_module

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from partners.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from partners.history import CommandWithoutUser
from utopia import demo as shell_demo
from utopia.sections import APPS


class Command(CommandWithoutUser):
    help = (
        "Charge le contenu de démonstration (comptes de démonstration, fiches, actions, "
        "plénières, groupes). Refusé hors développement (DEBUG=1). Sans doublon si relancé."
    )

    def handle(self, *args, **options):
        if not settings.UTOPIA_DEMO_ALLOWED:
            raise CommandError(
                "Le contenu de démonstration n'est jamais chargé avec les réglages de "
                "production (DEBUG est désactivé)."
            )
        with transaction.atomic():
            shell_demo.load_staff()
            for app in APPS:
                try:
                    demo = import_module(f"{app}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app}.demo":
                        raise
                    continue
                demo.load(stdout=self.stdout)
            # The shell's own demo comes last: it uses the apps' demo content.
            shell_demo.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Contenu de démonstration chargé."))
        self.stdout.write("")
        self.stdout.write("Comptes de démonstration (mot de passe : %s)" % DEMO_PASSWORD)
        for email, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<32} {description}")
        self.stdout.write("")
        self.stdout.write("Administrateur (superutilisateur, même mot de passe) :")
        self.stdout.write(f"  {shell_demo.DEMO_ADMIN:<32} listes techniques, groupes et droits")
        self.stdout.write("")
