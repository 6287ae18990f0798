"""Writes and workflows of the plenaries app: convene, update, cancel, answer, record
attendance, publish minutes, record decisions and adopt themes. The admin, the views and the
management commands call these functions, so each rule is written once."""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from partners import ical
from partners.history import authored, change_reason
from partners.mail import absolute_url, network_emails, send_templated_email, staff_recipients
from partners.models import Partner
from partners.reach import Reach, network_reach
from partners.rules import has_portal_perm
from plenaries.cadence import cadence_warnings
from plenaries.models import (
    Attendance,
    Convocation,
    ConvocationDelivery,
    Decision,
    Plenary,
    Registration,
    Theme,
)


def _lines(text: str) -> str:
    """One name a line, whatever line endings the browser sent."""
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


# Changing one of these after convening sends an update to every convened person.
SCHEDULE_FIELDS = ("date", "start_time", "end_time", "place", "address")


def convocation_coverage() -> Reach:
    """Who a convocation goes to: every partner to reach (the active ones but the CCAS), by
    email to its correspondent and members, or by letter when it has no address."""
    return network_reach()


# --- The partners' answer link ---------------------------------------------------------------

ANSWER_SALT = "utopia.plenaries.answer"


def answer_token(plenary: Plenary, partner: Partner) -> str:
    """A signed token that lets whoever holds the partner's convocation answer for it without
    an account. It stands for this convocation only: convening again after a cancellation
    makes the earlier links void."""
    convened = plenary.convened_at.isoformat() if plenary.convened_at else ""
    return signing.dumps(
        {"plenary": plenary.pk, "partner": partner.pk, "convened": convened}, salt=ANSWER_SALT
    )


def answer_link(plenary: Plenary, partner: Partner) -> str:
    token = answer_token(plenary, partner)
    return absolute_url(
        reverse(
            "plenaries:answer_link",
            kwargs={"year": plenary.year, "semester": plenary.semester, "token": token},
        )
    )


def partner_from_answer_token(
    token: str, *, plenary: Plenary, today: datetime.date | None = None
) -> Partner:
    """The partner an answer link stands for, while the plenary awaits answers; a
    ValidationError in French, saying what to do, otherwise: altered, for another
    convocation (replaced since), or expired."""
    try:
        payload = signing.loads(token, salt=ANSWER_SALT)
    except signing.BadSignature:
        raise ValidationError(
            _(
                "Ce lien de réponse n'est pas valide : il a peut-être été coupé ou modifié. "
                "Copiez-le en entier depuis le courriel de convocation, ou répondez au CCAS."
            ),
            code="invalid",
        ) from None
    partner = Partner.objects.filter(pk=payload.get("partner"), is_active=True).first()
    if payload.get("plenary") != plenary.pk or partner is None:
        raise ValidationError(
            _("Ce lien de réponse n'est pas valide. Répondez directement au CCAS."),
            code="invalid",
        )
    convened = plenary.convened_at.isoformat() if plenary.convened_at else ""
    if plenary.status == Plenary.Status.CANCELLED or payload.get("convened") != convened:
        raise ValidationError(
            _(
                "Ce lien vient d'une convocation qui ne vaut plus (la plénière a été annulée "
                "ou convoquée à nouveau). Utilisez le lien du dernier courriel reçu, ou "
                "répondez au CCAS."
            ),
            code="superseded",
        )
    if plenary.status != Plenary.Status.CONVENED or not plenary.registration_open(today):
        raise ValidationError(
            _(
                "La date limite de réponse (%(date)s) est passée : ce lien n'est plus valable. "
                "Si votre réponse change encore, prévenez directement le CCAS."
            )
            % {"date": plenary.registration_closes_on.strftime("%d/%m/%Y")},
            code="expired",
        )
    return partner


