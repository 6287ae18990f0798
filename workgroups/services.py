"""Writes and workflows of the working groups. Views, the admin and the demo call these
functions, so each rule is written once; each refusal is a ValidationError in French and
changes nothing (every function is one transaction)."""

import datetime
import hashlib
import random
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import ical
from partners.history import authored
from partners.mail import (
    absolute_url,
    network_emails,
    partner_member_emails,
    send_templated_email,
    staff_recipients,
)
from partners.models import Membership, Partner
from partners.reach import reach
from partners.rules import has_staff_permission
from workgroups.models import (
    Ballot,
    CalendarFeed,
    Candidate,
    CoordinatedProject,
    Document,
    Election,
    ExpertiseMessage,
    ExpertiseRequest,
    GroupMembership,
    Meeting,
    Need,
    NotificationSetting,
    Participation,
    PilotTerm,
    Reply,
    Representative,
    Topic,
    WorkingGroup,
)
from workgroups.models.election import DEFAULT_TERM_YEARS, term_end
from workgroups.models.space import new_feed_token
from workgroups.rules import is_group_pilot

User = get_user_model()


def _save(instance, *, by):
    """Validate and save `instance`, with `by` as the author of its history row."""
    instance.full_clean()
    authored(instance, by=by).save()
    return instance


def _send(template: str, context: dict, to) -> None:
    to = list(to)
    transaction.on_commit(lambda: send_templated_email(template=template, context=context, to=to))


def _require_active(group: WorkingGroup) -> None:
    if not group.is_active:
        raise ValidationError(_("Ce groupe est clos : il ne change plus."), code="closed_group")


def pilot_and_staff_emails(group: WorkingGroup) -> list[str]:
    pilot = PilotTerm.objects.current().filter(group=group).select_related("user").first()
    emails = staff_recipients()
    if pilot and pilot.user.email:
        emails.append(pilot.user.email)
    return emails


# --- Groups ----------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *, theme, name: str, slug: str, mission: str, by, created_at_plenary=None, **organisation
) -> WorkingGroup:
    group = _save(
        WorkingGroup(
            theme=theme,
            name=name,
            slug=slug,
            mission=mission,
            created_at_plenary=created_at_plenary,
            **organisation,
        ),
        by=by,
    )
    group_announce(group=group)
    return group


def group_announce(*, group: WorkingGroup) -> None:
    """Tell the whole network that a group was created, once committed, so that partners may
    ask to join (the back-office's add form calls it too)."""
    _send(
        "workgroup_created",
        {"group": group, "link": absolute_url(group.get_absolute_url())},
        network_emails(),
    )


@transaction.atomic
def group_organisation_update(*, group: WorkingGroup, by) -> WorkingGroup:
    """The group writes its own organisation (the form has set the fields)."""
    _require_active(group)
    return _save(group, by=by)


@transaction.atomic
def group_close(*, group: WorkingGroup, by, on: datetime.date | None = None) -> WorkingGroup:
    _require_active(group)
    if group.elections.running().exists():
        raise ValidationError(_("Clôturez d'abord l'élection en cours."), code="running_election")
    group.status = WorkingGroup.Status.CLOSED
    group.closed_on = on or timezone.localdate()
    return _save(group, by=by)


# --- Membership ------------------------------------------------------------------------------


def role_for(partner: Partner) -> str:
    """Institutional partners sit as experts; associations (and the CCAS) as members."""
    if partner.kind == Partner.Kind.INSTITUTIONAL:
        return GroupMembership.Role.EXPERT
    return GroupMembership.Role.MEMBER


