"""The pages that the benchmark measures and that the load test reads, on the large network.

One table, PAGES: a row per page (label, who sees it, URL name, the object it shows). A URL name
that no longer resolves, or an object the network lacks, stops the run with BenchError: a
renamed page fails the benchmark instead of leaving its row out.

This module imports the portal's models: the benchmark and the load test import it once Django
is set up for their run (harness.use_env); tests/perf_smoke/ imports it under pytest.
"""

from functools import cached_property
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from partners.models import Action, Membership, Partner
from plenaries.models import Plenary
from tests.perf.harness import MEMBER, PUBLIC, BenchError
from tests.perf.large_network import BENCH_MEMBER_EMAIL
from workgroups.models import GroupMembership, Meeting, WorkingGroup


class Picks:
    """The objects whose pages are measured: the busiest of each kind, found once."""

    def __init__(self, member):
        self.member = member

    @cached_property
    def partner(self) -> Partner:
        return first(
            "partenaire actif du membre",
            Partner.objects.active().filter(memberships__user=self.member).order_by("pk"),
        )

    @cached_property
    def action(self) -> Action:
        return first(
            "action publiée",
            Action.objects.published().annotate(co=Count("co_organisers")).order_by("-co", "-pk"),
        )

    @cached_property
    def plenary(self) -> Plenary:
        return first("plénière", Plenary.objects.order_by("-pk"))

    @cached_property
    def group(self) -> WorkingGroup:
        return first(
            "groupe de travail",
            WorkingGroup.objects.annotate(size=Count("memberships")).order_by("-size", "pk"),
        )

    @cached_property
    def member_group(self) -> WorkingGroup:
        return first(
            "groupe du membre",
            WorkingGroup.objects.filter(
                memberships__partner__memberships__user=self.member,
                memberships__status=GroupMembership.Status.ACTIVE,
            ).order_by("pk"),
        )


def first(what: str, queryset):
    found = queryset.first()
    if found is None:
        raise BenchError(f"Aucun objet « {what} » dans la base : le grand réseau est incomplet.")
    return found


class PageSpec(NamedTuple):
    label: str
    kind: str
    url_name: str
    kwargs: object = None  # Picks -> the URL's keyword arguments
    query: str = ""


PAGES = [
    PageSpec("Accueil", PUBLIC, "home"),
    PageSpec("Charte et signataires", PUBLIC, "partners:charter"),
    PageSpec("Annuaire", PUBLIC, "partners:list"),
    PageSpec("Annuaire, recherche « logement »", PUBLIC, "partners:list", query="q=logement"),
    PageSpec(
        "Fiche d'un partenaire", PUBLIC, "partners:detail", lambda p: {"slug": p.partner.slug}
    ),
    PageSpec("Actions", PUBLIC, "partners:action_list"),
    PageSpec("Une action", PUBLIC, "partners:action_detail", lambda p: {"slug": p.action.slug}),
    PageSpec("Plénières", PUBLIC, "plenaries:list"),
    PageSpec(
        "Une plénière",
        PUBLIC,
        "plenaries:detail",
        lambda p: {"year": p.plenary.year, "semester": p.plenary.semester},
    ),
    PageSpec("Groupes de travail", PUBLIC, "workgroups:list"),
    PageSpec("Un groupe de travail", PUBLIC, "workgroups:detail", lambda p: {"slug": p.group.slug}),
    PageSpec("Flux des actions", PUBLIC, "partners:action_feed"),
    PageSpec("Agenda des actions (iCal)", PUBLIC, "partners:action_ical"),
    PageSpec("Agenda des plénières (iCal)", PUBLIC, "plenaries:calendar"),
    PageSpec("Plan du site XML", PUBLIC, "sitemap"),
    PageSpec("Mon espace", MEMBER, "member_space"),
    PageSpec(
        "Modifier la fiche du partenaire",
        MEMBER,
        "partners:update",
        lambda p: {"slug": p.partner.slug},
    ),
    PageSpec("Inviter un collègue", MEMBER, "partners:invite", lambda p: {"slug": p.partner.slug}),
    PageSpec("Proposer une action", MEMBER, "partners:action_create"),
    PageSpec(
        "Espace d'un groupe", MEMBER, "workgroups:space", lambda p: {"slug": p.member_group.slug}
    ),
]


class PagePath(NamedTuple):
    label: str
    kind: str
    path: str


def url(url_name: str, kwargs: dict | None = None) -> str:
    try:
        return reverse(url_name, kwargs=kwargs)
    except NoReverseMatch as error:
        raise BenchError(f"L'adresse « {url_name} » ne se résout plus : {error}") from error


def bench_member():
    """The account whose member pages are measured (tests/perf/large_network.py)."""
    return get_user_model().objects.get(email=BENCH_MEMBER_EMAIL)


def resolve_pages(member) -> list[PagePath]:
    picks = Picks(member)
    pages = []
    for spec in PAGES:
        path = url(spec.url_name, spec.kwargs(picks) if spec.kwargs else None)
        pages.append(
            PagePath(spec.label, spec.kind, f"{path}?{spec.query}" if spec.query else path)
        )
    return pages


def public_paths() -> list[str]:
    """What the load test's anonymous readers read: the lists, a search, the site plan and fifty
    partners' pages."""
    names = ["home", "partners:charter", "partners:list", "site_map"]
    names += ["partners:action_list", "plenaries:list", "workgroups:list"]
    paths = [url(name) for name in names]
    paths.append(url("partners:list") + "?q=logement")
    slugs = Partner.objects.active().values_list("slug", flat=True)[:50]
    paths += [url("partners:detail", {"slug": slug}) for slug in slugs]
    return paths


def dataset_counts() -> dict[str, int]:
    """What the network holds, for the benchmark's report."""
    return {
        "partenaires": Partner.objects.count(),
        "comptes": get_user_model().objects.count(),
        "rattachements": Membership.objects.count(),
        "actions": Action.objects.count(),
        "plénières": Plenary.objects.count(),
        "groupes de travail": WorkingGroup.objects.count(),
        "réunions de groupe": Meeting.objects.count(),
    }
