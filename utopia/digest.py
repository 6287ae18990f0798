"""The monthly digest of the network, emailed to members who want it.

It gathers what happened since the previous digest: actions published in the showcase,
messages of the network bulletin, and what is coming (plenaries; group meetings once the
working groups offer them). Each email carries its own unsubscribe link, signed for its
recipient only, also given as a one-click List-Unsubscribe header (RFC 8058).
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.mail import absolute_url, send_templated_email
from partners.models import Action, BulletinPost
from plenaries.models import Plenary
from utopia.models import DigestIssue, EmailPreferences

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

    @property
    def items(self) -> int:
        return len(self.actions) + len(self.posts) + len(self.plenaries)


def recipients():
    """Active people attached to an active partner who have not opted out."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__partner__is_active=True)
        .exclude(email="")
        .exclude(email_preferences__receives_digest=False)
        .distinct()
        .order_by("pk")
    )


def content(*, start: datetime.datetime, end: datetime.datetime) -> DigestContent:
    today = timezone.localdate(end)
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
    )


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


@transaction.atomic
def digest_subscription_set(*, user, receives_digest: bool) -> EmailPreferences:
    preferences, _created = EmailPreferences.objects.get_or_create(user=user)
    if preferences.receives_digest != receives_digest:
        preferences.receives_digest = receives_digest
        preferences.save(update_fields=["receives_digest", "updated_at"])
    return preferences


@transaction.atomic
def digest_send(*, now: datetime.datetime | None = None) -> DigestIssue | None:
    """Send the digest for the period since the previous one (a month at first). Nothing is
    sent, and no period is recorded, when nothing happened and nothing is coming."""
    now = now or timezone.now()
    previous = DigestIssue.objects.order_by("-period_end").first()
    start = previous.period_end if previous else now - DEFAULT_PERIOD
    if start >= now:
        return None
    news = content(start=start, end=now)
    if not news.items:
        return None
    people = list(recipients())
    issue = DigestIssue(
        period_start=start, period_end=now, recipients=len(people), items=news.items
    )
    issue.full_clean()
    issue.save()
    context = {
        "news": news,
        "base_url": absolute_url(""),
        "preferences_url": absolute_url(reverse("email_preferences")),
    }
    for person in people:
        link = absolute_url(reverse("digest_unsubscribe", args=[unsubscribe_token(person)]))
        personal = {**context, "person": person, "unsubscribe_url": link}
        transaction.on_commit(
            lambda personal=personal, person=person: send_templated_email(
                template="digest",
                context=personal,
                to=[person.email],
                headers={
                    "List-Unsubscribe": f"<{personal['unsubscribe_url']}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
        )
    return issue