@transaction.atomic
def membership_request(
    *, group: WorkingGroup, partner: Partner, by, motivation: str = "", specialty: str = ""
) -> GroupMembership:
    """A partner asks to join; the pilot or staff decide (membership_decide)."""
    _require_active(group)
    # Staff seat any partner (membership_add), as the back-office adds seats.
    if (
        not has_staff_permission(by, "workgroups.add_groupmembership")
        and not Membership.objects.filter(user=by, partner=partner).exists()
    ):
        raise ValidationError(
            _("Vous ne pouvez demander l'entrée que pour un partenaire dont vous êtes membre."),
            code="not_partner_member",
        )
    if not partner.is_active:
        raise ValidationError(_("Ce partenaire n'est plus actif."), code="inactive_partner")
    if GroupMembership.objects.filter(
        group=group,
        partner=partner,
        status__in=[GroupMembership.Status.PENDING, GroupMembership.Status.ACTIVE],
    ).exists():
        raise ValidationError(
            _("%(partner)s est déjà dans ce groupe ou y a une demande en attente.")
            % {"partner": partner},
            code="already",
        )
    role = role_for(partner)
    if role == GroupMembership.Role.EXPERT and not specialty.strip():
        raise ValidationError(
            {
                "specialty": _(
                    "Un partenaire institutionnel siège comme expert : indiquez sa spécialité."
                )
            }
        )
    seat = _save(
        GroupMembership(
            group=group,
            partner=partner,
            role=role,
            specialty=specialty.strip() if role == GroupMembership.Role.EXPERT else "",
            motivation=motivation,
            requested_by=by,
        ),
        by=by,
    )
    link = absolute_url(reverse("workgroups:members", kwargs={"slug": group.slug}))
    _send(
        "workgroup_join_request",
        {"group": group, "partner": partner, "seat": seat, "link": link},
        pilot_and_staff_emails(group),
    )
    return seat


@transaction.atomic
def membership_decide(*, seat: GroupMembership, accept: bool, by) -> GroupMembership:
    seat = (
        GroupMembership.objects.select_for_update()
        .select_related("group", "partner")
        .get(pk=seat.pk)
    )
    if seat.status != GroupMembership.Status.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="decided")
    _require_active(seat.group)
    seat.decided_by = by
    seat.decided_at = timezone.now()
    if accept:
        seat.status = GroupMembership.Status.ACTIVE
        seat.joined_on = timezone.localdate()
    else:
        seat.status = GroupMembership.Status.REFUSED
    _save(seat, by=by)
    recipients = []
    if accept and seat.requested_by_id:
        # Whoever asked sits for the partner until it names other representatives.
        membership = Membership.objects.filter(
            user_id=seat.requested_by_id, partner=seat.partner
        ).first()
        if membership:
            _save(Representative(seat=seat, membership=membership), by=by)
    if seat.requested_by and seat.requested_by.email:
        recipients.append(seat.requested_by.email)
    link = absolute_url(seat.group.get_absolute_url())
    _send("workgroup_join_decision", {"group": seat.group, "seat": seat, "link": link}, recipients)
    return seat


@transaction.atomic
def membership_add(
    *, group: WorkingGroup, partner: Partner, by, specialty: str = "", on=None
) -> GroupMembership:
    """Staff seat a partner directly (a decision taken in plenary, for instance)."""
    seat = membership_request(group=group, partner=partner, by=by, specialty=specialty)
    seat = membership_decide(seat=seat, accept=True, by=by)
    if on is not None:
        seat.joined_on = on
        _save(seat, by=by)
    return seat


@transaction.atomic
def membership_leave(
    *, seat: GroupMembership, by, on: datetime.date | None = None, reason: str = ""
) -> GroupMembership:
    """Record that a partner left the group; its representatives lose the group space. If the
    pilot sat for that partner, the pilot's term ends the same day."""
    seat = GroupMembership.objects.select_for_update().get(pk=seat.pk)
    if seat.status != GroupMembership.Status.ACTIVE:
        raise ValidationError(_("Ce partenaire n'est pas dans le groupe."), code="not_active")
    on = on or timezone.localdate()
    if on < seat.joined_on:
        raise ValidationError(
            {"left_on": _("La date de départ ne peut pas précéder la date d'entrée.")}
        )
    seat.status = GroupMembership.Status.LEFT
    seat.left_on = on
    seat.leave_reason = reason
    _save(seat, by=by)
    for term in PilotTerm.objects.select_for_update().filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=on),
        group=seat.group_id,
        partner=seat.partner_id,
    ):
        term.ended_on = max(on, term.started_on)
        _save(term, by=by)
    return seat


