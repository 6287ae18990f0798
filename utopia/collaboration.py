"""The collaboration map: which partners work together, and why.

Three things tie two partners, all of them already public elsewhere on the site:

- a seat in the same working group (active group, accepted seats only),
- an action of the showcase they run together (published actions only: the partner that runs
  it and its co-organisers),
- a coordinated project they build together (public projects only: the lead partner and its
  contributors).

Only active partners appear. The graph is read in a fixed number of queries (one per kind of
tie, one for the partners), whatever the size of the network, and laid out on the server with
a circle grouped by kind of partner: the same data always gives the same picture, and the page
needs no JavaScript.
"""

import math
from dataclasses import dataclass, field
from itertools import combinations

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners.models import Action, FieldOfAction, Partner
from utopia.cache import current_version
from workgroups.models import CoordinatedProject, GroupMembership, WorkingGroup

GROUP, ACTION, PROJECT = "groupe", "action", "projet"
LINK_KINDS = [
    (GROUP, _("Groupes de travail partagés")),
    (ACTION, _("Actions co-organisées")),
    (PROJECT, _("Projets coordonnés ensemble")),
]
ALL_KINDS = frozenset(kind for kind, _label in LINK_KINDS)

# Around the circle, the coordinator first, then institutions, then associations.
KIND_ORDER = [Partner.Kind.COORDINATOR, Partner.Kind.INSTITUTIONAL, Partner.Kind.ASSOCIATIVE]
PARTNER_KINDS = [(kind.value, kind.label) for kind in KIND_ORDER]

LABEL_LENGTH = 26
NODE_RADIUS = 6
LABEL_GAP = 12  # between a node and its name
CHARACTER_WIDTH = 6.5  # about, for the 11px sans-serif names: room to keep around the circle
MIN_RADIUS = 140
CURVE_PULL = 0.4  # 0: every line bends through the centre; 1: straight lines
SPACING = 17  # length of arc per node: enough for one line of 11px text


@dataclass(frozen=True)
class Reason:
    kind: str
    label: str
    url: str


@dataclass
class Node:
    pk: int
    name: str
    label: str
    slug: str
    url: str
    kind: str
    kind_label: str
    x: float = 0.0
    y: float = 0.0
    label_x: float = 0.0
    label_y: float = 0.0
    label_angle: float = 0.0
    label_anchor: str = "start"


@dataclass
class Edge:
    source: Node
    target: Node
    reasons: list[Reason] = field(default_factory=list)
    # Control point of the curve: pulled towards the centre, so that lines between
    # neighbours do not run over the names and the picture reads as a chord diagram.
    curve_x: float = 0.0
    curve_y: float = 0.0

    @property
    def strength(self) -> int:
        return len(self.reasons)

    @property
    def stroke_width(self) -> float:
        """Thicker for more ties, within bounds so that a big group does not blot the map."""
        return min(1.0 + 1.5 * (self.strength - 1), 8.0)

    def reasons_of(self, kind: str) -> list[Reason]:
        return [reason for reason in self.reasons if reason.kind == kind]

    @property
    def groups(self) -> list[Reason]:
        return self.reasons_of(GROUP)

    @property
    def actions(self) -> list[Reason]:
        return self.reasons_of(ACTION)

    @property
    def projects(self) -> list[Reason]:
        return self.reasons_of(PROJECT)

    @property
    def pair(self) -> str:
        """The two partners' slugs, sorted: the same pair in the picture and in the list."""
        return " ".join(sorted([self.source.slug, self.target.slug]))

    @property
    def summary(self) -> str:
        parts = []
        if count := len(self.groups):
            parts.append(ngettext("%d groupe", "%d groupes", count) % count)
        if count := len(self.actions):
            parts.append(ngettext("%d action", "%d actions", count) % count)
        if count := len(self.projects):
            parts.append(ngettext("%d projet", "%d projets", count) % count)
        return ", ".join(parts)


