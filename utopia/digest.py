"""The monthly digest of the network, emailed to members who want it.

It gathers what happened since the previous digest: the network's decisions (minutes
published, priority themes adopted or retired, groups created, and the pilot elections of each
person's groups), actions published in the showcase, messages of the network bulletin, and
what is coming: plenaries for everyone, and for each
person the meetings of the working groups their partners sit in (a group's meetings are
shown to its members only, so nobody reads of a meeting they could not open). Each email carries its own unsubscribe link, signed for its
recipient only, also given as a one-click List-Unsubscribe header (RFC 8058).
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.mail import absolute_url, send_templated_email
from partners.models import Action, BulletinPost, Partner
from partners.reach import Message, network_reach
from plenaries.models import Plenary, Theme
from utopia.models import DigestDelivery, DigestIssue, EmailPreferences
from workgroups.models import Election, GroupMembership, Meeting, WorkingGroup

UNSUBSCRIBE_SALT = "utopia.digest.unsubscribe"
DEFAULT_PERIOD = datetime.timedelta(days=31)
UPCOMING_WINDOW = datetime.timedelta(days=62)


@dataclass
class DigestContent:
    period_start: datetime.datetime
    period_end: datetime.datetime
    actions: list = field(default_factory=list)
    posts: list = field(default_factory=list)
    plenaries: list = field(default_factory=list)
    # Every upcoming meeting of an active group; each person gets only their groups' ones.
    meetings: list = field(default_factory=list)
    # "Décisions du réseau", read from the models by their dates: minutes published, priority
    # themes adopted or retired, groups created, and pilot elections closed (each of these
    # for the members of its group only, like meetings).
    minutes: list = field(default_factory=list)
    themes_adopted: list = field(default_factory=list)
    themes_closed: list = field(default_factory=list)
    groups_created: list = field(default_factory=list)
    elections: list = field(default_factory=list)

    @property
    def decisions(self) -> int:
        return (
            len(self.minutes)
            + len(self.themes_adopted)
            + len(self.themes_closed)
            + len(self.groups_created)
        )

    @property
    def items(self) -> int:
        return self.shared_items + len(self.meetings) + len(self.elections)

    @property
    def shared_items(self) -> int:
        """What every recipient reads, whatever their groups."""
        return len(self.actions) + len(self.posts) + len(self.plenaries) + self.decisions

    @property
    def group_ids(self) -> set[int]:
        return {item.group_id for item in [*self.meetings, *self.elections]}

    def meetings_for(self, group_ids) -> list:
        return [meeting for meeting in self.meetings if meeting.group_id in group_ids]

    def elections_for(self, group_ids) -> list:
        return [election for election in self.elections if election.group_id in group_ids]


def _reach():
    """The partners' recipients (partners/reach.py) who have not refused the digest."""
    return network_reach(unsubscribed=Q(user__email_preferences__receives_digest=False))


def recipients(coverage=None):
    """Active people attached to a partner to reach who have not opted out."""
    coverage = coverage or _reach()
    return (
        get_user_model()
        .objects.filter(pk__in=[m.user_id for m in coverage.messages() if m.user_id])
        .order_by("pk")
    )


def correspondent_recipients(coverage=None) -> list:
    """The partners' correspondents without an account who have not refused the digest: one
    message per address (partners/reach.py Message), whatever the partners it is for."""
    coverage = coverage or _reach()
    return [message for message in coverage.messages() if message.is_correspondent]