@transaction.atomic
def representative_add(*, seat: GroupMembership, membership: Membership, by) -> Representative:
    if seat.status != GroupMembership.Status.ACTIVE:
        raise ValidationError(_("Ce partenaire n'est pas dans le groupe."), code="not_active")
    if membership.partner_id != seat.partner_id:
        raise ValidationError(
            _("Un représentant est choisi parmi les membres du partenaire qu'il représente."),
            code="wrong_partner",
        )
    if Representative.objects.filter(seat=seat, membership=membership).exists():
        raise ValidationError(_("Cette personne représente déjà ce partenaire."), code="already")
    return _save(Representative(seat=seat, membership=membership), by=by)


@transaction.atomic
def representative_remove(*, representative: Representative, by) -> None:
    authored(representative, by=by).delete()


def representative_seat(*, group: WorkingGroup, user, partner: Partner, role=None):
    """The partner's current seat in the group if `user` represents it, else None."""
    seats = GroupMembership.objects.active().filter(
        group=group, partner=partner, representatives__membership__user=user
    )
    if role == GroupMembership.Role.MEMBER:
        seats = seats.voting()
    elif role:
        seats = seats.filter(role=role)
    return seats.first()


# --- Pilots and elections ----------------------------------------------------------------------


def _start_pilot_term(
    *, group, user, partner, started_on, term_years: int, by, **fields
) -> PilotTerm:
    """The new pilot from `started_on` for `term_years` years: the mandate running then (or
    due to run later) ends that day, re-elected or not."""
    running = PilotTerm.objects.select_for_update().filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=started_on), group=group
    )
    for term in running:
        term.ended_on = max(started_on, term.started_on)
        _save(term, by=by)
    return _save(
        PilotTerm(
            group=group,
            user=user,
            partner=partner,
            started_on=started_on,
            ended_on=term_end(started_on, term_years),
            recorded_by=by,
            **fields,
        ),
        by=by,
    )


@transaction.atomic
def pilot_designate(
    *,
    group: WorkingGroup,
    user,
    partner: Partner,
    started_on,
    minutes_reference: str,
    by,
    term_years: int = DEFAULT_TERM_YEARS,
) -> PilotTerm:
    """Record a pilot that the group designated at a meeting, with the minutes' reference: the
    group organises itself, so its pilot records it (their successor, or themselves again),
    as staff may."""
    if not (has_staff_permission(by, "workgroups.add_pilotterm") or is_group_pilot(by, group)):
        raise ValidationError(
            _(
                "Seuls le pilote du groupe et le CCAS (un agent qui a le droit d'enregistrer "
                "les mandats de pilote) enregistrent un pilote désigné en réunion."
            ),
            code="forbidden",
        )
    _require_active(group)
    if not minutes_reference.strip():
        raise ValidationError(
            {"minutes_reference": _("Indiquez la référence du compte rendu de la réunion.")}
        )
    if not representative_seat(
        group=group, user=user, partner=partner, role=GroupMembership.Role.MEMBER
    ):
        raise ValidationError(
            _("Le pilote est choisi parmi les représentants des partenaires membres du groupe."),
            code="not_representative",
        )
    return _start_pilot_term(
        group=group,
        user=user,
        partner=partner,
        started_on=started_on,
        term_years=term_years,
        by=by,
        source=PilotTerm.Source.MEETING,
        minutes_reference=minutes_reference.strip(),
    )


