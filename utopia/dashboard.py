"""What the CCAS has to handle this week, on the back-office's home page.

Each line exists only while its cause does (an action waiting, a semester without plenary...)
and links to where it is handled. Lines are plain queries on each app's models; the number
of queries does not depend on the size of the network.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.models import Action, Partner
from plenaries.cadence import cadence_warnings
from plenaries.models import Plenary, Registration


@dataclass(frozen=True)
class Line:
    key: str
    text: str
    url: str


def _actions_to_moderate() -> list[Line]:
    count = Action.objects.filter(status=Action.Status.SUBMITTED).count()
    if not count:
        return []
    text = ngettext(
        "%(count)d action attend la modération.",
        "%(count)d actions attendent la modération.",
        count,
    ) % {"count": count}
    url = reverse("admin:partners_action_changelist") + "?status__exact=submitted"
    return [Line("actions_to_moderate", text, url)]


def _next_plenary(today: datetime.date) -> list[Line]:
    plenary = (
        Plenary.objects.upcoming(today)
        .annotate(
            attending=Count(
                "registrations", filter=Q(registrations__answer=Registration.Answer.ATTENDING)
            ),
            excused=Count(
                "registrations", filter=Q(registrations__answer=Registration.Answer.EXCUSED)
            ),
        )
        .first()
    )
    if plenary is None:
        return []
    partners = Partner.objects.filter(is_active=True).count()
    if plenary.status == Plenary.Status.CONVENED:
        answers = _(
            "réponses : %(attending)d présent(s), %(excused)d excusé(s), "
            "%(silent)d sans réponse sur %(partners)d partenaires"
        ) % {
            "attending": plenary.attending,
            "excused": plenary.excused,
            "silent": max(partners - plenary.attending - plenary.excused, 0),
            "partners": partners,
        }
    else:
        answers = _("pas encore convoquée")
    text = _("Prochaine plénière : %(plenary)s, le %(date)s (%(answers)s).") % {
        "plenary": plenary,
        "date": date_format(plenary.date, "l j F Y"),
        "answers": answers,
    }
    return [
        Line("next_plenary", text, reverse("admin:plenaries_plenary_change", args=[plenary.pk]))
    ]


def _cadence(today: datetime.date) -> list[Line]:
    url = reverse("admin:plenaries_plenary_cadence")
    return [Line("plenary_cadence", warning, url) for warning in cadence_warnings(today=today)]


def _partner_pages_unconfirmed() -> list[Line]:
    count = Partner.objects.filter(is_active=True).confirmation_overdue().count()
    if not count:
        return []
    text = ngettext(
        "%(count)d fiche de partenaire n'a pas été confirmée depuis plus d'un an.",
        "%(count)d fiches de partenaires n'ont pas été confirmées depuis plus d'un an.",
        count,
    ) % {"count": count}
    url = reverse("admin:partners_partner_changelist") + "?confirmation=overdue"
    return [Line("partner_pages_unconfirmed", text, url)]


def lines(*, today: datetime.date | None = None) -> list[Line]:
    today = today or timezone.localdate()
    return [
        *_actions_to_moderate(),
        *_next_plenary(today),
        *_cadence(today),
        *_partner_pages_unconfirmed(),
    ]
