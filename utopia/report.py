"""The yearly activity report of the network, for the CCAS: what the plenaries, partners,
showcase, working groups and their coordinated projects did in a calendar year, and the needs
reported by the public and recorded by the groups. Figures come from a fixed number of
queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from partners.models import Action, BulletinPost, FieldOfAction, Partner
from plenaries.models import Attendance, Plenary
from utopia.charts import Bar, bar_chart
from utopia.models import NeedReport
from workgroups.models import CoordinatedProject, PilotTerm, WorkingGroup

FIRST_YEAR = 2009  # the charter was signed on 26 May 2009


@dataclass
class PartnerParticipation:
    name: str
    participated: int
    held: int

    @property
    def rate(self) -> int:
        return round(100 * self.participated / self.held) if self.held else 0


@dataclass
class GroupActivity:
    name: str
    theme: str
    pilots: list[str]
    needs_recorded: int
    projects: int


@dataclass
class NeedReportFigures:
    """Reports sent by the public during the year, by what has become of them."""

    received: int = 0
    routed_to_group: int = 0
    routed_to_theme: int = 0
    dismissed: int = 0
    to_triage: int = 0

    def rows(self) -> list[tuple[str, int]]:
        return [
            (_("Reçus"), self.received),
            (_("Orientés vers un groupe de travail"), self.routed_to_group),
            (_("Orientés vers un thème prioritaire"), self.routed_to_theme),
            (_("Écartés"), self.dismissed),
            (_("Encore à trier"), self.to_triage),
        ]


@dataclass
class YearlyReport:
    year: int
    plenaries: list = field(default_factory=list)
    participation: list[PartnerParticipation] = field(default_factory=list)
    actions_published: int = 0
    actions_by_field: list[tuple[str, int]] = field(default_factory=list)
    bulletin_posts: int = 0
    groups: list[GroupActivity] = field(default_factory=list)
    projects_by_status: list[tuple[str, int]] = field(default_factory=list)
    need_reports: NeedReportFigures = field(default_factory=NeedReportFigures)
    needs_recorded: int = 0
    needs_recorded_from_reports: int = 0

    @property
    def projects(self) -> int:
        return sum(count for _label, count in self.projects_by_status)

    @property
    def plenary_chart(self):
        return bar_chart(
            title=_("Partenaires présents ou représentés à chaque plénière de %(year)d")
            % {"year": self.year},
            bars=[Bar(str(plenary), plenary.participating) for plenary in self.plenaries],
            chart_id="chart-plenaries",
        )

    @property
    def fields_chart(self):
        return bar_chart(
            title=_("Actions publiées en %(year)d par domaine d'action") % {"year": self.year},
            bars=[Bar(name, count) for name, count in self.actions_by_field if count],
            chart_id="chart-fields",
        )

    @property
    def groups_chart(self):
        return bar_chart(
            title=_("Besoins relevés en %(year)d par groupe de travail") % {"year": self.year},
            bars=[Bar(group.name, group.needs_recorded) for group in self.groups],
            chart_id="chart-groups",
        )

    @property
    def projects_chart(self):
        return bar_chart(
            title=_("Projets coordonnés de %(year)d par statut") % {"year": self.year},
            bars=[Bar(label, count) for label, count in self.projects_by_status],
            chart_id="chart-projects",
        )

    @property
    def need_reports_chart(self):
        return bar_chart(
            title=_("Besoins signalés par le public en %(year)d et leur suite")
            % {"year": self.year},
            bars=[Bar(label, count) for label, count in self.need_reports.rows()],
            chart_id="chart-need-reports",
        )

    def csv_rows(self):
        """One table for a spreadsheet: section, label, value."""
        for plenary in self.plenaries:
            yield [
                _("Plénières tenues"),
                f"{plenary} ({plenary.date.isoformat()})",
                plenary.participating,
            ]
        for row in self.participation:
            yield [_("Participation aux plénières (%)"), row.name, row.rate]
        yield [_("Actions publiées"), _("Total"), self.actions_published]
        for name, count in self.actions_by_field:
            yield [_("Actions publiées par domaine"), name, count]
        yield [_("Fil du réseau"), _("Messages publiés"), self.bulletin_posts]
        yield [_("Groupes de travail actifs"), _("Total"), len(self.groups)]
        for group in self.groups:
            yield [_("Pilotes des groupes"), group.name, ", ".join(group.pilots) or "—"]
            yield [_("Besoins relevés par groupe"), group.name, group.needs_recorded]
        yield [_("Projets coordonnés"), _("Total"), self.projects]
        for label, count in self.projects_by_status:
            yield [_("Projets coordonnés par statut"), label, count]
        for label, count in self.need_reports.rows():
            yield [_("Besoins signalés par le public"), label, count]
        yield [_("Besoins relevés dans les groupes"), _("Total"), self.needs_recorded]
        yield [
            _("Besoins relevés dans les groupes"),
            _("Dont venus d'un signalement du public"),
            self.needs_recorded_from_reports,
        ]


def yearly_report(year: int) -> YearlyReport:
    start = datetime.date(year, 1, 1)
    end = datetime.date(year + 1, 1, 1)
    plenaries = list(
        Plenary.objects.held()
        .filter(date__gte=start, date__lt=end)
        .annotate(
            participating=Count(
                "attendances", filter=Q(attendances__status__in=Attendance.PARTICIPATING)
            )
        )
        .order_by("date")
    )
    held = [plenary.pk for plenary in plenaries]
    partners = (
        Partner.objects.filter(Q(is_active=True) | Q(plenary_attendances__plenary__in=held))
        .annotate(
            participated=Count(
                "plenary_attendances",
                filter=Q(
                    plenary_attendances__plenary__in=held,
                    plenary_attendances__status__in=Attendance.PARTICIPATING,
                ),
                distinct=True,
            )
        )
        .order_by("-participated", "name")
        .distinct()
    )
    published = Q(
        actions__status=Action.Status.PUBLISHED,
        actions__published_at__date__gte=start,
        actions__published_at__date__lt=end,
    )
    by_field = FieldOfAction.objects.annotate(count=Count("actions", filter=published)).order_by(
        "-count", "name"
    )
    in_year = {"created_at__date__gte": start, "created_at__date__lt": end}
    groups = _groups(start, end)
    return YearlyReport(
        year=year,
        plenaries=plenaries,
        participation=[
            PartnerParticipation(partner.name, partner.participated, len(held))
            for partner in partners
        ],
        actions_published=Action.objects.filter(
            status=Action.Status.PUBLISHED,
            published_at__date__gte=start,
            published_at__date__lt=end,
        ).count(),
        actions_by_field=[(item.name, item.count) for item in by_field],
        bulletin_posts=BulletinPost.objects.filter(**in_year).count(),
        groups=[
            GroupActivity(
                name=group.name,
                theme=group.theme.name,
                pilots=[_person(term) for term in group.year_pilots],
                needs_recorded=group.needs_recorded,
                projects=group.projects_count,
            )
            for group in groups
        ],
        # Needs and projects belong to a group that existed when they did: the year's totals
        # are those of its groups, read with them.
        projects_by_status=[
            (status.label, sum(getattr(group, f"projects_{status.value}") for group in groups))
            for status in CoordinatedProject.Status
        ],
        need_reports=_need_reports(start, end),
        needs_recorded=sum(group.needs_recorded for group in groups),
        needs_recorded_from_reports=sum(group.needs_from_reports for group in groups),
    )


def _person(term: PilotTerm) -> str:
    name = term.user.get_full_name() or term.user.email
    return f"{name} ({term.partner.name})"


def _groups(start: datetime.date, end: datetime.date) -> list[WorkingGroup]:
    """Groups that existed during the year (created before its end, not closed before its
    start), with the pilots whose term overlapped it, their needs and projects of the year
    counted: two queries."""
    pilots = (
        PilotTerm.objects.filter(started_on__lt=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .select_related("user", "partner")
        .order_by("started_on", "pk")
    )
    needs_in_year = Q(needs__created_at__date__gte=start, needs__created_at__date__lt=end)
    projects_in_year = _project_in_year("projects__", start, end)
    return list(
        WorkingGroup.objects.filter(created_at__date__lt=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gte=start))
        .select_related("theme")
        .annotate(
            needs_recorded=Count("needs", filter=needs_in_year, distinct=True),
            needs_from_reports=Count(
                "needs",
                filter=needs_in_year & Q(needs__public_report__isnull=False),
                distinct=True,
            ),
            projects_count=Count("projects", filter=projects_in_year, distinct=True),
            **{
                f"projects_{status.value}": Count(
                    "projects",
                    filter=projects_in_year & Q(projects__status=status),
                    distinct=True,
                )
                for status in CoordinatedProject.Status
            },
        )
        .prefetch_related(Prefetch("pilot_terms", queryset=pilots, to_attr="year_pilots"))
        .order_by("name")
    )


def _project_in_year(prefix: str, start: datetime.date, end: datetime.date) -> Q:
    """A project counts in a year if it was created before the year's end and was not
    already done before the year began. Its status is today's: no history is kept."""
    return Q(**{f"{prefix}created_at__date__lt": end}) & ~Q(
        **{
            f"{prefix}status": CoordinatedProject.Status.DONE,
            f"{prefix}updated_at__date__lt": start,
        }
    )


def _need_reports(start: datetime.date, end: datetime.date) -> NeedReportFigures:
    status = NeedReport.Status
    figures = NeedReport.objects.filter(
        created_at__date__gte=start, created_at__date__lt=end
    ).aggregate(
        received=Count("pk"),
        routed_to_group=Count("pk", filter=Q(status=status.ROUTED, routed_group__isnull=False)),
        routed_to_theme=Count("pk", filter=Q(status=status.ROUTED, routed_theme__isnull=False)),
        dismissed=Count("pk", filter=Q(status=status.DISMISSED)),
        to_triage=Count("pk", filter=Q(status=status.NEW)),
    )
    return NeedReportFigures(**figures)