def plenary_event(plenary: Plenary, *, url: str = "", cancelled: bool = False):
    """The plenary as a calendar event, for the public feed and the convocations."""
    agenda = "\n".join(f"- {item.title}" for item in plenary.agenda_items.all())
    return ical.event(
        uid=ical.uid("plenary", plenary.uid),
        sequence=plenary.sequence,
        summary=f"UTOPIA — {plenary}",
        starts_at=plenary.starts_at,
        ends_at=plenary.ends_at,
        location=", ".join(part for part in (plenary.place, plenary.address) if part),
        description=_("Ordre du jour :\n%(agenda)s") % {"agenda": agenda} if agenda else "",
        url=url,
        organizer=(
            settings.UTOPIA_ORGANISATION.get("name", "CCAS"),
            settings.UTOPIA_ORGANISATION.get("email", ""),
        ),
        cancelled=cancelled or plenary.status == Plenary.Status.CANCELLED,
    )


def _send(*, plenary: Plenary, kind: str, by, previous: dict | None = None) -> Convocation:
    """Email the convocation (or its update, or its cancellation) with its .ics, after commit,
    one message per address carrying one answer link per partner it is sent for; record the
    sending and, per partner, how it was reached (the partners without any address are listed
    to be written to by post)."""
    coverage = convocation_coverage()
    messages = coverage.messages()
    method = "CANCEL" if kind == Convocation.Kind.CANCELLATION else "REQUEST"
    detail_url = absolute_url(plenary.get_absolute_url())
    # Built now, inside the transaction, from the plenary as it is saved.
    calendars = ical.invitations(
        plenary_event(plenary, url=detail_url, cancelled=method == "CANCEL"),
        method=method,
        attendees=[message.address for message in messages],
    )
    filename = "annulation.ics" if method == "CANCEL" else "invitation.ics"
    context = {
        "plenary": plenary,
        "agenda": list(plenary.agenda_items.all()),
        "previous": previous or {},
        "detail_url": detail_url,
        "letter_url": absolute_url(
            reverse("plenaries:letter", kwargs={"year": plenary.year, "semester": plenary.semester})
        ),
    }
    links = {}
    if method == "REQUEST":
        links = {row.partner.pk: answer_link(plenary, row.partner) for row in coverage.by_email}

    def invitation_for(address: str) -> list[dict]:
        content = calendars[address].decode()
        return [
            {
                "filename": filename,
                "content": content,
                "mimetype": "text/calendar",
                "params": {"method": method},
            }
        ]

    template = f"plenary_{kind}"
    letters = [
        (
            message.address,
            {
                **context,
                "answers": [
                    {"partner": partner, "link": links.get(partner.pk, "")}
                    for partner in message.partners
                ],
            },
        )
        for message in messages
    ]

    def send_all():
        for address, personal in letters:
            send_templated_email(
                template=template,
                context=personal,
                to=[address],
                attachments_for=invitation_for,
            )

    transaction.on_commit(send_all)
    convocation = Convocation(
        plenary=plenary,
        kind=kind,
        sequence=plenary.sequence,
        sent_by=by,
        partner_count=len(coverage.partners),
        recipient_count=len(messages),
        letter_count=len(coverage.by_letter),
    )
    authored(convocation, by=by).save()
    ConvocationDelivery.objects.bulk_create(
        ConvocationDelivery(
            convocation=convocation,
            partner=row.partner,
            channel=row.channel,
            addresses="\n".join(row.addresses),
            recorded_at=convocation.sent_at,
        )
        for row in coverage.partners
    )
    return convocation


def _locked(plenary: Plenary) -> Plenary:
    return Plenary.objects.select_for_update().get(pk=plenary.pk)


@transaction.atomic
def plenary_save(*, plenary: Plenary, by) -> Plenary:
    """Create or edit a plenary (the form has set its fields). Once it is convened, a change
    of date, time or place is sent to everyone as an update of the same invitation."""
    plenary.full_clean()
    before = None
    if plenary.pk:
        before = Plenary.objects.select_for_update().filter(pk=plenary.pk).first()
    changed = {}
    if before is not None and before.status == Plenary.Status.CONVENED:
        changed = {
            name: getattr(before, name)
            for name in SCHEDULE_FIELDS
            if getattr(before, name) != getattr(plenary, name)
        }
    if changed:
        if plenary.date < timezone.localdate():
            raise ValidationError(
                {"date": _("Une plénière convoquée ne peut pas être déplacée dans le passé.")}
            )
        plenary.sequence = before.sequence + 1
    authored(plenary, by=by).save()
    if changed:
        _send(plenary=plenary, kind=Convocation.Kind.UPDATE, by=by, previous=changed)
    return plenary