@transaction.atomic
def election_open(
    *,
    group: WorkingGroup,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    term_starts_on: datetime.date,
    tie_rule: str,
    by,
    term_years: int = DEFAULT_TERM_YEARS,
) -> Election:
    _require_active(group)
    if group.elections.running().exists():
        raise ValidationError(_("Une élection est déjà en cours dans ce groupe."), code="running")
    if closes_at <= opens_at:
        raise ValidationError({"closes_at": _("Le vote doit fermer après son ouverture.")})
    if closes_at <= timezone.now():
        raise ValidationError({"closes_at": _("La fermeture du vote doit être à venir.")})
    if term_starts_on < timezone.localtime(opens_at).date():
        raise ValidationError(
            {"term_starts_on": _("La prise de fonctions ne peut précéder l'ouverture du vote.")}
        )
    seed = secrets.token_hex(16)
    election = _save(
        Election(
            group=group,
            opens_at=opens_at,
            closes_at=closes_at,
            term_starts_on=term_starts_on,
            tie_rule=tie_rule,
            term_years=term_years,
            tie_seed=seed,
            tie_seed_digest=hashlib.sha256(seed.encode()).hexdigest(),
            opened_by=by,
        ),
        by=by,
    )
    link = absolute_url(
        reverse("workgroups:election_detail", kwargs={"slug": group.slug, "pk": election.pk})
    )
    context = {
        "group": group,
        "election": election,
        "link": link,
        "opens_at": timezone.localtime(opens_at).strftime("%d/%m/%Y %H:%M"),
        "closes_at": timezone.localtime(closes_at).strftime("%d/%m/%Y %H:%M"),
    }
    _send("workgroup_election_opened", context, group_emails(group))
    return election


def _lock_running(election: Election) -> Election:
    election = Election.objects.select_for_update().select_related("group").get(pk=election.pk)
    if election.is_closed:
        raise ValidationError(
            _("Cette élection est close : elle ne peut plus changer."), code="closed"
        )
    return election


@transaction.atomic
def candidacy_submit(*, election: Election, by, partner: Partner, statement: str = "") -> Candidate:
    """`by` stands as a candidate, for one of the partners they represent."""
    election = _lock_running(election)
    if not representative_seat(
        group=election.group, user=by, partner=partner, role=GroupMembership.Role.MEMBER
    ):
        raise ValidationError(
            _(
                "Seuls les représentants des partenaires membres du groupe peuvent être candidats "
                "(les experts ne votent pas et ne sont pas candidats)."
            ),
            code="not_representative",
        )
    if election.ballots.exists():
        raise ValidationError(
            _("Le vote a commencé : les candidatures sont closes."), code="voting_started"
        )
    if election.candidates.filter(user=by).exists():
        raise ValidationError(_("Vous êtes déjà candidat(e)."), code="already")
    return _save(Candidate(election=election, user=by, partner=partner, statement=statement), by=by)


def electorate(election: Election):
    """The partners that vote: the group's members (not its experts), today."""
    return Partner.objects.filter(
        pk__in=GroupMembership.objects.active()
        .voting()
        .filter(group=election.group_id)
        .values("partner_id")
    ).order_by("name")


@transaction.atomic
def ballot_cast(*, election: Election, partner: Partner, by, candidate: Candidate | None) -> None:
    """One secret ballot for `partner`, cast by one of its representatives. `candidate` None is
    a blank vote. Returns nothing: not even the caller keeps the link.

    What the secrecy guarantees, and what it does not. The Participation (who voted, for which
    partner) and the Ballot (what was chosen) are written in one transaction, on purpose: apart,
    a failure between the two would lose a vote or let a partner vote twice. Through the
    application nothing ties them: no foreign key, no timestamp, random primary keys, no view,
    export, admin screen or history row that shows both (tests/workgroups/test_elections.py).

    Someone who can run SQL against the database, or read its files or backups, can still tie
    them, because the storage engine keeps the order and the transaction of every write:
    on PostgreSQL both rows carry the same `xmin` (the id of the transaction that wrote them, a
    system column any account allowed to SELECT both tables can read) and sit in the same
    physical order, which `pg_dump` preserves; on SQLite both tables keep a hidden `rowid` in
    insertion order. Writing the two rows in separate transactions would not help (their ids
    and positions would still follow each other), and shuffling the ballots again when the
    election closes would only shorten the exposure: during the vote, and in old pages, WAL
    and logs afterwards, the link remains. Hiding a vote from the people who run the database
    takes a cryptographic voting scheme, which this portal does not claim to be: the secrecy is
    towards members, pilots and CCAS staff using the portal and its back office, not towards
    the database administrator (see README, Sécurité)."""
    election = _lock_running(election)
    now = timezone.now()
    if now < election.opens_at:
        raise ValidationError(_("Le vote n'est pas encore ouvert."), code="not_open")
    if now >= election.closes_at:
        raise ValidationError(_("Le vote est terminé."), code="window_over")
    if not representative_seat(
        group=election.group, user=by, partner=partner, role=GroupMembership.Role.MEMBER
    ):
        raise ValidationError(
            _(
                "Seuls les représentants d'un partenaire membre du groupe votent, au nom de ce "
                "partenaire."
            ),
            code="not_voter",
        )
    if candidate is not None and candidate.election_id != election.pk:
        raise ValidationError(_("Ce candidat ne se présente pas à cette élection."), code="wrong")
    if Participation.objects.filter(election=election, partner=partner).exists():
        raise ValidationError(
            _("%(partner)s a déjà voté : un seul bulletin par partenaire.") % {"partner": partner},
            code="already_voted",
        )
    try:
        with transaction.atomic():
            Participation.objects.create(election=election, partner=partner, cast_by=by)
    except IntegrityError:
        raise ValidationError(
            _("%(partner)s a déjà voté : un seul bulletin par partenaire.") % {"partner": partner},
            code="already_voted",
        ) from None
    Ballot.objects.create(election=election, candidate=candidate)


