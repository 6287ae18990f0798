"""The collaboration map: which ties count (public data only), the drawing and its text
alternative say the same thing, and the page stays cheap and public."""

import pickle
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from partners.models import Action
from tests.crawl import sitemap_text
from tests.factories import (
    ActionFactory,
    CoordinatedProjectFactory,
    FieldOfActionFactory,
    GroupMembershipFactory,
    PartnerFactory,
    WorkingGroupFactory,
)
from utopia import collaboration
from workgroups.models import GroupMembership, WorkingGroup

pytestmark = pytest.mark.django_db

URL = "/collaborations/"
SVG = re.compile(
    r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"collab-map__svg\".*?</svg>", re.S
)
LIST_PAIR = re.compile(r'<li data-partners="([^"]+)">')


def pairs(graph) -> dict[frozenset[str], list[tuple[str, str]]]:
    """{the two partners' names: [(kind, label) of each reason]}"""
    return {
        frozenset({edge.source.name, edge.target.name}): [
            (reason.kind, reason.label) for reason in edge.reasons
        ]
        for edge in graph.edges
    }


def seat(group, partner, **kwargs):
    return GroupMembershipFactory(group=group, partner=partner, **kwargs)


@pytest.fixture
def third_partner(db):
    return PartnerFactory(name="Athenes", slug="athenes")


def test_partners_sitting_in_the_same_active_group_work_together(partner, other_partner):
    group = WorkingGroupFactory(name="Accès au logement")
    seat(group, partner)
    seat(group, other_partner, role=GroupMembership.Role.EXPERT, specialty="Droit au logement")

    graph = collaboration.compute()

    assert pairs(graph) == {
        frozenset({partner.name, other_partner.name}): [("groupe", "Accès au logement")]
    }


def test_pending_refused_or_left_seats_and_closed_groups_tie_no_one(
    partner, other_partner, third_partner
):
    group = WorkingGroupFactory()
    seat(group, partner)
    seat(group, other_partner, status=GroupMembership.Status.PENDING, joined_on=None)
    seat(group, third_partner, status=GroupMembership.Status.REFUSED, joined_on=None)
    left = PartnerFactory()
    seat(group, left, status=GroupMembership.Status.LEFT, left_on=timezone.localdate())
    closed = WorkingGroupFactory(status=WorkingGroup.Status.CLOSED, closed_on=timezone.localdate())
    seat(closed, partner)
    seat(closed, other_partner)

    assert collaboration.compute().edges == []


def test_a_published_action_ties_its_partner_and_every_co_organiser(
    partner, other_partner, third_partner
):
    ActionFactory(
        partner=partner, title="Forum de l'emploi", co_organisers=[other_partner, third_partner]
    )

    graph = collaboration.compute()

    action = [("action", "Forum de l'emploi")]
    assert pairs(graph) == {
        frozenset({partner.name, other_partner.name}): action,
        frozenset({partner.name, third_partner.name}): action,
        frozenset({other_partner.name, third_partner.name}): action,
    }


@pytest.mark.parametrize(
    "status",
    [
        Action.Status.DRAFT,
        Action.Status.SUBMITTED,
        Action.Status.CHANGES_REQUESTED,
        Action.Status.REJECTED,
    ],
)
def test_actions_not_published_tie_no_one(partner, other_partner, status):
    ActionFactory(partner=partner, co_organisers=[other_partner], status=status)

    assert collaboration.compute().edges == []


def test_a_public_coordinated_project_ties_its_lead_and_contributors(
    partner, other_partner, third_partner
):
    CoordinatedProjectFactory(
        title="Accueil de jour partagé", lead_partner=partner, contributors=[other_partner]
    )
    CoordinatedProjectFactory(
        title="Projet interne", lead_partner=partner, contributors=[third_partner], is_public=False
    )

    graph = collaboration.compute()

    assert pairs(graph) == {
        frozenset({partner.name, other_partner.name}): [("projet", "Accueil de jour partagé")]
    }


