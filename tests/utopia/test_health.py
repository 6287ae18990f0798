"""Email and scheduled jobs never fail silently: a refused message is tried three times then
shown as failed, a stalled queue or a command that missed its period is a line in "À traiter",
on the staff health page, and an email sent directly to STAFF_EMAILS by `check_health`."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from partners.tasks import RETRY_DELAYS, send_email
from utopia import dashboard, health
from utopia.models import CommandRun

pytestmark = pytest.mark.django_db

STAFF = "veille@ccas-thionville.fr"


@pytest.fixture
def database_queue(settings):
    """The production queue: messages wait in the database until `db_worker` sends them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.UTOPIA_STAFF_EMAILS = [STAFF]


def work():
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


def queue_email(to="membre@exemple.fr"):
    send_email.enqueue(subject="Convocation : plénière d'été", body="Bonjour", to=[to])


def come_due():
    """The time of every deferred retry has come."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        run_after=timezone.now() - datetime.timedelta(seconds=1)
    )


def keys(lines):
    return [line.key for line in lines]


# db_worker closes the database connection after its batch: committed data, not a test
# transaction that the closing would end (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_a_refused_message_is_tried_three_times_with_growing_delays_then_shown_failed(
    database_queue, refusing_mail_server, mailoutbox, client, staff
):
    refusing_mail_server.add("membre@exemple.fr")
    queue_email()

    for attempt, delay in enumerate(RETRY_DELAYS, start=2):
        before = timezone.now()
        work()
        retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
        assert retry.args_kwargs["kwargs"]["attempt"] == attempt
        assert before + delay <= retry.run_after <= timezone.now() + delay
        assert "mail_failed" not in keys(dashboard.lines())  # still trying
        come_due()
    work()

    assert not mailoutbox
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    assert failed.args_kwargs["kwargs"]["subject"] == "Convocation : plénière d'été"
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    line = next(line for line in dashboard.lines() if line.key == "mail_failed")
    assert "1 courriel n'a pas pu partir après 3 essais" in line.text
    client.force_login(staff)
    page = client.get(line.url).content.decode()
    assert "membre@exemple.fr" in page
    assert "Convocation : plénière d&#x27;été" in page
    assert "SMTPRecipientsRefused" in page


# db_worker closes the database connection after its batch: committed data, not a test
# transaction that the closing would end (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_a_message_leaves_at_the_second_attempt_once_the_server_is_back(
    database_queue, refusing_mail_server, mailoutbox
):
    refusing_mail_server.add("membre@exemple.fr")
    queue_email()
    work()
    refusing_mail_server.clear()
    come_due()
    work()

    assert [mail.to for mail in mailoutbox] == [["membre@exemple.fr"]]
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).exists()
    assert "mail_failed" not in keys(dashboard.lines())


def test_without_a_queue_a_refused_message_fails_at_once(refusing_mail_server, mailoutbox):
    # Development sends at once: no deferred retry is possible, the failure is the task's.
    refusing_mail_server.add("membre@exemple.fr")
    queue_email()
    assert not mailoutbox


def test_a_stalled_queue_is_a_line_and_one_direct_email_to_staff(database_queue, mailoutbox):
    queue_email()
    assert "mail_queue_stalled" not in keys(dashboard.lines())  # just queued
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=20))

    line = next(line for line in dashboard.lines() if line.key == "mail_queue_stalled")
    assert "1 courriel attend de partir depuis 20 minutes" in line.text
    output = io.StringIO()
    call_command("check_health", stdout=output)

    assert [mail.to for mail in mailoutbox] == [[STAFF]]
    alert = mailoutbox[0]
    assert alert.subject == "UTOPIA : 1 alerte de fonctionnement"
    assert "db_worker" in alert.body
    assert DBTaskResult.objects.count() == 1  # the alert did not wait in the stalled queue
    assert "Alerte envoyée" in output.getvalue()

    # The same problem a quarter of an hour later: no second email the same day.
    call_command("check_health", stdout=io.StringIO())
    assert len(mailoutbox) == 1
    # A day later, still there: reminded.
    CommandRun.objects.update(started_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    call_command("check_health", stdout=io.StringIO())
    assert len(mailoutbox) == 2


def test_check_health_says_all_is_well_and_writes_to_nobody(database_queue, mailoutbox):
    output = io.StringIO()
    call_command("check_health", stdout=output)
    assert output.getvalue().startswith("Tout va bien.")
    assert not mailoutbox
    assert CommandRun.objects.get(command="check_health").succeeded


def ran(command, *, ago, succeeded=True):
    CommandRun.objects.create(command=command, started_at=timezone.now() - ago, succeeded=succeeded)


@pytest.fixture
def cron_on_time(settings):
    settings.UTOPIA_WATCH_SCHEDULE = True
    for job in health.SCHEDULE:
        ran(job.command, ago=job.period / 2)


def test_a_command_that_missed_its_period_is_a_line_and_an_email(
    cron_on_time, database_queue, mailoutbox
):
    assert not health.problems()
    CommandRun.objects.filter(command="send_digest").update(
        started_at=timezone.now() - datetime.timedelta(days=33)
    )
    ran("send_digest", ago=datetime.timedelta(days=1), succeeded=False)  # a failed rerun

    line = next(line for line in dashboard.lines() if line.key == "late:send_digest")
    assert "« send_digest » (le 1er de chaque mois) n'a pas réussi depuis le" in line.text
    call_command("check_health", stdout=io.StringIO())
    assert "send_digest" in mailoutbox[0].body


def test_a_command_that_never_ran_is_reported_once_watching(settings):
    settings.UTOPIA_WATCH_SCHEDULE = True
    texts = [line.text for line in dashboard.lines()]
    assert any("« purge_access_requests » (chaque jour) n'a jamais réussi" in t for t in texts)
    settings.UTOPIA_WATCH_SCHEDULE = False  # a development machine has no cron
    assert not [key for key in keys(dashboard.lines()) if key.startswith("late:")]


def test_scheduled_records_each_run_and_its_failure():
    call_command("scheduled", "purge_need_report_contacts", stdout=io.StringIO())
    run = CommandRun.objects.get()
    assert run.command == "purge_need_report_contacts"
    assert run.succeeded and run.finished_at

    with pytest.raises(CommandError):
        call_command("scheduled", "axes_reset_logs", "--age", "pas-un-nombre")
    failed = CommandRun.objects.filter(command="axes_reset_logs").get()
    assert not failed.succeeded
    assert failed.error


def test_health_page_shows_the_queue_and_each_scheduled_command(database_queue, client, agent_with):
    queue_email()
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=3))
    ran("send_digest", ago=datetime.timedelta(days=2))
    client.force_login(agent_with("utopia.view_commandrun"))

    page = client.get("/etat-du-portail/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "1 courriel, en attente depuis 3 heures" in text
    for job in health.SCHEDULE:
        assert f"<code>{job.command}</code>" in text
    assert "no-store" in page["Cache-Control"]


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("member", 404), ("agent", 404), ("staff", 200)]
)
def test_health_page_is_for_staff_with_the_permission(client, role, status, request):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get("/etat-du-portail/").status_code == status


def test_liveness_check_stays_bare(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/sante/")
    assert response.content == b"ok"