def content(*, start: datetime.datetime, end: datetime.datetime) -> DigestContent:
    today = timezone.localdate(end)
    # Decisions dated by day: from the period's first day, up to the day before its end (the
    # next digest starts that day).
    days = (timezone.localdate(start), today)
    return DigestContent(
        period_start=start,
        period_end=end,
        actions=list(
            Action.objects.published()
            .filter(published_at__gte=start, published_at__lt=end)
            .select_related("partner")
            .order_by("published_at")
        ),
        posts=list(
            BulletinPost.objects.visible()
            .filter(created_at__gte=start, created_at__lt=end)
            .select_related("partner")
            .order_by("created_at")
        ),
        plenaries=list(
            Plenary.objects.upcoming(today).announced().filter(date__lte=today + UPCOMING_WINDOW)
        ),
        meetings=list(
            Meeting.objects.filter(
                group__status=WorkingGroup.Status.ACTIVE,
                starts_at__gte=end,
                starts_at__lt=end + UPCOMING_WINDOW,
            )
            .select_related("group")
            .order_by("starts_at", "pk")
        ),
        minutes=list(
            Plenary.objects.filter(
                minutes_published_on__gte=days[0], minutes_published_on__lt=days[1]
            ).order_by("minutes_published_on", "pk")
        ),
        themes_adopted=list(
            Theme.objects.filter(adopted_at__gte=days[0], adopted_at__lt=days[1]).order_by(
                "adopted_at", "name"
            )
        ),
        themes_closed=list(
            Theme.objects.filter(closed_at__gte=days[0], closed_at__lt=days[1]).order_by(
                "closed_at", "name"
            )
        ),
        groups_created=list(
            WorkingGroup.objects.filter(created_at__gte=start, created_at__lt=end)
            .select_related("theme")
            .order_by("created_at", "pk")
        ),
        elections=list(
            Election.objects.filter(closed_at__gte=start, closed_at__lt=end)
            .select_related("group", "winner__user", "winner__partner")
            .order_by("closed_at", "pk")
        ),
    )


def recipient_groups(*, user_ids, group_ids) -> dict[int, frozenset[int]]:
    """{user id: the groups among `group_ids` where one of the user's active partners holds
    an active seat}, in one query: the same people as workgroups.rules.is_group_member."""
    if not user_ids or not group_ids:
        return {}
    rows = (
        GroupMembership.objects.active()
        .filter(
            group_id__in=group_ids,
            partner__is_active=True,
            partner__memberships__user_id__in=user_ids,
        )
        .values_list("partner__memberships__user_id", "group_id")
        .order_by()
        .distinct()
    )
    groups: dict[int, set[int]] = {}
    for user_id, group_id in rows:
        groups.setdefault(user_id, set()).add(group_id)
    return {user_id: frozenset(ids) for user_id, ids in groups.items()}


