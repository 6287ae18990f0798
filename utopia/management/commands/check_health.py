import datetime

from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from partners.history import CommandWithoutUser
from partners.mail import absolute_url, render_email, staff_recipients
from utopia import health
from utopia.models import CommandRun

# While a problem lasts, the alert is repeated this often; a new problem is told at once.
ALERT_REPEAT = datetime.timedelta(days=1)


class Command(CommandWithoutUser):
    help = (
        "Surveille la file des courriels et les tâches planifiées ; écrit au CCAS "
        "(STAFF_EMAILS) directement, sans passer par la file, quand un courriel attend depuis "
        "plus de 15 minutes, qu'un courriel n'a pas pu partir ou qu'une tâche planifiée a "
        "manqué son rendez-vous. À lancer par cron toutes les 15 minutes."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        # Its own runs are watched by the pages, not by itself.
        found = [p for p in health.problems(now) if p.key != "late:check_health"]
        keys = [problem.key for problem in found]
        runs = CommandRun.objects.filter(command="check_health")
        previous = runs.first()
        last_alert = runs.filter(alerted=True).first()
        new = set(keys) - set(previous.problems if previous else [])
        due = bool(found) and bool(
            new or last_alert is None or last_alert.started_at < now - ALERT_REPEAT
        )
        run = CommandRun(command="check_health", started_at=now, problems=keys)
        if due:
            subject, body = render_email(
                "health_alert",
                {"problems": found, "link": absolute_url(reverse("staff_health"))},
            )
            # Directly, not through the queue: the queue may be what is stalled.
            EmailMessage(subject=subject, body=body, to=staff_recipients()).send()
            run.alerted = True
        run.succeeded = True
        run.finished_at = timezone.now()
        run.save()
        CommandRun.objects.filter(started_at__lt=now - health.RUNS_KEPT).delete()
        if not found:
            self.stdout.write("Tout va bien.")
        for problem in found:
            self.stdout.write(problem.text)
        if due:
            self.stdout.write("Alerte envoyée au CCAS.")
