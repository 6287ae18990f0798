"""Templated emails, rendered now and sent by a background task."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.tasks import TaskResult
from django.template.loader import render_to_string

from partners.reach import network_reach
from partners.tasks import send_email


def absolute_url(path: str) -> str:
    """A link for an email: SITE_URL (scheme and host) followed by a path from reverse()."""
    return settings.UTOPIA_SITE_URL.rstrip("/") + path


# The template engine without HTML escaping (settings.TEMPLATES): emails are plain text.
TEXT_ENGINE = "text"


def render_email(template: str, context: dict) -> tuple[str, str]:
    """`templates/emails/<template>_subject.txt` and `_body.txt` rendered with `context`, as
    plain text (nothing HTML-escaped)."""
    subject = render_to_string(f"emails/{template}_subject.txt", context, using=TEXT_ENGINE)
    subject = " ".join(subject.split())
    body = render_to_string(f"emails/{template}_body.txt", context, using=TEXT_ENGINE)
    return subject, body


def send_templated_email(
    *,
    template: str,
    context: dict,
    to: Iterable[str],
    attachments: list[dict] | None = None,
    attachments_for: Callable[[str], list[dict]] | None = None,
    headers: dict[str, str] | None = None,
) -> list[TaskResult]:
    """Enqueue one email per recipient (recipients never see each other's address).

    `attachments_for(address)` adds what is made for that recipient alone, such as a calendar
    invitation that names its attendee. Returns the queued tasks' results."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return []
    subject, body = render_email(template, context)
    results = []
    for address in recipients:
        own = attachments_for(address) if attachments_for else []
        queued = send_email.enqueue(
            subject=subject,
            body=body,
            to=[address],
            attachments=[*(attachments or []), *own] if own else attachments,
            headers=headers,
        )
        results.append(queued)
    return results


def staff_recipients() -> list[str]:
    """Where CCAS alerts go: STAFF_EMAILS if set, otherwise every active staff account."""
    if settings.UTOPIA_STAFF_EMAILS:
        return list(settings.UTOPIA_STAFF_EMAILS)
    return list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def partner_member_emails(partner) -> list[str]:
    return list(
        partner.memberships.filter(user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def network_emails() -> list[str]:
    """Whom the network's decisions are announced to (minutes published, priority themes
    adopted or retired, groups created): every partner to reach (the active ones but the
    CCAS, which announces them), that is its correspondent and its active members
    (partners/reach.py), one address once, whatever the number of partners it speaks for."""
    return network_reach().addresses
