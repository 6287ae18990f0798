"""Background tasks of the network: email leaves through Django's tasks framework so that a
slow mail server never blocks a page (see settings.TASKS)."""

import base64
import datetime
import logging
import smtplib
from email.message import MIMEPart

from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

# Neither django.tasks nor django-tasks-db tries a task again: a message that the mail server
# refuses (or that finds it unreachable) queues itself again after these delays, then fails for
# good, and stays in the queue's table with its content, shown in the staff's "À traiter".
RETRY_DELAYS = (datetime.timedelta(minutes=5), datetime.timedelta(minutes=30))
ATTEMPTS = len(RETRY_DELAYS) + 1

logger = logging.getLogger(__name__)


@task
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str = "",
    reply_to: list[str] | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[dict] | None = None,
    attempt: int = 1,
) -> int:
    """Send one message. Attachments are dicts {filename, content (text or base64 in
    `content_b64`), mimetype, and optionally params for the Content-Type, such as a calendar's
    method} so that the task's arguments stay JSON. A failure queues the next attempt (while
    the backend can defer, as the database queue can), or fails the task at the last one."""
    message = _message(
        subject=subject,
        body=body,
        to=to,
        html=html,
        reply_to=reply_to,
        headers=headers,
        attachments=attachments,
    )
    try:
        return message.send()
    except (smtplib.SMTPException, OSError) as error:
        backend = send_email.get_backend()
        if attempt >= ATTEMPTS or not backend.supports_defer:
            raise
        delay = RETRY_DELAYS[attempt - 1]
        send_email.using(run_after=timezone.now() + delay).enqueue(
            subject=subject,
            body=body,
            to=to,
            html=html,
            reply_to=reply_to,
            headers=headers,
            attachments=attachments,
            attempt=attempt + 1,
        )
        logger.warning(
            "Courriel à %s refusé (essai %d sur %d, %s) : nouvel essai dans %s.",
            ", ".join(to),
            attempt,
            ATTEMPTS,
            error,
            delay,
        )
        return 0


def _message(*, subject, body, to, html, reply_to, headers, attachments) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=to,
        reply_to=reply_to or None,
        headers=_unfolded(headers) or None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in attachments or []:
        content = attachment.get("content")
        if content is None:
            content = base64.b64decode(attachment["content_b64"])
        if attachment.get("params"):
            message.attach(_part_with_params(attachment, content))
        else:
            message.attach(attachment["filename"], content, attachment["mimetype"])
    return message


# Headers whose value is a URL between angle brackets, that mail providers read as is.
URL_HEADERS = {"list-unsubscribe"}


class UnfoldedHeader(str):
    """A header value written on one line, as given. Python's email policies fold a long
    header and, when a single word (here a signed URL) is longer than a line, encode it as
    `=?utf-8?q?...?=`, which no mail provider reads as the `<https://…>` of RFC 2369 and 8058.
    RFC 5322 allows 998 characters on a line; the policy uses a header object's own fold()."""

    def __new__(cls, name: str, value: str):
        if "\r" in value or "\n" in value:
            raise ValueError(f"Header {name} must hold one line.")
        header = super().__new__(cls, value)
        header.name = name
        return header

    def __getnewargs__(self):  # copies (the test outbox keeps a deep copy of each message)
        return (self.name, str(self))

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self}{policy.linesep}"


def _unfolded(headers: dict[str, str] | None) -> dict[str, str] | None:
    if not headers:
        return headers
    return {
        name: UnfoldedHeader(name, value) if name.lower() in URL_HEADERS else value
        for name, value in headers.items()
    }


def _part_with_params(attachment: dict, content: str) -> MIMEPart:
    """A text attachment whose Content-Type carries parameters: Outlook treats a calendar as an
    invitation (with its answer buttons) only with `text/calendar; method=REQUEST`."""
    _maintype, subtype = attachment["mimetype"].split("/", 1)
    part = MIMEPart()
    part.set_content(
        content,
        subtype=subtype,
        disposition="attachment",
        filename=attachment["filename"],
        params=attachment["params"],
    )
    return part
