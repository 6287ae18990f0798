"""Needs reported by the public ("Signaler un besoin") and their triage by the CCAS.

Anyone may report a need, without an account. Staff route each report to a priority theme, or
to a working group where it becomes one of the group's needs (through workgroups' own
`need_save`, so the group's rules hold), or dismiss it. Optional contact details are erased
after the retention period. Each refusal is a ValidationError in French and changes nothing.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import ratelimit
from partners.history import authored
from partners.mail import absolute_url, send_templated_email, staff_recipients
from plenaries.models import Theme
from utopia.models import NeedReport
from workgroups import services as workgroup_services
from workgroups.models import Need, WorkingGroup

NEED_TITLE_LENGTH = 80


def _save(report: NeedReport, *, by) -> NeedReport:
    report.full_clean()
    authored(report, by=by).save()
    return report


# --- Rate limiting ----------------------------------------------------------------------------

NEED_REPORT = "need-report"


def need_report_allowed(*, client_address: str) -> bool:
    """Whether this client address may still send a report in the current window (reads
    only: the form of a client past the limit is not even read)."""
    return not ratelimit.is_limited(
        scope=NEED_REPORT, key=client_address, limit=settings.UTOPIA_NEED_REPORT_LIMIT
    )


def need_report_count_attempt(*, client_address: str) -> bool:
    """Count one report (or one robot's attempt) from this address, and say whether it is
    within the limit; the window starts with the first one. Atomic: of concurrent requests,
    no more than the limit are allowed."""
    return ratelimit.count_attempt(
        scope=NEED_REPORT,
        key=client_address,
        limit=settings.UTOPIA_NEED_REPORT_LIMIT,
        seconds=settings.UTOPIA_NEED_REPORT_LIMIT_SECONDS,
    )


# --- Workflow ---------------------------------------------------------------------------------


@transaction.atomic
def need_report_create(
    *,
    description: str,
    place: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    contact_consent: bool = False,
) -> NeedReport:
    """Store a report from the public and tell the CCAS staff (by email, through the task
    queue, once the report is committed)."""
    has_contact = bool(contact_name or contact_email or contact_phone)
    if has_contact and not contact_consent:
        raise ValidationError(
            {
                "contact_consent": _(
                    "Cochez cette case pour que le CCAS garde vos coordonnées, "
                    "ou laissez-les vides."
                )
            }
        )
    report = _save(
        NeedReport(
            description=description,
            place=place,
            contact_name=contact_name,
            contact_email=contact_email,
            contact_phone=contact_phone,
            contact_consent=has_contact and contact_consent,
        ),
        # Sent by someone from the public, without an account.
        by=None,
    )
    link = absolute_url(reverse("admin:utopia_needreport_change", args=[report.pk]))
    context = {"report": report, "link": link}
    transaction.on_commit(
        lambda: send_templated_email(
            template="need_report_staff", context=context, to=staff_recipients()
        )
    )
    return report


def _open_report(report: NeedReport) -> NeedReport:
    """The report, locked, while it is still to triage."""
    current = NeedReport.objects.select_for_update().get(pk=report.pk)
    if current.status != NeedReport.Status.NEW:
        raise ValidationError(_("Ce signalement a déjà été traité."), code="handled")
    return current


def _close(current: NeedReport, report: NeedReport, *, status, by, note) -> NeedReport:
    """Record who handled the locked report `current`, when and how; refresh the caller's."""
    current.status = status
    current.handled_by = by
    current.handled_at = timezone.now()
    if note is not None:
        current.staff_note = note
    _save(current, by=by)
    report.refresh_from_db()
    return current


def _need_title(description: str) -> str:
    text = " ".join(description.split())
    return text if len(text) <= NEED_TITLE_LENGTH else text[: NEED_TITLE_LENGTH - 1] + "…"


@transaction.atomic
def need_report_route(
    *,
    report: NeedReport,
    by,
    group: WorkingGroup | None = None,
    theme: Theme | None = None,
    title: str = "",
    note: str | None = None,
) -> NeedReport:
    """Route a report to one working group (it joins the group's needs) or to one theme."""
    if (group is None) == (theme is None):
        raise ValidationError(
            _("Choisissez soit un groupe de travail, soit un thème prioritaire."), code="target"
        )
    current = _open_report(report)
    if group is not None:
        current.need = workgroup_services.need_save(
            need=Need(
                group=group,
                title=title.strip() or _need_title(current.description),
                description=current.description,
                seen_where=current.place,
                public_concerned="",
            ),
            by=by,
        )
    current.routed_group = group
    current.routed_theme = theme
    return _close(current, report, status=NeedReport.Status.ROUTED, by=by, note=note)


@transaction.atomic
def need_report_dismiss(*, report: NeedReport, by, note: str | None = None) -> NeedReport:
    """Dismiss a report that is out of the network's reach (or not a need at all)."""
    current = _open_report(report)
    return _close(current, report, status=NeedReport.Status.DISMISSED, by=by, note=note)


@transaction.atomic
def need_report_contacts_purge(*, now: datetime.datetime | None = None) -> int:
    """Erase the contact details of reports handled (or, if never handled, sent) more than
    UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS days ago. The need itself is kept: it is the
    network's record of what is missing, and names no one. Returns how many were erased.
    Each report is saved on its own, so that the audit history records the erasure (the history
    never copies the contact details themselves)."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(days=settings.UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS)
    reports = list(
        NeedReport.objects.alias(since=Coalesce("handled_at", "created_at"))
        .filter(since__lt=limit)
        .exclude(Q(contact_name="", contact_email="", contact_phone="") & Q(contact_consent=False))
        .select_for_update()
        .order_by("pk")
    )
    for report in reports:
        report.contact_name = report.contact_email = report.contact_phone = ""
        report.contact_consent = False
        report.contact_erased_at = now
        report.save(
            update_fields=[
                "contact_name",
                "contact_email",
                "contact_phone",
                "contact_consent",
                "contact_erased_at",
            ]
        )
    return len(reports)