def unsubscribe_token(user) -> str:
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_from_unsubscribe_token(token: str):
    """The person an unsubscribe link was made for; ValidationError in French otherwise.
    Links do not expire: an old digest must still let its reader unsubscribe."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationError(
            _("Ce lien de désabonnement n'est pas valide."), code="invalid"
        ) from None
    user = get_user_model().objects.filter(pk=payload.get("user"), is_active=True).first()
    if user is None:
        raise ValidationError(_("Ce lien de désabonnement n'est pas valide."), code="invalid")
    return user


CORRESPONDENT_UNSUBSCRIBE_SALT = "utopia.digest.unsubscribe.correspondent"


def correspondent_unsubscribe_token(message) -> str:
    """For a correspondent's digest (partners/reach.py Message): signed for their address and
    the partners they receive it for."""
    return signing.dumps(
        {"email": message.address, "partners": [partner.pk for partner in message.partners]},
        salt=CORRESPONDENT_UNSUBSCRIBE_SALT,
    )


def correspondent_from_unsubscribe_token(token: str) -> str:
    """The correspondent's address a link was made for; ValidationError in French otherwise."""
    try:
        payload = signing.loads(token, salt=CORRESPONDENT_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationError(
            _("Ce lien de désabonnement n'est pas valide."), code="invalid"
        ) from None
    return payload.get("email", "")


@transaction.atomic
def correspondent_digest_refuse(*, token: str) -> int:
    """The correspondent refuses the digest for every partner they still correspond for (a
    former correspondent's link changes nothing); how many."""
    email = correspondent_from_unsubscribe_token(token)
    payload = signing.loads(token, salt=CORRESPONDENT_UNSUBSCRIBE_SALT)
    partners = Partner.objects.filter(pk__in=payload.get("partners", []), correspondent_email=email)
    return partners.update(correspondent_digest_refused=email) if email else 0


@transaction.atomic
def digest_subscription_set(*, user, receives_digest: bool) -> EmailPreferences:
    preferences, _created = EmailPreferences.objects.get_or_create(user=user)
    if preferences.receives_digest != receives_digest:
        preferences.receives_digest = receives_digest
        preferences.save(update_fields=["receives_digest", "updated_at"])
    return preferences


class DigestInterrupted(Exception):
    """The mail queue refused a digest part-way: what was handed to it is recorded, and running
    `send_digest` again resumes with the others."""


def _issue_of_the_month(now: datetime.datetime) -> tuple[DigestIssue | None, DigestContent | None]:
    """This month's digest (created now if there is news, with the period since the previous
    one) and its content; (None, None) when nothing happened and nothing is coming."""
    month = timezone.localdate(now).replace(day=1)
    issue = DigestIssue.objects.filter(month=month).first()
    if issue is not None:
        return issue, content(start=issue.period_start, end=issue.period_end)
    previous = DigestIssue.objects.order_by("-period_end").first()
    start = previous.period_end if previous else now - DEFAULT_PERIOD
    if start >= now:
        return None, None
    news = content(start=start, end=now)
    if not news.items:
        return None, None
    issue = DigestIssue(month=month, period_start=start, period_end=now, items=news.items)
    issue.full_clean()
    issue.save()
    # The addresses served by earlier months are needed no more (their count stays).
    DigestDelivery.objects.exclude(issue=issue).delete()
    return issue, news


def digest_send(*, now: datetime.datetime | None = None) -> DigestIssue | None:
    """Send this month's digest, for the period since the previous one (a month at first).
    Nothing is sent, and no period is recorded, when nothing happened and nothing is coming; a
    person for whom the only news are other groups' meetings gets no email.

    Idempotent within a month: each address is recorded with the message handed to the mail
    queue, in one transaction (with the database queue of production, the record and the queued
    message are committed together), so running it again sends to nobody twice and a run
    stopped part-way (DigestInterrupted) resumes where it stopped."""
    now = now or timezone.now()
    with transaction.atomic():
        issue, news = _issue_of_the_month(now)
    if issue is None:
        return None
    coverage = _reach()
    people = list(recipients(coverage))
    correspondents = correspondent_recipients(coverage)
    groups = recipient_groups(
        user_ids=[person.pk for person in people],
        group_ids=news.group_ids,
    )
    done = set(issue.deliveries.values_list("email", flat=True))
    context = {
        "news": news,
        "base_url": absolute_url(""),
        "preferences_url": absolute_url(reverse("email_preferences")),
    }
    # A correspondent has no account: no group's meetings or elections (they open for
    # members only), and an unsubscribe link of their own, signed for their address.
    letters = [(person, person.email, groups.get(person.pk, frozenset())) for person in people]
    letters += [(message, message.address, None) for message in correspondents]
    for person, email, own_groups in letters:
        meetings = news.meetings_for(own_groups) if own_groups is not None else []
        elections = news.elections_for(own_groups) if own_groups is not None else []
        if email in done or not (news.shared_items or meetings or elections):
            continue
        token = (
            correspondent_unsubscribe_token(person)
            if isinstance(person, Message)
            else unsubscribe_token(person)
        )
        link = absolute_url(reverse("digest_unsubscribe", args=[token]))
        with transaction.atomic():
            DigestDelivery.objects.create(issue=issue, email=email)
            queued = send_templated_email(
                template="digest",
                context={
                    **context,
                    "person": person,
                    "meetings": meetings,
                    "elections": elections,
                    "unsubscribe_url": link,
                },
                to=[email],
                headers={
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
            if any(result.status == TaskResultStatus.FAILED for result in queued):
                # Sent at once (development) and refused: not recorded, tried again next run.
                raise DigestInterrupted(email)
        done.add(email)
    issue.recipients = issue.deliveries.count()
    issue.save(update_fields=["recipients"])
    return issue
