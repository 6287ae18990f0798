"""Background tasks of the network: email leaves through Django's tasks framework so that a
slow mail server never blocks a page (see settings.TASKS)."""

import base64
from email.message import MIMEPart

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


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
) -> int:
    """Send one message. Attachments are dicts {filename, content (text or base64 in
    `content_b64`), mimetype, and optionally params for the Content-Type, such as a calendar's
    method} so that the task's arguments stay JSON."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=to, reply_to=reply_to or None, headers=headers or None
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
    return message.send()


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
