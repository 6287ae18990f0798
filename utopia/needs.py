"""Needs reported by the public ("Signaler un besoin") and their triage by the CCAS.

Anyone may report a need, without an account. Staff route each report to a priority theme, to
a working group where it becomes one of the group's needs (through workgroups' own
`need_save`, so the group's rules hold), or to a partner, or dismiss it; routing tells those
who will act on it. The CCAS then closes the report with an answer. The person who reported it,
if they left an address and agreed to be contacted, hears of the routing and receives the
answer, in plain words that name no group, partner or agent. Optional contact details are
erased when the report is closed, and at the latest after the retention period. Each refusal
is a ValidationError in French and changes nothing.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import ratelimit
from partners.history import authored
from partners.mail import absolute_url, send_templated_email, staff_recipients
from partners.models import Membership, Partner
from partners.reach import partner_contact
from plenaries.models import Theme
from utopia.models import NeedReport
from workgroups import services as workgroup_services
from workgroups.models import Need, PilotTerm, WorkingGroup

NEED_TITLE_LENGTH = 80
# A group's "Besoins" page shows this many of the latest reports routed to its theme.
THEME_REPORTS_SHOWN = 20


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


def _send(template: str, context: dict, to) -> None:
    to = sorted(set(to))
    transaction.on_commit(lambda: send_templated_email(template=template, context=context, to=to))


def _group_recipients(group: WorkingGroup) -> list[str]:
    """The group's pilot and its partners: their correspondents and members."""
    emails = workgroup_services.group_partner_emails(group)
    pilot = PilotTerm.objects.current().filter(group=group).select_related("user").first()
    if pilot and pilot.user.is_active and pilot.user.email:
        emails.append(pilot.user.email)
    return emails


def _partner_recipients(partner: Partner) -> list[str]:
    """The partner's correspondent for the network (or its page's public address: see
    partners/reach.py), who speaks for it without an account, and its managers on the portal,
    or all its members when it has no manager (every member is then equal, as for its seats in
    the groups)."""
    memberships = partner.memberships.filter(user__is_active=True).exclude(user__email="")
    managers = memberships.filter(role=Membership.Role.MANAGER)
    chosen = managers if managers.exists() else memberships
    contact = partner_contact(partner)
    return [*([contact] if contact else []), *chosen.values_list("user__email", flat=True)]


def _tell_reporter(report: NeedReport, template: str, **context) -> None:
    """A short message to the person who reported the need, only if they left an address and
    agreed to be contacted. Plain words: no group, partner, theme or agent is named."""
    if not (report.contact_consent and report.contact_email):
        return
    _send(template, {"report": report, **context}, [report.contact_email])


def _notify_routing(report: NeedReport, *, group, theme, partner) -> None:
    context = {"report": report, "ccas_email": settings.UTOPIA_ORGANISATION.get("email", "")}
    if group is not None:
        groups = [group]
    elif theme is not None:
        groups = list(theme.working_groups.active().order_by("name"))
    else:
        groups = []
    for each in groups:
        link = absolute_url(reverse("workgroups:need_list", kwargs={"slug": each.slug}))
        _send(
            "need_report_routed_group",
            {**context, "group": each, "theme": theme, "link": link},
            _group_recipients(each),
        )
    if partner is not None:
        _send(
            "need_report_routed_partner",
            {**context, "partner": partner},
            _partner_recipients(partner),
        )
    _tell_reporter(report, "need_report_routed_reporter")


@transaction.atomic
def need_report_route(
    *,
    report: NeedReport,
    by,
    group: WorkingGroup | None = None,
    theme: Theme | None = None,
    partner: Partner | None = None,
    title: str = "",
    note: str | None = None,
) -> NeedReport:
    """Route a report to one working group (it joins the group's needs), one theme (it shows in
    the spaces of the theme's groups) or one partner, and tell them: the group's pilot and
    partners, those of each group of the theme, or the partner's managers. The reporter hears
    that it was passed on."""
    if [group, theme, partner].count(None) != 2:
        raise ValidationError(
            _("Choisissez un seul destinataire : un groupe de travail, un thème ou un partenaire."),
            code="target",
        )
    if partner is not None and not partner.is_active:
        raise ValidationError(_("Ce partenaire n'est plus actif."), code="inactive_partner")
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
    current.routed_partner = partner
    routed = _close(current, report, status=NeedReport.Status.ROUTED, by=by, note=note)
    _notify_routing(routed, group=group, theme=theme, partner=partner)
    return routed


@transaction.atomic
def need_report_close(*, report: NeedReport, answer: str, by) -> NeedReport:
    """Close a report with the CCAS's answer (routed, or answered at once). The reporter, if
    they agreed to be contacted, receives the answer; then their contact details are erased:
    they were kept for this."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Écrivez la réponse du CCAS avant de clore.")})
    current = NeedReport.objects.select_for_update().get(pk=report.pk)
    if current.status == NeedReport.Status.CLOSED:
        raise ValidationError(_("Ce signalement est déjà clos."), code="closed")
    if current.status == NeedReport.Status.DISMISSED:
        raise ValidationError(_("Ce signalement a été écarté."), code="dismissed")
    now = timezone.now()
    if current.status == NeedReport.Status.NEW:
        current.handled_by = by
        current.handled_at = now
    current.status = NeedReport.Status.CLOSED
    current.answer = answer
    current.closed_by = by
    current.closed_at = now
    # The message is built now, with the address, before the address is erased.
    _tell_reporter(current, "need_report_closed_reporter")
    if current.has_contact or current.contact_consent:
        current.contact_name = current.contact_email = current.contact_phone = ""
        current.contact_consent = False
        current.contact_erased_at = now
    _save(current, by=by)
    report.refresh_from_db()
    return current


def group_need_reports_block(request, group: WorkingGroup) -> str:
    """The reports routed to the group's theme, for the group's "Besoins" page (wired by the
    shell through settings.UTOPIA_GROUP_NEEDS_SECTIONS, so that workgroups imports nothing
    from here). Never the reporter's contact details."""
    reports = list(
        NeedReport.objects.filter(
            routed_theme=group.theme_id,
            status__in=[NeedReport.Status.ROUTED, NeedReport.Status.CLOSED],
        )
        .only("description", "place", "created_at", "status", "answer", "closed_at")
        .order_by("-created_at")[:THEME_REPORTS_SHOWN]
    )
    return render_to_string(
        "utopia/_group_need_reports.html",
        {"group": group, "theme_reports": reports},
        request=request,
    )


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