def test_inactive_partners_are_left_off_the_map(partner, other_partner, third_partner):
    gone = PartnerFactory(name="Association dissoute", is_active=False)
    group = WorkingGroupFactory()
    seat(group, partner)
    seat(group, gone)
    ActionFactory(partner=partner, co_organisers=[gone])
    # An inactive partner's actions are no longer public: they tie their co-organisers no more.
    ActionFactory(partner=gone, co_organisers=[other_partner, third_partner])
    CoordinatedProjectFactory(lead_partner=gone, contributors=[partner])

    graph = collaboration.compute()

    assert graph.edges == []
    assert graph.nodes == []


def test_every_tie_between_two_partners_counts_in_the_strength_of_their_link(
    partner, other_partner
):
    for name in ["Accès au logement", "Jeunesse et emploi"]:
        group = WorkingGroupFactory(name=name)
        seat(group, partner)
        seat(group, other_partner)
    ActionFactory(partner=other_partner, title="Forum", co_organisers=[partner])
    CoordinatedProjectFactory(title="Accueil", lead_partner=partner, contributors=[other_partner])

    (edge,) = collaboration.compute().edges

    assert [(reason.kind, reason.label) for reason in edge.reasons] == [
        ("groupe", "Accès au logement"),
        ("groupe", "Jeunesse et emploi"),
        ("action", "Forum"),
        ("projet", "Accueil"),
    ]
    assert edge.strength == 4
    assert edge.summary == "2 groupes, 1 action, 1 projet"
    assert edge.stroke_width > 1


def test_the_layout_is_the_same_at_every_request(partner, other_partner, third_partner):
    group = WorkingGroupFactory()
    for member in [
        partner,
        other_partner,
        third_partner,
        PartnerFactory(name="Mission Locale", kind="institutional"),
    ]:
        seat(group, member)

    def positions():
        return [
            (node.name, node.x, node.y, node.label_angle) for node in collaboration.compute().nodes
        ]

    first = positions()
    assert first == positions()
    assert len({(x, y) for _name, x, y, _angle in first}) == 4
    # Grouped by kind: the institution before the associations.
    assert first[0][0] == "Mission Locale"


def test_filters_keep_one_kind_of_link_or_one_field_of_action(
    client, partner, other_partner, third_partner
):
    housing = FieldOfActionFactory(name="Logement", slug="logement")
    partner.fields_of_action.set([housing])
    other_partner.fields_of_action.set([housing])
    group = WorkingGroupFactory(name="Accès au logement")
    seat(group, partner)
    seat(group, third_partner)
    ActionFactory(partner=partner, title="Forum", co_organisers=[other_partner])

    def listed(query):
        return set(LIST_PAIR.findall(client.get(URL + query).content.decode()))

    both = {"athenes emergence", "croix-rouge-francaise emergence"}
    assert listed("") == both
    assert listed("?lien=action") == {"croix-rouge-francaise emergence"}
    assert listed("?lien=groupe&lien=projet") == {"athenes emergence"}
    assert listed("?domaine=logement") == {"croix-rouge-francaise emergence"}
    # Unknown values show the whole map rather than an error.
    response = client.get(URL + "?lien=inconnu&domaine=nulle-part")
    assert response.status_code == 200
    assert set(LIST_PAIR.findall(response.content.decode())) == both