def plenary_update(*, plenary: Plenary, by) -> Plenary:
    """The name the workflow is known by: saving a convened plenary sends its update."""
    return plenary_save(plenary=plenary, by=by)


@transaction.atomic
def plenary_convene(*, plenary: Plenary, by, today: datetime.date | None = None) -> Convocation:
    """Send the convocation to the members of every active partner."""
    today = today or timezone.localdate()
    plenary = _locked(plenary)
    if plenary.status == Plenary.Status.CONVENED:
        raise ValidationError(_("Cette plénière est déjà convoquée."), code="convened")
    if plenary.status == Plenary.Status.HELD:
        raise ValidationError(_("Cette plénière a déjà eu lieu."), code="held")
    if plenary.date < today:
        raise ValidationError(
            _("La date de cette plénière est passée : on ne convoque plus."), code="past"
        )
    if not plenary.agenda_items.exists():
        raise ValidationError(
            _("Ajoutez l'ordre du jour avant de convoquer la plénière."), code="no_agenda"
        )
    if plenary.status == Plenary.Status.CANCELLED or plenary.convened_at is not None:
        # Convening again after a cancellation: the same event comes back, a newer revision.
        plenary.sequence += 1
    plenary.status = Plenary.Status.CONVENED
    plenary.convened_at = timezone.now()
    plenary.convened_by = by
    if plenary.registration_deadline is None:
        plenary.registration_deadline = max(today, plenary.date - datetime.timedelta(days=7))
    plenary.full_clean()
    authored(plenary, by=by).save()
    return _send(plenary=plenary, kind=Convocation.Kind.INVITATION, by=by)


@transaction.atomic
def plenary_cancel(*, plenary: Plenary, by) -> Plenary:
    """Cancel a plenary not yet held; if it was convened, everyone receives the cancellation."""
    plenary = _locked(plenary)
    if plenary.status == Plenary.Status.HELD:
        raise ValidationError(_("Une plénière tenue ne peut pas être annulée."), code="held")
    if plenary.status == Plenary.Status.CANCELLED:
        raise ValidationError(_("Cette plénière est déjà annulée."), code="cancelled")
    was_convened = plenary.status == Plenary.Status.CONVENED
    plenary.status = Plenary.Status.CANCELLED
    if was_convened:
        plenary.sequence += 1
    authored(plenary, by=by).save()
    if was_convened:
        _send(plenary=plenary, kind=Convocation.Kind.CANCELLATION, by=by)
    return plenary


@transaction.atomic
def plenary_mark_held(*, plenary: Plenary, by, today: datetime.date | None = None) -> Plenary:
    today = today or timezone.localdate()
    plenary = _locked(plenary)
    if plenary.status == Plenary.Status.HELD:
        return plenary
    if plenary.status == Plenary.Status.CANCELLED:
        raise ValidationError(_("Cette plénière a été annulée."), code="cancelled")
    if plenary.date > today:
        raise ValidationError(
            _("Cette plénière n'a pas encore eu lieu (elle est prévue le %(date)s).")
            % {"date": plenary.date.strftime("%d/%m/%Y")},
            code="future",
        )
    plenary.status = Plenary.Status.HELD
    authored(plenary, by=by).save(update_fields=["status", "updated_at"])
    return plenary


# --- Registration ------------------------------------------------------------------------


@transaction.atomic
def registration_answer(
    *,
    plenary: Plenary,
    partner: Partner,
    by,
    answer: str,
    attendee_count: int = 0,
    attendee_names: str = "",
    comment: str = "",
    today: datetime.date | None = None,
) -> Registration:
    """A member answers the convocation for their partner, until the deadline; a later answer
    replaces the earlier one."""
    if not has_portal_perm(by, "plenaries.answer_for_partner", partner):
        raise ValidationError(
            _("Vous ne pouvez répondre que pour un partenaire dont vous êtes membre."),
            code="not_member",
        )
    if not partner.is_active:
        raise ValidationError(_("Ce partenaire n'est plus actif dans le réseau."), code="inactive")
    if plenary.status != Plenary.Status.CONVENED:
        raise ValidationError(
            _("Cette plénière n'attend pas de réponse (elle n'est pas convoquée)."),
            code="not_convened",
        )
    if not plenary.registration_open(today):
        raise ValidationError(
            _("La date limite de réponse (%(date)s) est passée. Contactez le CCAS.")
            % {"date": plenary.registration_closes_on.strftime("%d/%m/%Y")},
            code="deadline",
        )
    return _registration_save(
        plenary=plenary,
        partner=partner,
        by=by,
        answer=answer,
        attendee_count=attendee_count,
        attendee_names=attendee_names,
        comment=comment,
    )