@dataclass
class CollaborationGraph:
    nodes: list[Node]
    edges: list[Edge]
    size: float
    centre: float
    radius: float

    def directory(self) -> list[tuple[Node, list[tuple[Node, Edge]]]]:
        """Each partner, by name, with whom it works and why: the map's text alternative.
        Built on demand rather than stored, so that the cached graph holds no cycles."""
        links: dict[int, list[tuple[Node, Edge]]] = {node.pk: [] for node in self.nodes}
        for edge in self.edges:
            links[edge.source.pk].append((edge.target, edge))
            links[edge.target.pk].append((edge.source, edge))
        return [
            (node, sorted(links[node.pk], key=lambda link: link[0].name.lower()))
            for node in sorted(self.nodes, key=lambda node: node.name.lower())
        ]


def _short(partner: dict) -> str:
    name = partner["name"]
    if partner["acronym"] and len(name) > LABEL_LENGTH:
        return partner["acronym"]
    return name if len(name) <= LABEL_LENGTH else name[: LABEL_LENGTH - 1] + "…"


def _ties(kinds: frozenset[str]) -> list[tuple[Reason, set[int]]]:
    """Each group, action or project with the set of partners it brings together."""
    ties: dict[tuple[str, int], tuple[Reason, set[int]]] = {}

    def tie(kind, pk, label, url_name, url_kwargs, *partner_ids):
        if (kind, pk) not in ties:
            ties[kind, pk] = (Reason(kind, label, reverse(url_name, kwargs=url_kwargs)), set())
        ties[kind, pk][1].update(partner_ids)

    if GROUP in kinds:
        seats = (
            GroupMembership.objects.active()
            .filter(group__status=WorkingGroup.Status.ACTIVE)
            .values_list("group_id", "group__name", "group__slug", "partner_id")
        )
        for group_id, name, slug, partner_id in seats:
            tie(GROUP, group_id, name, "workgroups:detail", {"slug": slug}, partner_id)
    if ACTION in kinds:
        # Only actions with a co-organiser tie two partners: the through table is enough.
        rows = Action.co_organisers.through.objects.filter(
            action__in=Action.objects.published()
        ).values_list(
            "action_id", "action__title", "action__slug", "action__partner_id", "partner_id"
        )
        for action_id, title, slug, runner_id, co_organiser_id in rows:
            url_kwargs = {"slug": slug}
            tie(
                ACTION,
                action_id,
                title,
                "partners:action_detail",
                url_kwargs,
                runner_id,
                co_organiser_id,
            )
    if PROJECT in kinds:
        # Likewise, a project without contributors ties no one.
        rows = CoordinatedProject.contributors.through.objects.filter(
            coordinatedproject__in=CoordinatedProject.objects.public()
        ).values_list(
            "coordinatedproject_id",
            "coordinatedproject__title",
            "coordinatedproject__group__slug",
            "coordinatedproject__lead_partner_id",
            "partner_id",
        )
        for project_id, title, group_slug, lead_id, contributor_id in rows:
            url_kwargs = {"slug": group_slug, "pk": project_id}
            tie(
                PROJECT,
                project_id,
                title,
                "workgroups:project_detail",
                url_kwargs,
                lead_id,
                contributor_id,
            )
    return [ties[key] for key in sorted(ties)]


def _layout(nodes: list[Node]) -> tuple[float, float, float]:
    """Place the nodes on a circle, grouped by kind (a free slot between kinds), names
    radiating outwards and readable on both sides. Returns (size, centre, radius)."""
    slots: list[Node | None] = []
    for kind in KIND_ORDER:
        of_kind = [node for node in nodes if node.kind == kind]
        if of_kind and slots:
            slots.append(None)
        slots.extend(of_kind)
    count = max(len(slots), 1)
    radius = max(MIN_RADIUS, count * SPACING / (2 * math.pi))
    longest = max((len(node.label) for node in nodes), default=0)
    centre = radius + NODE_RADIUS + LABEL_GAP + CHARACTER_WIDTH * longest + 4
    for index, node in enumerate(slots):
        if node is None:
            continue
        angle = -math.pi / 2 + 2 * math.pi * index / count
        cos, sin = math.cos(angle), math.sin(angle)
        node.x = round(centre + radius * cos, 1)
        node.y = round(centre + radius * sin, 1)
        node.label_x = round(centre + (radius + NODE_RADIUS + LABEL_GAP / 2) * cos, 1)
        node.label_y = round(centre + (radius + NODE_RADIUS + LABEL_GAP / 2) * sin, 1)
        degrees = math.degrees(angle)
        if cos >= -1e-9:
            node.label_angle, node.label_anchor = round(degrees, 1), "start"
        else:
            node.label_angle, node.label_anchor = round(degrees + 180, 1), "end"
    return round(2 * centre, 1), round(centre, 1), round(radius, 1)


