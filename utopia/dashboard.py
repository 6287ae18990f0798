"""What the CCAS has to handle this week, on the back-office's home page.

Each line exists only while its cause does (an action waiting, a semester without plenary...)
and links to where it is handled. Lines are plain queries on each app's models; the number
of queries does not depend on the size of the network.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.models import Action, Partner
from plenaries.cadence import cadence_warnings
from plenaries.models import Plenary, Registration
from utopia import health
from utopia.models import NeedReport
from utopia.redis_cache import unreachable_since
from workgroups.models import ExpertiseRequest, Meeting, PilotTerm, WorkingGroup

# Beyond this many groups in one line of work, the dashboard points to the full list.
GROUP_LINES_SHOWN = 10
MEETING_SILENCE = datetime.timedelta(days=183)


@dataclass(frozen=True)
class Line:
    key: str
    text: str
    url: str  # empty for a line that the CCAS cannot handle in the back-office


def _cache_unreachable() -> list[Line]:
    # What this process found while serving this very page (its session is read from the cache):
    # the other processes find the same, each on its own.
    since = unreachable_since()
    if since is None:
        return []
    text = _(
        "Le cache Redis ne répond pas depuis le %(since)s : le portail fonctionne sans lui, plus "
        "lentement, et ne perd rien. Faites vérifier le service Redis du serveur."
    ) % {"since": date_format(timezone.localtime(since), "j F Y à H:i")}
    return [Line("cache_unreachable", text, "")]


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
    if plenary.status == Plenary.Status.CONVENED:
        # The partners convened: every active one but the CCAS, which convenes.
        answered = Exists(Registration.objects.filter(plenary=plenary, partner=OuterRef("pk")))
        counts = Partner.objects.to_reach().aggregate(
            total=Count("pk"), silent=Count("pk", filter=~Q(answered))
        )
        total, silent = counts["total"], counts["silent"]
        answers = ", ".join(
            [
                ngettext("réponses : %(n)d présent", "réponses : %(n)d présents", plenary.attending)
                % {"n": plenary.attending},
                ngettext("%(n)d excusé", "%(n)d excusés", plenary.excused) % {"n": plenary.excused},
                ngettext(
                    "%(n)d sans réponse sur %(total)d partenaire",
                    "%(n)d sans réponse sur %(total)d partenaires",
                    total,
                )
                % {"n": silent, "total": total},
            ]
        )
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


def _group_lines(key: str, groups: list, text: str) -> list[Line]:
    result = [
        Line(
            key,
            text % {"group": group.name},
            reverse("admin:workgroups_workinggroup_change", args=[group.pk]),
        )
        for group in groups[:GROUP_LINES_SHOWN]
    ]
    if len(groups) > GROUP_LINES_SHOWN:
        more = len(groups) - GROUP_LINES_SHOWN
        result.append(
            Line(
                key,
                ngettext("… et %(count)d autre groupe.", "… et %(count)d autres groupes.", more)
                % {"count": more},
                reverse("admin:workgroups_workinggroup_changelist") + "?status__exact=active",
            )
        )
    return result


def _groups_without_pilot(today: datetime.date) -> list[Line]:
    piloted = PilotTerm.objects.current(today).values("group_id")
    groups = list(
        WorkingGroup.objects.active().exclude(pk__in=piloted).order_by("name").only("name")
    )
    return _group_lines(
        "group_without_pilot", groups, _("Le groupe « %(group)s » n'a pas de pilote.")
    )


def _pilot_terms_ending(today: datetime.date) -> list[Line]:
    terms = list(
        PilotTerm.objects.ending_soon(today)
        .without_successor()
        .filter(group__status=WorkingGroup.Status.ACTIVE)
        .select_related("group")
        .order_by("ended_on", "group__name")
    )
    return [
        Line(
            "pilot_term_ending",
            _("Le mandat du pilote du groupe « %(group)s » prend fin le %(date)s.")
            % {"group": term.group.name, "date": date_format(term.ended_on, "j F Y")},
            reverse("admin:workgroups_workinggroup_change", args=[term.group_id]),
        )
        for term in terms[:GROUP_LINES_SHOWN]
    ]


def _groups_without_meeting(now: datetime.datetime) -> list[Line]:
    recent = Meeting.objects.filter(starts_at__gte=now - MEETING_SILENCE).values("group_id")
    groups = list(
        WorkingGroup.objects.active().exclude(pk__in=recent).order_by("name").only("name")
    )
    return _group_lines(
        "group_without_meeting",
        groups,
        _(
            "Le groupe « %(group)s » ne s'est pas réuni depuis six mois et n'a pas de réunion prévue."
        ),
    )


def _open_expertise_requests() -> list[Line]:
    count = ExpertiseRequest.objects.filter(status=ExpertiseRequest.Status.OPEN).count()
    if not count:
        return []
    text = ngettext(
        "%(count)d demande d'expertise attend la réponse d'un partenaire institutionnel.",
        "%(count)d demandes d'expertise attendent la réponse d'un partenaire institutionnel.",
        count,
    ) % {"count": count}
    url = reverse("admin:workgroups_expertiserequest_changelist") + "?status__exact=open"
    return [Line("open_expertise_requests", text, url)]


def _need_reports_to_triage() -> list[Line]:
    count = NeedReport.objects.to_triage().count()
    if not count:
        return []
    text = ngettext(
        "%(count)d signalement du public à trier.",
        "%(count)d signalements du public à trier.",
        count,
    ) % {"count": count}
    url = reverse("admin:utopia_needreport_changelist") + "?status__exact=new"
    return [Line("need_reports_to_triage", text, url)]


def _health(now: datetime.datetime) -> list[Line]:
    url = reverse("staff_health")
    return [Line(problem.key, problem.text, url) for problem in health.problems(now)]


def lines(*, today: datetime.date | None = None) -> list[Line]:
    now = timezone.now()
    today = today or timezone.localdate()
    return [
        *_cache_unreachable(),
        *_health(now),
        *_actions_to_moderate(),
        *_need_reports_to_triage(),
        *_next_plenary(today),
        *_cadence(today),
        *_groups_without_pilot(today),
        *_pilot_terms_ending(today),
        *_groups_without_meeting(now),
        *_open_expertise_requests(),
        *_partner_pages_unconfirmed(),
    ]