def _seniority(election: Election, candidate: Candidate) -> datetime.date:
    seat = (
        GroupMembership.objects.filter(group=election.group_id, partner=candidate.partner_id)
        .exclude(joined_on=None)
        .order_by("joined_on")
        .first()
    )
    return seat.joined_on if seat else datetime.date.max


def break_tie(election: Election, tied: list[Candidate]) -> Candidate:
    """The tie rule stated at the opening: the longest-standing partner, then a draw seeded with
    the seed committed at the opening (anyone can redo it once the seed is published)."""
    tied = sorted(tied, key=lambda c: c.pk)
    if election.tie_rule == Election.TieRule.SENIORITY:
        earliest = min(_seniority(election, c) for c in tied)
        tied = [c for c in tied if _seniority(election, c) == earliest]
        if len(tied) == 1:
            return tied[0]
    return random.Random(election.tie_seed).choice(tied)


@transaction.atomic
def election_close(*, election: Election, by) -> Election:
    """Count, publish the counts, apply the tie rule, make the winner pilot from the date stated
    at the opening. Possible once the window is over, or earlier when every member partner has
    voted. Afterwards the election never changes."""
    election = _lock_running(election)
    voters = electorate(election).count()
    voted = election.participations.count()
    if timezone.now() < election.closes_at and (voted == 0 or voted < voters):
        raise ValidationError(
            _(
                "Le vote est encore ouvert et tous les partenaires membres n'ont pas voté : "
                "l'élection ne peut pas encore être close."
            ),
            code="still_open",
        )
    counts = dict(
        election.ballots.values_list("candidate")
        .annotate(n=Count("pk"))
        .values_list("candidate", "n")
    )
    candidates = list(election.candidates.select_related("partner", "user"))
    for candidate in candidates:
        candidate.vote_count = counts.get(candidate.pk, 0)
        authored(candidate, by=by).save(update_fields=["vote_count"])
    election.blank_count = counts.get(None, 0)
    election.participation_count = voted
    best = max((c.vote_count for c in candidates), default=0)
    tied = [c for c in candidates if c.vote_count == best] if best > 0 else []
    election.winner = None
    if tied:
        election.tie_broken = len(tied) > 1
        election.winner = tied[0] if len(tied) == 1 else break_tie(election, tied)
    election.closed_at = timezone.now()
    election.closed_by = by
    _save(election, by=by)
    if election.winner:
        _start_pilot_term(
            group=election.group,
            user=election.winner.user,
            partner=election.winner.partner,
            # Never before the result is known, even if the election closed late.
            started_on=max(election.term_starts_on, timezone.localdate()),
            term_years=election.term_years,
            by=by,
            source=PilotTerm.Source.ELECTION,
            election=election,
        )
    link = absolute_url(
        reverse(
            "workgroups:election_detail", kwargs={"slug": election.group.slug, "pk": election.pk}
        )
    )
    _send(
        "workgroup_election_closed",
        {"group": election.group, "election": election, "candidates": candidates, "link": link},
        group_partner_emails(election.group),
    )
    return election


