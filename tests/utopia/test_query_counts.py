"""How many queries each page of the portal costs: one table, as the permission matrices are.

A row per list or detail view: the page's URL (built from the world below), the role that
reads it, a function that makes `n` rows of what the page lists, and the exact number of
queries, written as a literal. Each page is read with 1 and with 30 rows: the count is the
same at both sizes (a page does not query once per row) and at most 10 (issue 7).

Logged-in readers open the page once before it is counted: the first request of a session
saves it (utopia.sessions); later ones within the refresh interval do not. Anonymous pages
are counted on their first read, the anonymous page cache being off.

Form pages appear when their form lists rows (partners, fields of action, meetings); a form
that lists nothing (a meeting's date and place) has no row.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from partners.models import Action, Membership, Partner
from plenaries.models import Plenary
from plenaries.models.plenary import Visibility
from tests.factories import (
    ActionFactory,
    ActionTransitionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    BulletinPostFactory,
    CharterFactory,
    CoordinatedProjectFactory,
    DecisionFactory,
    ElectionFactory,
    FieldOfActionFactory,
    GroupMembershipFactory,
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    NeedFactory,
    NeedReportFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    PilotTermFactory,
    PlenaryDocumentFactory,
    PlenaryFactory,
    RegistrationFactory,
    RepresentativeFactory,
    SignatureFactory,
    StaffFactory,
    ThemeFactory,
    UserFactory,
    WorkingGroupFactory,
)
from utopia import needs
from workgroups import services as workgroup_services
from workgroups.models import (
    Candidate,
    Document,
    ExpertiseMessage,
    ExpertiseRequest,
    Reply,
    Topic,
)

pytestmark = pytest.mark.django_db

LIMIT = 10
SIZES = [1, 30]


class World:
    """What every page needs before its rows: `member` represents `partner` (which they
    manage) in `group`, which they pilot; `staff` is a CCAS superuser."""

    def __init__(self):
        self.partner = PartnerFactory(name="Emergence", slug="emergence")
        self.member = MembershipFactory(
            partner=self.partner,
            user=UserFactory(email="membre@exemple.fr"),
            role=Membership.Role.MANAGER,
        ).user
        self.staff = StaffFactory(email="agent@ccas-thionville.fr")
        self.group = WorkingGroupFactory(name="Accès au logement", slug="acces-au-logement")
        self.seat = GroupMembershipFactory(group=self.group, partner=self.partner)
        RepresentativeFactory(seat=self.seat, membership=self.member.memberships.get())
        PilotTermFactory(group=self.group, user=self.member, partner=self.partner)

    def role(self, name: str):
        return {"anonymous": None, "member": self.member, "staff": self.staff}[name]

    @cached_property
    def institution(self) -> Partner:
        institution = PartnerFactory(name="Mission Locale", kind=Partner.Kind.INSTITUTIONAL)
        GroupMembershipFactory(group=self.group, partner=institution, expert=True)
        return institution

    @cached_property
    def action(self) -> Action:
        return ActionFactory(partner=self.partner, status=Action.Status.DRAFT)

    @cached_property
    def published_action(self) -> Action:
        return ActionFactory(partner=self.partner)

    @cached_property
    def plenary(self) -> Plenary:
        """Held last spring, its minutes published."""
        date = timezone.localdate() - datetime.timedelta(days=200)
        return PlenaryFactory(date=date, minuted=True)

    @cached_property
    def next_plenary(self) -> Plenary:
        """Convened in six weeks, answers open."""
        date = timezone.localdate() + datetime.timedelta(days=40)
        return PlenaryFactory(date=date, status=Plenary.Status.CONVENED)

    @cached_property
    def meeting(self):
        return MeetingFactory(group=self.group)

    @cached_property
    def topic(self) -> Topic:
        return Topic.objects.create(
            group=self.group, title="Hiver", body="Des places ?", author=self.member
        )

    @cached_property
    def election(self):
        return ElectionFactory(group=self.group)

    @cached_property
    def project(self):
        return CoordinatedProjectFactory(group=self.group, lead_partner=self.partner)

    @cached_property
    def expertise(self) -> ExpertiseRequest:
        return ExpertiseRequest.objects.create(
            group=self.group,
            partner=self.institution,
            subject="Jeunes",
            question="Que proposer ?",
            asked_by=self.member,
        )


def plenary_path(plenary: Plenary, tail: str = "") -> str:
    return f"{plenary.get_absolute_url()}{tail}"


def space(world: World, tail: str = "") -> str:
    return f"/groupes/{world.group.slug}/espace/{tail}"


# --- What each page lists, n times ----------------------------------------------------------


def partners_with_their_tags(world, n):
    field, neighbourhood = FieldOfActionFactory(), NeighbourhoodFactory()
    for _ in range(n):
        PartnerFactory(fields_of_action=[field], neighbourhood=neighbourhood)


def signatures(world, n):
    charter = CharterFactory()
    for _ in range(n):
        SignatureFactory(charter=charter)


def upcoming_actions(world, n):
    field = FieldOfActionFactory()
    for days in range(1, n + 1):
        start = timezone.now() + datetime.timedelta(days=days)
        ActionFactory(starts_at=start, fields_of_action=[field], co_organisers=[world.partner])


def the_partners_actions_and_groups(world, n):
    for _ in range(n):
        ActionFactory(partner=world.partner, fields_of_action=[FieldOfActionFactory()])
        ActionFactory(co_organisers=[world.partner])
        GroupMembershipFactory(partner=world.partner)
        SignatureFactory(partner=world.partner)
    world.partner.fields_of_action.set([FieldOfActionFactory() for _ in range(n)])


def the_actions_co_organisers_and_fields(world, n):
    action = world.published_action
    action.fields_of_action.set([FieldOfActionFactory() for _ in range(n)])
    action.co_organisers.set([PartnerFactory() for _ in range(n)])


def plenaries(world, n):
    world.next_plenary  # noqa: B018 (the list shows the next one apart)
    for _ in range(n):
        AgendaItemFactory(plenary=PlenaryFactory(minuted=True))


def the_plenarys_agenda_decisions_and_attendance(world, n):
    plenary = world.plenary
    for _ in range(n):
        AttendanceFactory(plenary=plenary)
        AgendaItemFactory(plenary=plenary)
        ThemeFactory(plenary=plenary, decision=DecisionFactory(plenary=plenary))
        PlenaryDocumentFactory(plenary=plenary)
        PlenaryDocumentFactory(plenary=plenary, visibility=Visibility.NETWORK)
    RegistrationFactory(plenary=plenary, partner=world.partner)


def groups_with_seats_and_pilots(world, n):
    for _ in range(n):
        group = WorkingGroupFactory()
        seat = GroupMembershipFactory(group=group)
        PilotTermFactory(group=group, partner=seat.partner)


def the_groups_seats_and_projects(world, n):
    for _ in range(n):
        seat = GroupMembershipFactory(group=world.group, expert=True)
        RepresentativeFactory(seat=seat)
        CoordinatedProjectFactory(
            group=world.group, lead_partner=seat.partner, contributors=[world.partner]
        )


def the_members_actions_and_groups(world, n):
    world.next_plenary  # noqa: B018 (Mon espace shows the next plenary and the answer)
    for _ in range(n):
        ActionFactory(partner=world.partner, status=Action.Status.SUBMITTED)
        group = WorkingGroupFactory()
        GroupMembershipFactory(group=group, partner=world.partner)
        ElectionFactory(group=group)


def fields_of_action_and_neighbourhoods(world, n):
    for _ in range(n):
        FieldOfActionFactory()
        NeighbourhoodFactory()


def invitations_and_accesses(world, n):
    for _ in range(n):
        InvitationFactory(partner=world.partner)
        MembershipFactory(partner=world.partner)


def partners_and_fields_to_pick(world, n):
    for _ in range(n):
        PartnerFactory()
        FieldOfActionFactory()
        MembershipFactory(user=world.member)  # the partners the member may post for


def the_actions_co_organisers(world, n):
    partners = [PartnerFactory() for _ in range(n)]
    world.action.co_organisers.set(partners)
    world.action.fields_of_action.set([FieldOfActionFactory() for _ in range(n)])


def the_actions_history(world, n):
    the_actions_co_organisers(world, n)
    for _ in range(n):
        ActionTransitionFactory(action=world.action, by=StaffFactory())


def the_partners_drafts(world, n):
    for _ in range(n):
        ActionFactory(partner=world.partner, status=Action.Status.DRAFT)
        ActionFactory(co_organisers=[world.partner], status=Action.Status.SUBMITTED)


def bulletin_posts(world, n):
    for _ in range(n):
        BulletinPostFactory(author=MembershipFactory().user)


def the_members_partners(world, n):
    for _ in range(n):
        MembershipFactory(user=world.member)


def the_members_partners_answering(world, n):
    for _ in range(n):
        RegistrationFactory(
            plenary=world.next_plenary, partner=MembershipFactory(user=world.member).partner
        )


def registrations(world, n):
    for _ in range(n):
        RegistrationFactory(plenary=world.next_plenary)


def a_year_of_network_life(world, n):
    year = world.plenary.year
    for _ in range(n):
        partner = PartnerFactory()
        AttendanceFactory(plenary=world.plenary, partner=partner)
        published = timezone.make_aware(datetime.datetime(year, 3, 3, 12))
        ActionFactory(partner=partner, published_at=published)
        BulletinPostFactory(partner=partner)
        NeedFactory(group=world.group)
        CoordinatedProjectFactory(group=world.group, lead_partner=partner)


def the_groups_recent_work(world, n):
    for _ in range(n):
        MeetingFactory(group=world.group)
        document(world)
        Topic.objects.create(group=world.group, title="Sujet", body="…", author=world.member)
        GroupMembershipFactory(group=world.group, status="pending", joined_on=None)


def the_groups_seats(world, n):
    for _ in range(n):
        RepresentativeFactory(seat=GroupMembershipFactory(group=world.group))


def the_seats_representatives(world, n):
    for _ in range(n):
        RepresentativeFactory(seat=world.seat)


def meetings(world, n):
    for days in range(n):
        MeetingFactory(group=world.group, starts_at=timezone.now() + datetime.timedelta(days=days))


def calendar_feed_url(world) -> str:
    return workgroup_services.calendar_feed_renew(
        group=world.group, by=world.member
    ).get_absolute_url()


def document(world, meeting=None):
    return Document.objects.create(
        group=world.group,
        title="Compte rendu",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="cr.pdf"),
        original_name="cr.pdf",
        content_type="application/pdf",
        size=15,
        meeting=meeting,
        uploaded_by=world.member,
    )


def documents(world, n):
    for _ in range(n):
        document(world, meeting=world.meeting)


def topics_with_replies(world, n):
    for _ in range(n):
        topic = Topic.objects.create(
            group=world.group, title="Sujet", body="…", author=UserFactory()
        )
        Reply.objects.create(topic=topic, body="Oui.", author=UserFactory())


def replies(world, n):
    for _ in range(n):
        Reply.objects.create(topic=world.topic, body="Oui.", author=UserFactory())


def elections_and_terms(world, n):
    for _ in range(n):
        ElectionFactory(
            group=world.group,
            opens_at=timezone.now() - datetime.timedelta(days=30),
            closes_at=timezone.now() - datetime.timedelta(days=20),
            closed_at=timezone.now() - datetime.timedelta(days=20),
        )
        PilotTermFactory(
            group=world.group,
            started_on=timezone.localdate() - datetime.timedelta(days=900),
            ended_on=timezone.localdate() - datetime.timedelta(days=400),
        )


def candidates(world, n):
    for _ in range(n):
        seat = GroupMembershipFactory(group=world.group)
        membership = RepresentativeFactory(seat=seat).membership
        Candidate.objects.create(
            election=world.election, user=membership.user, partner=seat.partner
        )


def needs_with_projects(world, n):
    for _ in range(n):
        need = NeedFactory(group=world.group)
        CoordinatedProjectFactory(group=world.group).needs.add(need)
        # and a report from the public routed to the group's theme, shown on the same page
        needs.need_report_route(report=NeedReportFactory(), theme=world.group.theme, by=world.staff)


def projects_with_contributors(world, n):
    for _ in range(n):
        CoordinatedProjectFactory(
            group=world.group, contributors=[PartnerFactory()], lead_partner=PartnerFactory()
        )


def the_projects_contributors_and_actions(world, n):
    for _ in range(n):
        partner = PartnerFactory()
        world.project.contributors.add(partner)
        world.project.actions.add(ActionFactory(partner=partner))


def expertise_requests(world, n):
    for _ in range(n):
        ExpertiseRequest.objects.create(
            group=world.group,
            partner=world.institution,
            subject="Jeunes",
            question="Que proposer ?",
            asked_by=UserFactory(),
        )


def expertise_messages(world, n):
    for _ in range(n):
        ExpertiseMessage.objects.create(
            request=world.expertise, body="Voici.", author=UserFactory(), from_expert=True
        )


def institutions_of_the_group(world, n):
    for _ in range(n):
        institution = PartnerFactory(kind=Partner.Kind.INSTITUTIONAL)
        GroupMembershipFactory(group=world.group, partner=institution, expert=True)


# --- The table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    url: Callable[[World], str]
    rows: Callable[[World, int], None]
    queries: int

    def __str__(self):
        return self.name


PAGES = [
    # Public pages
    Page("home", "anonymous", lambda w: "/", upcoming_actions, 8),
    Page("charter", "anonymous", lambda w: "/charte/", signatures, 2),
    Page("directory", "anonymous", lambda w: "/partenaires/", partners_with_their_tags, 5),
    Page(
        "partner page",
        "anonymous",
        lambda w: w.partner.get_absolute_url(),
        the_partners_actions_and_groups,
        6,
    ),
    Page("actions", "anonymous", lambda w: "/actions/", upcoming_actions, 4),
    Page(
        "action page",
        "anonymous",
        lambda w: w.published_action.get_absolute_url(),
        the_actions_co_organisers_and_fields,
        3,
    ),
    Page("action feed", "anonymous", lambda w: "/actions/flux/", upcoming_actions, 2),
    Page("action calendar", "anonymous", lambda w: "/actions/calendrier.ics", upcoming_actions, 2),
    Page("plenaries", "anonymous", lambda w: "/plenieres/", plenaries, 4),
    Page("plenary calendar", "anonymous", lambda w: "/plenieres/calendrier.ics", plenaries, 2),
    Page(
        "plenary page",
        "anonymous",
        lambda w: plenary_path(w.plenary),
        the_plenarys_agenda_decisions_and_attendance,
        6,
    ),
    Page("groups", "anonymous", lambda w: "/groupes/", groups_with_seats_and_pilots, 4),
    Page(
        "group page",
        "anonymous",
        lambda w: w.group.get_absolute_url(),
        the_groups_seats_and_projects,
        7,
    ),
    Page("collaborations", "anonymous", lambda w: "/collaborations/", the_groups_seats, 5),
    # Member pages
    Page("Mon espace", "member", lambda w: "/mon-espace/", the_members_actions_and_groups, 10),
    Page(
        "partner page, read by its member",
        "member",
        lambda w: w.partner.get_absolute_url(),
        the_partners_actions_and_groups,
        9,
    ),
    Page(
        "partner page form",
        "member",
        lambda w: f"/partenaires/{w.partner.slug}/modifier/",
        fields_of_action_and_neighbourhoods,
        5,
    ),
    Page(
        "invitations",
        "member",
        lambda w: f"/partenaires/{w.partner.slug}/inviter/",
        invitations_and_accesses,
        6,  # the invitations and the people who have access, with their accounts
    ),
    Page(
        "new action form",
        "member",
        lambda w: "/mon-espace/actions/nouvelle/",
        partners_and_fields_to_pick,
        6,
    ),
    Page(
        "action form",
        "member",
        lambda w: f"/mon-espace/actions/{w.action.pk}/modifier/",
        the_actions_co_organisers,
        9,
    ),
    Page(
        "action preview",
        "member",
        lambda w: w.action.get_manage_url(),
        the_actions_history,
        7,
    ),
    Page("Mes actions", "member", lambda w: "/mon-espace/actions/", the_partners_drafts, 5),
    Page("bulletin", "member", lambda w: "/reseau/", bulletin_posts, 5),
    Page("bulletin form", "member", lambda w: "/reseau/publier/", the_members_partners, 5),
    Page(
        "plenary page, read by a member",
        "member",
        lambda w: plenary_path(w.plenary),
        the_plenarys_agenda_decisions_and_attendance,
        10,
    ),
    Page(
        "plenary answer form",
        "member",
        lambda w: plenary_path(w.next_plenary, "reponse/"),
        the_members_partners_answering,
        9,
    ),
    Page(
        "group join form",
        "member",
        lambda w: f"/groupes/{WorkingGroupFactory().slug}/rejoindre/",
        the_members_partners,
        6,
    ),
    # Group space (the member pilots the group)
    Page("group space", "member", space, the_groups_recent_work, 9),
    Page("group members", "member", lambda w: space(w, "membres/"), the_groups_seats, 8),
    Page(
        "seat representatives",
        "member",
        lambda w: space(w, f"membres/{w.seat.pk}/representants/"),
        the_seats_representatives,
        8,
    ),
    Page("meetings", "member", lambda w: space(w, "reunions/"), meetings, 7),
    Page(
        "meeting page",
        "member",
        lambda w: space(w, f"reunions/{w.meeting.pk}/"),
        documents,
        7,
    ),
    Page("calendar address", "member", lambda w: space(w, "reunions/agenda/"), meetings, 6),
    Page("meetings calendar (.ics)", "anonymous", calendar_feed_url, meetings, 4),
    Page("documents", "member", lambda w: space(w, "documents/"), documents, 7),
    Page("document form", "member", lambda w: space(w, "documents/deposer/"), meetings, 6),
    Page("discussions", "member", lambda w: space(w, "discussions/"), topics_with_replies, 7),
    Page(
        "discussion page",
        "member",
        lambda w: space(w, f"discussions/{w.topic.pk}/"),
        replies,
        7,
    ),
    Page("pilot and elections", "member", lambda w: space(w, "pilote/"), elections_and_terms, 9),
    Page(
        "election page",
        "member",
        lambda w: space(w, f"pilote/elections/{w.election.pk}/"),
        candidates,
        10,
    ),
    Page("needs", "member", lambda w: space(w, "besoins/"), needs_with_projects, 9),
    Page("projects", "member", lambda w: space(w, "projets/"), projects_with_contributors, 9),
    Page(
        "project page",
        "member",
        lambda w: space(w, f"projets/{w.project.pk}/"),
        the_projects_contributors_and_actions,
        9,
    ),
    Page("project form", "member", lambda w: space(w, "projets/nouveau/"), the_groups_seats, 9),
    Page("expertise", "member", lambda w: space(w, "expertise/"), expertise_requests, 7),
    Page(
        "expertise form",
        "member",
        lambda w: space(w, "expertise/demander/"),
        institutions_of_the_group,
        6,
    ),
    Page(
        "expertise thread",
        "member",
        lambda w: w.expertise.get_absolute_url(),
        expertise_messages,
        7,
    ),
    # Staff pages of the portal
    Page(
        "plenary answers",
        "staff",
        lambda w: plenary_path(w.next_plenary, "reponses/"),
        registrations,
        5,
    ),
    Page(
        "yearly report",
        "staff",
        lambda w: f"/rapport-annuel/{w.plenary.year}/",
        a_year_of_network_life,
        10,
    ),
    Page(
        "pilot designation",
        "staff",
        lambda w: space(w, "pilote/designation/"),
        the_groups_seats,
        4,
    ),
]


def test_every_page_stays_within_the_limit():
    over = [page.name for page in PAGES if page.queries > LIMIT]
    assert not over, f"More than {LIMIT} queries: {over}"


@pytest.fixture
def world(settings):
    settings.UTOPIA_PAGE_CACHE_SECONDS = 0
    return World()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_page_queries_do_not_grow_with_its_rows(
    client, world, page, size, django_assert_num_queries
):
    page.rows(world, size)
    url = page.url(world)
    user = world.role(page.role)
    if user is not None:
        client.force_login(user)
        assert client.get(url).status_code == 200  # saves the session (utopia.sessions)
    with django_assert_num_queries(page.queries):
        response = client.get(url)
    assert response.status_code == 200