def _registration_save(
    *, plenary, partner, by, answer, attendee_count, attendee_names, comment
) -> Registration:
    if answer == Registration.Answer.EXCUSED:
        attendee_count, attendee_names = 0, ""
    registration = (
        Registration.objects.select_for_update().filter(plenary=plenary, partner=partner).first()
    ) or Registration(plenary=plenary, partner=partner)
    registration.answer = answer
    registration.attendee_count = attendee_count
    registration.attendee_names = _lines(attendee_names)
    registration.comment = comment.strip()
    registration.answered_by = by
    registration.answered_at = timezone.now()
    registration.full_clean()
    authored(registration, by=by).save()
    return registration


ANSWER_LINK_REASON = "lien de réponse à la convocation"


@transaction.atomic
def registration_answer_by_link(
    *,
    plenary: Plenary,
    token: str,
    answer: str,
    attendee_count: int = 0,
    attendee_names: str = "",
    comment: str = "",
    today: datetime.date | None = None,
) -> Registration:
    """The partner's answer given through the link of its convocation, without an account:
    nobody is its author, and its history row names the link as the change's reason. A later
    answer through the same link (or a member's) replaces the earlier one."""
    plenary = Plenary.objects.select_for_update().get(pk=plenary.pk)
    partner = partner_from_answer_token(token, plenary=plenary, today=today)
    with change_reason(ANSWER_LINK_REASON):
        return _registration_save(
            plenary=plenary,
            partner=partner,
            by=None,
            answer=answer,
            attendee_count=attendee_count,
            attendee_names=attendee_names,
            comment=comment,
        )


# --- Attendance --------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    plenary: Plenary,
    partner: Partner,
    status: str,
    persons_present: str = "",
    by,
    today: datetime.date | None = None,
) -> Attendance:
    """Staff record whether a partner took part; recording attendance marks the plenary held."""
    plenary = plenary_mark_held(plenary=plenary, by=by, today=today)
    attendance = (
        Attendance.objects.select_for_update().filter(plenary=plenary, partner=partner).first()
    ) or Attendance(plenary=plenary, partner=partner)
    attendance.status = status
    attendance.persons_present = _lines(persons_present)
    attendance.recorded_by = by
    attendance.recorded_at = timezone.now()
    attendance.full_clean()
    authored(attendance, by=by).save()
    return attendance


@transaction.atomic
def attendance_sheet_record(
    *, plenary: Plenary, rows, by, today: datetime.date | None = None
) -> int:
    """The attendance sheet of a plenary, saved whole or not at all: a refusal on one row
    leaves every row as it was. `rows` are dicts with a partner, a status (rows without one
    are skipped) and the persons present; returns how many were recorded."""
    recorded = 0
    for row in rows:
        if not row.get("status"):
            continue
        attendance_record(
            plenary=plenary,
            partner=row["partner"],
            status=row["status"],
            persons_present=row.get("persons_present", ""),
            by=by,
            today=today,
        )
        recorded += 1
    return recorded


def participation_rates(partner_ids) -> dict[int, dict]:
    """For each partner: plenaries recorded, attended (present or represented), and the rate
    in percent (None when nothing is recorded yet)."""
    rows = (
        Attendance.objects.filter(partner_id__in=partner_ids, plenary__status=Plenary.Status.HELD)
        .values("partner_id")
        .annotate(
            recorded=Count("pk"),
            attended=Count("pk", filter=Q(status__in=Attendance.PARTICIPATING)),
        )
    )
    rates = {pk: {"recorded": 0, "attended": 0, "rate": None} for pk in partner_ids}
    for row in rows:
        rates[row["partner_id"]] = {
            "recorded": row["recorded"],
            "attended": row["attended"],
            "rate": round(100 * row["attended"] / row["recorded"]) if row["recorded"] else None,
        }
    return rates