@transaction.atomic
def pilot_term_end_reminders(*, today: datetime.date | None = None) -> int:
    """Tell each pilot whose mandate ends within TERM_END_NOTICE_DAYS days, once per mandate,
    so that the group re-elects or designates in time (the CCAS sees the same on its
    dashboard). Run daily by `manage.py remind_pilot_terms`. Returns how many were told."""
    today = today or timezone.localdate()
    terms = list(
        PilotTerm.objects.ending_soon(today)
        .without_successor()
        .filter(end_reminder_sent_on__isnull=True, group__status=WorkingGroup.Status.ACTIVE)
        .select_related("group", "user")
        .select_for_update(of=("self",))
    )
    for term in terms:
        term.end_reminder_sent_on = today
        term.save(update_fields=["end_reminder_sent_on"])
        if not term.user.email:
            continue
        link = absolute_url(reverse("workgroups:election_list", kwargs={"slug": term.group.slug}))
        _send(
            "workgroup_pilot_term_ending",
            {"group": term.group, "term": term, "link": link},
            [term.user.email],
        )
    return len(terms)


# --- Group space: meetings, documents, discussions ----------------------------------------------


def group_users(group: WorkingGroup):
    """Active users of the partners sitting in the group."""
    return User.objects.filter(
        is_active=True,
        memberships__partner__group_memberships__group=group,
        memberships__partner__group_memberships__status=GroupMembership.Status.ACTIVE,
    ).distinct()


def group_emails(group: WorkingGroup) -> list[str]:
    return list(group_users(group).exclude(email="").values_list("email", flat=True))


def group_partner_emails(group: WorkingGroup) -> list[str]:
    """Whom a message to the group's partners goes to (its meetings, its pilot's election):
    each active partner sitting in the group, members and experts, is its correspondent and
    its active members (partners/reach.py), one address once. Messages about using the
    portal (votes, discussions) stay with the accounts: group_emails()."""
    partners = Partner.objects.active().filter(
        group_memberships__group=group, group_memberships__status=GroupMembership.Status.ACTIVE
    )
    return reach(partners.distinct().order_by("name")).addresses


# Changing one of these sends the partners an update of the same invitation.
MEETING_SCHEDULE_FIELDS = ("starts_at", "place", "video_url")


def meeting_recipients(group: WorkingGroup) -> list[str]:
    """Who receives a group's meeting invitations: the partners sitting in the group (members
    and experts), their correspondents and active members: group_partner_emails(). Like a
    plenary's convocation, an invitation is the group's official mail: there is no opting out
    of it, only of the discussions' emails."""
    return group_partner_emails(group)


def meeting_event(meeting: Meeting, *, url: str = ""):
    """The meeting as a calendar event, for the invitations and the group's private feed."""
    group = meeting.group
    location = ", ".join(part for part in (meeting.place, meeting.video_url) if part)
    return ical.event(
        uid=ical.uid("meeting", meeting.pk),
        sequence=meeting.sequence,
        summary=_("Réunion du groupe « %(group)s »") % {"group": group.name},
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        location=location,
        description=meeting.agenda,
        url=url,
        created=meeting.created_at,
        organizer=(
            settings.UTOPIA_ORGANISATION.get("name", "CCAS"),
            settings.UTOPIA_ORGANISATION.get("email", ""),
        ),
        cancelled=meeting.is_cancelled,
    )


def _send_meeting(meeting: Meeting, *, kind: str, previous: dict | None = None) -> None:
    """Email the group's partners the invitation (kind "invitation" or "update", METHOD:REQUEST)
    or the cancellation (METHOD:CANCEL), each with an .ics naming that recipient alone."""
    addresses = meeting_recipients(meeting.group)
    method = "CANCEL" if kind == "cancellation" else "REQUEST"
    link = absolute_url(meeting.get_absolute_url())
    # Built now, inside the transaction, from the meeting as it is saved.
    calendars = ical.invitations(
        meeting_event(meeting, url=link), method=method, attendees=addresses
    )
    filename = "annulation.ics" if method == "CANCEL" else "invitation.ics"

    def invitation_for(address: str) -> list[dict]:
        return [
            {
                "filename": filename,
                "content": calendars[address].decode(),
                "mimetype": "text/calendar",
                "params": {"method": method},
            }
        ]

    context = {
        "group": meeting.group,
        "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at),
        "previous_starts_at": timezone.localtime(previous["starts_at"])
        if previous and "starts_at" in previous
        else None,
        "link": link,
    }
    transaction.on_commit(
        lambda: send_templated_email(
            template=f"workgroup_meeting_{kind}",
            context=context,
            to=addresses,
            attachments_for=invitation_for,
        )
    )


