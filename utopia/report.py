"""The yearly activity report of the network, for the CCAS: what the plenaries, partners and
showcase did in a calendar year. Figures come from a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from partners.models import Action, BulletinPost, FieldOfAction, Partner
from plenaries.models import Attendance, Plenary
from utopia.charts import Bar, bar_chart

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
class YearlyReport:
    year: int
    plenaries: list = field(default_factory=list)
    participation: list[PartnerParticipation] = field(default_factory=list)
    actions_published: int = 0
    actions_by_field: list[tuple[str, int]] = field(default_factory=list)
    bulletin_posts: int = 0

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
        bulletin_posts=BulletinPost.objects.filter(
            created_at__date__gte=start, created_at__date__lt=end
        ).count(),
    )