# --- Minutes, decisions and themes -------------------------------------------------------


def _announce(template: str, context: dict, path: str) -> None:
    """Tell the whole network of a decision, once it is committed (it also appears in the next
    monthly digest, under "Décisions du réseau")."""
    context = {**context, "link": absolute_url(path)}
    transaction.on_commit(
        lambda: send_templated_email(template=template, context=context, to=network_emails())
    )


@transaction.atomic
def minutes_publish(
    *, plenary: Plenary, by, visibility: str | None = None, today: datetime.date | None = None
) -> Plenary:
    plenary = _locked(plenary)
    if plenary.status != Plenary.Status.HELD:
        raise ValidationError(
            _("Le compte rendu ne peut être publié qu'une fois la plénière tenue."),
            code="not_held",
        )
    if not plenary.minutes.strip() and not plenary.minutes_pdf:
        raise ValidationError(
            _("Rédigez le compte rendu (ou joignez-le en PDF) avant de le publier."),
            code="empty",
        )
    if visibility:
        plenary.minutes_visibility = visibility
    plenary.minutes_published_on = today or timezone.localdate()
    plenary.full_clean()
    authored(plenary, by=by).save()
    _announce("plenary_minutes_published", {"plenary": plenary}, plenary.get_absolute_url())
    return plenary


@transaction.atomic
def minutes_unpublish(*, plenary: Plenary, by) -> Plenary:
    plenary = _locked(plenary)
    plenary.minutes_published_on = None
    authored(plenary, by=by).save(update_fields=["minutes_published_on", "updated_at"])
    return plenary


def _require_held(plenary: Plenary) -> None:
    if plenary.status != Plenary.Status.HELD:
        raise ValidationError(
            _("Les décisions se rattachent à une plénière tenue."), code="not_held"
        )


@transaction.atomic
def decision_record(
    *, plenary: Plenary, title: str, description: str = "", by, order: int | None = None
) -> Decision:
    _require_held(plenary)
    if order is None:
        order = plenary.decisions.count() + 1
    decision = Decision(plenary=plenary, title=title, description=description, order=order)
    decision.full_clean()
    authored(decision, by=by).save()
    return decision


@transaction.atomic
def theme_adopt(
    *, decision: Decision, name: str, description: str = "", by, slug: str = ""
) -> Theme:
    """The decision adopts a priority theme, from the date of its plenary."""
    _require_held(decision.plenary)
    if Theme.objects.filter(decision=decision).exists():
        raise ValidationError(_("Cette décision adopte déjà un thème."), code="has_theme")
    theme = Theme(
        name=name.strip(),
        slug=slug or slugify(name)[:150],
        description=description,
        adopted_at=decision.plenary.date,
        plenary=decision.plenary,
        decision=decision,
    )
    theme.full_clean()
    authored(theme, by=by).save()
    _announce("theme_adopted", {"theme": theme}, theme.plenary.get_absolute_url())
    return theme


@transaction.atomic
def theme_close(*, theme: Theme, by, closed_at: datetime.date | None = None) -> Theme:
    theme.closed_at = closed_at or timezone.localdate()
    theme.full_clean()
    authored(theme, by=by).save(update_fields=["closed_at"])
    _announce(
        "theme_closed",
        {"theme": theme},
        theme.plenary.get_absolute_url() if theme.plenary else reverse("plenaries:list"),
    )
    return theme


# --- Cadence ---------------------------------------------------------------------------


def cadence_alert(*, today: datetime.date | None = None) -> list[str]:
    """Email the cadence warnings to staff; returns them (empty: nothing sent)."""
    warnings = cadence_warnings(today=today)
    if warnings:
        send_templated_email(
            template="plenary_cadence_staff",
            context={
                "warnings": warnings,
                "link": absolute_url(reverse("admin:plenaries_plenary_cadence")),
            },
            to=staff_recipients(),
        )
    return warnings