@transaction.atomic
def meeting_save(*, meeting: Meeting, by) -> Meeting:
    """Schedule a meeting or change it (the form has set its fields). A meeting to come is
    sent to the group's partners with its invitation; moving it (date, place or link) sends an
    update of the same invitation, a newer revision. Notes alone change nothing in calendars."""
    _require_active(meeting.group)
    before = None
    if meeting.pk is None:
        meeting.created_by = by
    else:
        before = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if before.is_cancelled:
            raise ValidationError(
                _("Cette réunion est annulée : elle ne change plus."), code="cancelled"
            )
    changed = {}
    if before is not None:
        changed = {
            name: getattr(before, name)
            for name in MEETING_SCHEDULE_FIELDS
            if getattr(before, name) != getattr(meeting, name)
        }
        if changed:
            meeting.sequence = before.sequence + 1
    _save(meeting, by=by)
    if meeting.starts_at > timezone.now():
        if before is None:
            _send_meeting(meeting, kind="invitation")
        elif changed:
            _send_meeting(meeting, kind="update", previous=changed)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by) -> Meeting:
    """Cancel a meeting to come: the partners receive the cancellation of their invitation."""
    meeting = Meeting.objects.select_for_update().select_related("group").get(pk=meeting.pk)
    _require_active(meeting.group)
    if meeting.is_cancelled:
        raise ValidationError(_("Cette réunion est déjà annulée."), code="cancelled")
    if meeting.starts_at <= timezone.now():
        raise ValidationError(
            _("Cette réunion a déjà commencé ou eu lieu : elle ne peut plus être annulée."),
            code="past",
        )
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    _save(meeting, by=by)
    _send_meeting(meeting, kind="cancellation")
    return meeting


