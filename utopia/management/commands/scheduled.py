import argparse
import traceback

from django.core.management import call_command
from django.utils import timezone

from partners.history import CommandWithoutUser
from utopia.health import RUNS_KEPT
from utopia.models import CommandRun


class Command(CommandWithoutUser):
    help = (
        "Lance une commande planifiée et note son exécution (date, réussite, erreur), que "
        "« À traiter », la page « Santé du portail » et check_health surveillent. Dans la liste "
        "cron : `manage.py scheduled <commande> [arguments]`."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="la commande à lancer, par exemple send_digest")
        # Everything after the name is the command's own (`scheduled axes_reset_logs --age 180`).
        parser.add_argument("args", nargs=argparse.REMAINDER, help="ses arguments")

    def handle(self, *args, name, **options):
        run = CommandRun.objects.create(command=name)
        CommandRun.objects.filter(started_at__lt=run.started_at - RUNS_KEPT).delete()
        try:
            # Arguments as cron writes them, parsed by the command itself.
            call_command(name, *args, stdout=self.stdout, stderr=self.stderr)
        except BaseException as error:
            run.error = "".join(traceback.format_exception_only(error)).strip()[:2000]
            run.finished_at = timezone.now()
            run.save(update_fields=["error", "finished_at"])
            raise
        run.succeeded = True
        run.finished_at = timezone.now()
        run.save(update_fields=["succeeded", "finished_at"])