def test_page_is_public_and_its_svg_and_list_show_the_same_pairs(
    client, partner, other_partner, third_partner
):
    group = WorkingGroupFactory()
    seat(group, partner)
    seat(group, other_partner)
    CoordinatedProjectFactory(lead_partner=other_partner, contributors=[third_partner])

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    svg = ET.fromstring(SVG.search(page).group(0))
    ns = {"svg": "http://www.w3.org/2000/svg"}
    drawn = {path.get("data-partners") for path in svg.iterfind(".//svg:path", ns)}
    listed = set(LIST_PAIR.findall(page))
    assert drawn == listed == {"croix-rouge-francaise emergence", "athenes croix-rouge-francaise"}
    assert svg.get("aria-labelledby") == "carte-titre"
    assert svg.find("svg:title", ns).text
    edges = svg.find("svg:g[@role='img']", ns)
    assert edges.get("aria-labelledby") == edges.find("svg:title", ns).get("id")
    node_links = {a.get("href") for a in svg.iterfind(".//svg:a", ns)}
    assert node_links == {p.get_absolute_url() for p in [partner, other_partner, third_partner]}
    assert 'style="' not in SVG.search(page).group(0)


def test_hostile_names_are_escaped_in_the_drawing_and_the_list(client, partner):
    hostile = PartnerFactory(name='<script>alert("x")</script> & Cie', slug="hostile")
    ActionFactory(partner=partner, title="<b>Forum</b>", co_organisers=[hostile])

    page = client.get(URL).content.decode()

    assert "<script>alert" not in page
    assert "<b>Forum</b>" not in page
    ET.fromstring(SVG.search(page).group(0))  # still well-formed


def test_empty_network_says_so(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Aucune collaboration publique" in response.content.decode()


def test_map_is_linked_from_the_directory_the_site_map_and_the_sitemap(client, db):
    assert f'href="{URL}"' in client.get("/partenaires/").content.decode()
    assert f'href="{URL}"' in client.get("/plan-du-site/").content.decode()
    assert f"<loc>http://testserver{URL}</loc>" in sitemap_text(client)


@pytest.mark.parametrize("size", [1, 30])
def test_every_pair_is_listed_under_both_of_its_partners(client, size):
    group = WorkingGroupFactory()
    lead = PartnerFactory()
    seat(group, lead)
    others = [PartnerFactory() for _ in range(size)]
    for other in others:
        seat(group, other)
    ActionFactory(partner=lead, co_organisers=others)
    CoordinatedProjectFactory(lead_partner=lead, contributors=others)

    response = client.get(URL)

    partners = size + 1
    # Each pair is listed under both of its partners.
    assert len(LIST_PAIR.findall(response.content.decode())) == partners * (partners - 1)


def test_with_the_shared_cache_a_write_still_shows_at_once(
    client, settings, partner, other_partner, django_assert_num_queries
):
    settings.UTOPIA_PAGE_CACHE_SECONDS = 300
    group = WorkingGroupFactory()
    seat(group, partner)
    seat(group, other_partner)
    collaboration.collaboration_graph()
    with django_assert_num_queries(0):
        assert len(collaboration.collaboration_graph().edges) == 1

    seat(group, PartnerFactory())

    assert len(collaboration.collaboration_graph().edges) == 3


def test_a_graph_survives_the_shared_cache(partner, other_partner):
    """Redis pickles what it keeps: the graph must go through pickle whole."""
    group = WorkingGroupFactory()
    seat(group, partner)
    seat(group, other_partner)
    graph = collaboration.compute()

    copy = pickle.loads(pickle.dumps(graph))

    assert pairs(copy) == pairs(graph)
    # By name: Croix-Rouge works with Emergence, then Emergence with Croix-Rouge.
    assert [link[0].name for _node, links in copy.directory() for link in links] == [
        partner.name,
        other_partner.name,
    ]


@pytest.mark.parametrize("role", [None, "member", "other_member", "staff"])
def test_every_visitor_sees_the_same_public_map(role_client, request, role, partner, other_partner):
    group = WorkingGroupFactory()
    seat(group, partner)
    seat(group, other_partner)
    ActionFactory(partner=partner, co_organisers=[other_partner], status=Action.Status.DRAFT)
    client = role_client(request.getfixturevalue(role) if role else None)

    response = client.get(URL)

    assert response.status_code == 200
    assert set(LIST_PAIR.findall(response.content.decode())) == {"croix-rouge-francaise emergence"}
    assert "Actions co-organisées :" not in response.content.decode()