def calendar_feed_get(*, group: WorkingGroup, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(group=group, user=user).first()


@transaction.atomic
def calendar_feed_renew(*, group: WorkingGroup, by) -> CalendarFeed:
    """Give `by` a private address for the group's meetings, or replace theirs: the old address
    stops working at once (revocation)."""
    feed = CalendarFeed.objects.select_for_update().filter(group=group, user=by).first()
    if feed is None:
        return _save(CalendarFeed(group=group, user=by), by=by)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    return _save(feed, by=by)


@transaction.atomic
def document_upload(*, group: WorkingGroup, title: str, upload, by, meeting=None) -> Document:
    """`upload` comes from DocumentFileField, which has read its real type from its content."""
    _require_active(group)
    if meeting is not None and meeting.group_id != group.pk:
        raise ValidationError({"meeting": _("Cette réunion n'est pas celle de ce groupe.")})
    document = Document(
        group=group,
        title=title,
        file=upload,
        original_name=getattr(upload, "original_name", upload.name)[:200],
        content_type=upload.detected_content_type,
        size=upload.size,
        meeting=meeting,
        uploaded_by=by,
    )
    return _save(document, by=by)


def discussion_recipients(group: WorkingGroup, *, exclude_user) -> list[str]:
    muted = NotificationSetting.objects.filter(group=group, email_on_discussion=False).values(
        "user_id"
    )
    return list(
        group_users(group)
        .exclude(pk=exclude_user.pk)
        .exclude(pk__in=muted)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _notify_discussion(*, topic: Topic, reply: Reply | None, by) -> None:
    group = topic.group
    context = {
        "group": group,
        "topic": topic,
        "reply": reply,
        "author_name": by.get_full_name() or by.email,
        "link": absolute_url(topic.get_absolute_url()),
        "settings_link": absolute_url(
            reverse("workgroups:notifications", kwargs={"slug": group.slug})
        ),
    }
    _send("workgroup_discussion", context, discussion_recipients(group, exclude_user=by))


@transaction.atomic
def topic_create(*, group: WorkingGroup, title: str, body: str, by) -> Topic:
    _require_active(group)
    topic = _save(Topic(group=group, title=title, body=body, author=by), by=by)
    _notify_discussion(topic=topic, reply=None, by=by)
    return topic


@transaction.atomic
def reply_create(*, topic: Topic, body: str, by) -> Reply:
    _require_active(topic.group)
    reply = _save(Reply(topic=topic, body=body, author=by), by=by)
    topic.last_activity_at = reply.created_at
    authored(topic, by=by).save(update_fields=["last_activity_at"])
    _notify_discussion(topic=topic, reply=reply, by=by)
    return reply


@transaction.atomic
def notifications_set(
    *, group: WorkingGroup, user, email_on_discussion: bool
) -> NotificationSetting:
    setting, _created = NotificationSetting.objects.get_or_create(group=group, user=user)
    setting.email_on_discussion = email_on_discussion
    return _save(setting, by=user)


# --- Needs, projects, expertise ---------------------------------------------------------------


@transaction.atomic
def need_save(*, need: Need, by) -> Need:
    _require_active(need.group)
    if need.pk is None:
        need.recorded_by = by
    return _save(need, by=by)


@transaction.atomic
def project_save(
    *, project: CoordinatedProject, by, contributors=None, needs=None, actions=None
) -> CoordinatedProject:
    _require_active(project.group)
    if needs is not None and any(need.group_id != project.group_id for need in needs):
        raise ValidationError({"needs": _("Un projet répond aux besoins relevés par son groupe.")})
    if project.pk is None:
        project.created_by = by
    _save(project, by=by)
    if contributors is not None:
        project.contributors.set([p for p in contributors if p.pk != project.lead_partner_id])
    if needs is not None:
        project.needs.set(needs)
    if actions is not None:
        project.actions.set(actions)
    return project


@transaction.atomic
def expertise_request_create(
    *, group: WorkingGroup, partner: Partner, subject: str, question: str, by
) -> ExpertiseRequest:
    _require_active(group)
    if partner.kind != Partner.Kind.INSTITUTIONAL:
        raise ValidationError(
            {"partner": _("L'expertise est demandée à un partenaire institutionnel.")}
        )
    expertise_request = _save(
        ExpertiseRequest(
            group=group, partner=partner, subject=subject, question=question, asked_by=by
        ),
        by=by,
    )
    link = absolute_url(expertise_request.get_absolute_url())
    _send(
        "workgroup_expertise_request",
        {"group": group, "expertise_request": expertise_request, "link": link},
        partner_member_emails(partner),
    )
    return expertise_request


@transaction.atomic
def expertise_message_post(
    *, expertise_request: ExpertiseRequest, body: str, by, from_expert: bool
) -> ExpertiseMessage:
    if expertise_request.status == ExpertiseRequest.Status.CLOSED:
        raise ValidationError(_("Cet échange est clos."), code="closed")
    message = _save(
        ExpertiseMessage(request=expertise_request, body=body, author=by, from_expert=from_expert),
        by=by,
    )
    if from_expert and expertise_request.status == ExpertiseRequest.Status.OPEN:
        expertise_request.status = ExpertiseRequest.Status.ANSWERED
        authored(expertise_request, by=by).save(update_fields=["status"])
    group = expertise_request.group
    if from_expert:
        recipients = group_emails(group)
        side_name = expertise_request.partner.name
    else:
        recipients = partner_member_emails(expertise_request.partner)
        side_name = _("Le groupe « %(group)s »") % {"group": group.name}
    recipients = [email for email in recipients if email != by.email]
    link = absolute_url(expertise_request.get_absolute_url())
    _send(
        "workgroup_expertise_message",
        {
            "expertise_request": expertise_request,
            "message": message,
            "side_name": side_name,
            "link": link,
        },
        recipients,
    )
    return message
