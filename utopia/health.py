"""Email and scheduled jobs never fail silently. What is watched: the mail queue (the age of
the oldest message waiting, the messages that failed for good) and the last run of each
scheduled command of the README. The staff's "À traiter" and health page read it, and
`manage.py check_health`, run by cron every 15 minutes, emails it to STAFF_EMAILS directly,
since the queue may be the stalled part."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Min
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from partners.tasks import ATTEMPTS, send_email
from utopia.models import CommandRun

# A message waiting longer than this means the worker (`db_worker`) is down.
QUEUE_STALLED = datetime.timedelta(minutes=15)
# Messages that failed for good stay listed this long (they stay in the queue's table).
FAILURES_SHOWN = datetime.timedelta(days=7)
# Runs are kept this long; the last run of each command is what matters.
RUNS_KEPT = datetime.timedelta(days=90)

DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Scheduled:
    command: str
    period: datetime.timedelta
    # Late once no successful run for period + grace (cron's hour, a long run).
    grace: datetime.timedelta
    rhythm: str


# The cron list of the README, in its order.
SCHEDULE = [
    Scheduled("hide_expired_signatory_names", DAY, DAY / 4, gettext_lazy("chaque jour")),
    Scheduled("purge_need_report_contacts", DAY, DAY / 4, gettext_lazy("chaque jour")),
    Scheduled("purge_access_requests", DAY, DAY / 4, gettext_lazy("chaque jour")),
    Scheduled("axes_reset_logs", DAY, DAY / 4, gettext_lazy("chaque jour")),
    Scheduled("axes_reset_failure_logs", DAY, DAY / 4, gettext_lazy("chaque jour")),
    Scheduled("request_partner_confirmations", 7 * DAY, DAY, gettext_lazy("chaque semaine")),
    Scheduled("plenary_cadence_check", 7 * DAY, DAY, gettext_lazy("chaque semaine")),
    Scheduled("send_digest", 31 * DAY, DAY, gettext_lazy("le 1er de chaque mois")),
    Scheduled(
        "check_health",
        datetime.timedelta(minutes=15),
        datetime.timedelta(minutes=15),
        gettext_lazy("toutes les 15 minutes"),
    ),
]
SCHEDULED = {job.command: job for job in SCHEDULE}


@dataclass(frozen=True)
class Problem:
    key: str
    text: str


@dataclass(frozen=True)
class MailQueue:
    in_use: bool  # the database queue of production (at once, in development: no queue)
    waiting: int = 0
    oldest: datetime.datetime | None = None
    failed: int = 0
    last_failure: datetime.datetime | None = None

    def age(self, now: datetime.datetime) -> datetime.timedelta | None:
        return now - self.oldest if self.oldest else None


@dataclass(frozen=True)
class JobStatus:
    job: Scheduled
    last_run: CommandRun | None
    last_success: datetime.datetime | None
    late: bool


def mail_queue(now: datetime.datetime) -> MailQueue:
    """Emails waiting to leave (their time come: a retry waits its turn) and failed ones."""
    if not isinstance(task_backends[send_email.backend], DatabaseBackend):
        return MailQueue(in_use=False)
    emails = DBTaskResult.objects.filter(task_path=send_email.module_path)
    ready = emails.filter(status=TaskResultStatus.READY)
    waiting = ready.filter(run_after__lte=now) | ready.filter(run_after=get_date_max())
    # Waiting since it was queued, or since its retry time came.
    since = [
        ready.filter(run_after=get_date_max()).aggregate(at=Min("enqueued_at"))["at"],
        ready.filter(run_after__lte=now).aggregate(at=Min("run_after"))["at"],
    ]
    failed = emails.filter(status=TaskResultStatus.FAILED, finished_at__gte=now - FAILURES_SHOWN)
    last_failure = failed.order_by("-finished_at").values_list("finished_at", flat=True).first()
    return MailQueue(
        in_use=True,
        waiting=waiting.count(),
        oldest=min((at for at in since if at), default=None),
        failed=failed.count(),
        last_failure=last_failure,
    )


def jobs(now: datetime.datetime) -> list[JobStatus]:
    """Each scheduled command with its last run and last success (two queries)."""
    last_runs = {}
    for run in CommandRun.objects.filter(command__in=SCHEDULED).order_by("command", "-started_at"):
        last_runs.setdefault(run.command, run)
    successes = dict(
        CommandRun.objects.filter(command__in=SCHEDULED, succeeded=True)
        .values("command")
        .annotate(at=Max("started_at"))
        .values_list("command", "at")
    )
    return [
        JobStatus(
            job=job,
            last_run=last_runs.get(job.command),
            last_success=successes.get(job.command),
            late=successes.get(job.command) is None
            or successes[job.command] < now - job.period - job.grace,
        )
        for job in SCHEDULE
    ]


def _when(moment: datetime.datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y à H:i")


def age_text(age: datetime.timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    if minutes < 120:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d heure", "%(n)d heures", hours) % {"n": hours}
    return ngettext("%(n)d jour", "%(n)d jours", hours // 24) % {"n": hours // 24}


def problems(now: datetime.datetime | None = None) -> list[Problem]:
    now = now or timezone.now()
    found = []
    queue = mail_queue(now)
    age = queue.age(now)
    if age is not None and age > QUEUE_STALLED:
        found.append(
            Problem(
                "mail_queue_stalled",
                ngettext(
                    "%(count)d courriel attend de partir depuis %(age)s : le service qui les "
                    "envoie (db_worker) semble arrêté. Faites-le relancer sur le serveur.",
                    "%(count)d courriels attendent de partir, le plus ancien depuis %(age)s : le "
                    "service qui les envoie (db_worker) semble arrêté. Faites-le relancer sur le "
                    "serveur.",
                    queue.waiting,
                )
                % {"count": queue.waiting, "age": age_text(age)},
            )
        )
    if queue.failed:
        found.append(
            Problem(
                "mail_failed",
                ngettext(
                    "%(count)d courriel n'a pas pu partir après %(attempts)d essais (le dernier "
                    "le %(when)s) : le serveur de courriel l'a refusé. Il reste dans la file, "
                    "avec son contenu.",
                    "%(count)d courriels n'ont pas pu partir après %(attempts)d essais (le "
                    "dernier le %(when)s) : le serveur de courriel les a refusés. Ils restent "
                    "dans la file, avec leur contenu.",
                    queue.failed,
                )
                % {
                    "count": queue.failed,
                    "attempts": ATTEMPTS,
                    "when": _when(queue.last_failure),
                },
            )
        )
    if settings.UTOPIA_WATCH_SCHEDULE:
        for status in jobs(now):
            if not status.late:
                continue
            if status.last_success is None:
                text = _(
                    "La tâche planifiée « %(command)s » (%(rhythm)s) n'a jamais réussi : "
                    "vérifiez la liste cron du serveur (README)."
                )
            else:
                text = _(
                    "La tâche planifiée « %(command)s » (%(rhythm)s) n'a pas réussi depuis le "
                    "%(when)s : vérifiez la liste cron du serveur (README)."
                )
            found.append(
                Problem(
                    f"late:{status.job.command}",
                    text
                    % {
                        "command": status.job.command,
                        "rhythm": status.job.rhythm,
                        "when": _when(status.last_success) if status.last_success else "",
                    },
                )
            )
    return found


@dataclass(frozen=True)
class FailedEmail:
    to: str
    subject: str
    finished_at: datetime.datetime
    error: str


FAILURES_LISTED = 20


def failed_emails(now: datetime.datetime) -> list[FailedEmail]:
    """The last messages that failed for good: their content stays in the queue's table."""
    rows = DBTaskResult.objects.filter(
        task_path=send_email.module_path,
        status=TaskResultStatus.FAILED,
        finished_at__gte=now - FAILURES_SHOWN,
    ).order_by("-finished_at")[:FAILURES_LISTED]
    return [
        FailedEmail(
            to=", ".join(row.args_kwargs.get("kwargs", {}).get("to", [])),
            subject=row.args_kwargs.get("kwargs", {}).get("subject", ""),
            finished_at=row.finished_at,
            error=row.exception_class_path.rsplit(".", 1)[-1],
        )
        for row in rows
    ]