def compute(
    *, kinds: frozenset[str] = ALL_KINDS, field_of_action: FieldOfAction | None = None
) -> CollaborationGraph:
    """The graph of active partners tied by the chosen kinds of links; with a field of
    action, only partners working in that field."""
    partners = Partner.objects.active()
    if field_of_action is not None:
        partners = partners.filter(fields_of_action=field_of_action)
    by_pk = {
        row["pk"]: row
        for row in partners.values("pk", "name", "acronym", "slug", "kind").order_by()
    }
    edges: dict[tuple[int, int], list[Reason]] = {}
    for reason, partner_ids in _ties(kinds):
        present = sorted(pk for pk in partner_ids if pk in by_pk)
        for pair in combinations(present, 2):
            edges.setdefault(pair, []).append(reason)

    kind_labels = dict(Partner.Kind.choices)
    nodes: dict[int, Node] = {}
    for pk in sorted({pk for pair in edges for pk in pair}):
        row = by_pk[pk]
        nodes[pk] = Node(
            pk=pk,
            name=row["name"],
            label=_short(row),
            slug=row["slug"],
            url=reverse("partners:detail", kwargs={"slug": row["slug"]}),
            kind=row["kind"],
            kind_label=str(kind_labels[row["kind"]]),
        )
    ordered = sorted(
        nodes.values(), key=lambda node: (KIND_ORDER.index(node.kind), node.name.lower())
    )
    size, centre, radius = _layout(ordered)

    kind_rank = {kind: index for index, (kind, _label) in enumerate(LINK_KINDS)}
    graph_edges = []
    for (first, second), reasons in sorted(edges.items()):
        reasons.sort(key=lambda reason: (kind_rank[reason.kind], reason.label.lower()))
        source, target = nodes[first], nodes[second]
        middle_x, middle_y = (source.x + target.x) / 2, (source.y + target.y) / 2
        graph_edges.append(
            Edge(
                source,
                target,
                reasons,
                curve_x=round(centre + CURVE_PULL * (middle_x - centre), 1),
                curve_y=round(centre + CURVE_PULL * (middle_y - centre), 1),
            )
        )
    # Thin lines first, so that the strongest ties are drawn on top.
    graph_edges.sort(key=lambda edge: (edge.strength, edge.source.pk, edge.target.pk))
    return CollaborationGraph(
        nodes=ordered, edges=graph_edges, size=size, centre=centre, radius=radius
    )


def collaboration_graph(
    *, kinds: frozenset[str] = ALL_KINDS, field_of_action: FieldOfAction | None = None
) -> CollaborationGraph:
    """compute(), kept in the shared cache under the anonymous page cache's version number:
    any write to the network's data bumps it (utopia/apps.py), so a cached graph is never
    stale. Like the page cache, it is only used when that cache is shared (Redis)."""
    seconds = settings.UTOPIA_PAGE_CACHE_SECONDS
    if not seconds:
        return compute(kinds=kinds, field_of_action=field_of_action)
    field_key = field_of_action.pk if field_of_action is not None else ""
    key = f"utopia:collaboration:{current_version()}:{','.join(sorted(kinds))}:{field_key}"
    graph = cache.get(key)
    if graph is None:
        graph = compute(kinds=kinds, field_of_action=field_of_action)
        cache.set(key, graph, seconds)
    return graph
