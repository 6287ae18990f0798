"""The large network of the benchmark and the load test, made with the test factories.

    python -m tests.perf.large_network [--partners 1000] [--actions 10000] [--groups 100]

fills the database that the environment names (DJANGO_SETTINGS_MODULE, DATABASE_URL), fresh
from `migrate` and `import_charter`: partners with their members, actions at every step of
moderation, a plenary every semester since 2009 with its agenda, decisions, themes, attendance
and answers, working groups with their seats, representatives, pilots and meetings. Every
object is built by tests/factories.py (`build()`: the declarations the tests use) and saved with
bulk_create, which is fast but skips save(); the fields that save() derives (rendered Markdown,
search text) are filled here, and tests/perf_smoke/ checks that they match what save() writes.

Seeded: the same network for the same seed and sizes. Accounts share one password, hashed once
(hashing thousands of passwords would take longer than everything else).
"""

import argparse
import datetime
import functools
import os
import random
import sys
import time
from dataclasses import dataclass, field

import django

if __name__ == "__main__":
    # Run as a script (the benchmark and the load test do): the models imported below need
    # Django set up first, with the settings and the database that the environment names.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utopia.settings")
    django.setup()

import factory.random
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from partners import search
from partners.markup import render_markdown
from partners.models import Action, FieldOfAction, Membership, Partner
from plenaries.models import Attendance, Plenary, Registration, semester_of
from plenaries.models.plenary import Visibility
from tests.factories import (
    ActionFactory,
    ActionTransitionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    DecisionFactory,
    FieldOfActionFactory,
    GroupMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    PartnerFactory,
    PilotTermFactory,
    PlenaryFactory,
    RegistrationFactory,
    RepresentativeFactory,
    StaffFactory,
    ThemeFactory,
    UserFactory,
    WorkingGroupFactory,
)
from workgroups.models import GroupMembership

BENCH_PASSWORD = "utopia-bench-2026"
# The member whose pages the benchmark measures: manager of a busy partner, the charter
# signatory Emergence when the charter is imported.
BENCH_MEMBER_EMAIL = "membre@bench.utopia.test"
BENCH_STAFF_EMAIL = "ccas@bench.utopia.test"
BENCH_PARTNER_SLUG = "emergence"
CHUNK = 1000


@dataclass(frozen=True)
class Sizes:
    partners: int = 1000  # the charter's signatories included
    actions: int = 10_000
    groups: int = 100
    # A plenary every semester from this year's first to the current one.
    first_year: int = 2009


@dataclass
class Network:
    """What each part of the network leaves for the next ones."""

    sizes: Sizes
    rng: random.Random
    password_hash: str
    now: datetime.datetime = field(default_factory=timezone.now)
    fields_of_action: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    staff: object = None
    member: object = None
    member_partner: Partner | None = None
    plenaries: list = field(default_factory=list)
    themes: list = field(default_factory=list)

    @property
    def today(self) -> datetime.date:
        return timezone.localdate(self.now)

    @property
    def active_partners(self) -> list:
        return [partner for partner in self.partners if partner.is_active]

    @property
    def password(self):
        """The one hash, for the factories' `password`: stored as it is, not hashed again."""
        return factory.Transformer.Force(self.password_hash)


def build(sizes: Sizes = Sizes(), *, seed: int = 2009, say=print) -> Network:
    """Add the network to the database, in one transaction."""
    factory.random.reseed_random(seed)
    network = Network(
        sizes=sizes,
        rng=random.Random(seed),
        # A salt from the seed, so that the one hash is the same every time too.
        password_hash=make_password(BENCH_PASSWORD, salt=f"bench{seed}salt"),
    )
    with transaction.atomic():
        for part in (add_partners, add_actions, add_plenaries, add_workgroups):
            say(part(network))
    return network


def save(objects: list) -> list:
    """bulk_create in chunks. PostgreSQL and SQLite return the primary keys, so the objects can
    be used at once in foreign keys."""
    if objects:
        type(objects[0])._default_manager.bulk_create(objects, batch_size=CHUNK)
    return objects


@functools.cache
def markdown(text: str) -> str:
    # The factories' texts come from a few variants: each is rendered once.
    return render_markdown(text)


# --- what save() derives, which bulk_create skips ----------------------------------------------


def derive_partner(partner: Partner) -> Partner:
    partner.description_html = markdown(partner.description)
    # Without its fields of action, which are set after it: refresh_search_text() adds them.
    partner.set_search_text([])
    return partner


def derive_action(action: Action) -> Action:
    action.body_html = markdown(action.body)
    action.search_text = search.normalize(
        " ".join(
            [
                action.title,
                action.summary,
                action.place_name,
                action.city,
                action.audience,
                action.partner.name,
            ]
        )
    )
    return action


def derive_plenary(plenary: Plenary) -> Plenary:
    plenary.introduction_html = markdown(plenary.introduction)
    plenary.minutes_html = markdown(plenary.minutes)
    return plenary


def derive_theme(theme):
    theme.description_html = markdown(theme.description)
    return theme


def derive_group(group):
    group.mission_html = markdown(group.mission)
    return group


# --- the parts -----------------------------------------------------------------------------------


def add_partners(network: Network) -> str:
    rng, sizes = network.rng, network.sizes
    neighbourhoods = save(NeighbourhoodFactory.build_batch(10))
    # The fields of action come with `migrate` (partners/receivers.py); made here if they ever
    # stop to.
    network.fields_of_action = list(FieldOfAction.objects.order_by("pk")) or save(
        FieldOfActionFactory.build_batch(8)
    )
    signatories = list(Partner.objects.order_by("pk"))
    added = save(
        [
            derive_partner(
                PartnerFactory.build(
                    detailed=True,
                    kind=Partner.Kind.INSTITUTIONAL
                    if rng.random() < 0.1
                    else Partner.Kind.ASSOCIATIVE,
                    neighbourhood=rng.choice(neighbourhoods),
                    is_active=rng.random() < 0.97,
                    is_trusted=rng.random() < 0.2,
                    last_confirmed_at=network.now - datetime.timedelta(days=rng.randint(0, 700)),
                )
            )
            for _ in range(max(0, sizes.partners - len(signatories)))
        ]
    )
    network.partners = signatories + added
    through = Partner.fields_of_action.through
    save(
        [
            through(partner_id=partner.pk, fieldofaction_id=field_of_action.pk)
            for partner in network.partners
            for field_of_action in rng.sample(network.fields_of_action, rng.randint(1, 3))
        ]
    )
    Partner.objects.filter(
        pk__in=[partner.pk for partner in network.partners]
    ).refresh_search_text()

    active = network.active_partners
    network.member_partner = next(
        (partner for partner in active if partner.slug == BENCH_PARTNER_SLUG), active[0]
    )
    network.staff = StaffFactory.build(
        email=BENCH_STAFF_EMAIL,
        first_name="Agent",
        last_name="du CCAS",
        password=network.password,
    )
    network.member = UserFactory.build(
        email=BENCH_MEMBER_EMAIL,
        first_name="Camille",
        last_name="Membre",
        password=network.password,
    )
    users = [network.staff, network.member]
    seats = [(network.member, network.member_partner, Membership.Role.MANAGER)]
    for partner in network.partners:
        for seat in range(rng.choice([0, 1, 1, 2, 2, 2, 3, 4])):
            user = UserFactory.build(password=network.password)
            users.append(user)
            role = Membership.Role.MANAGER if seat == 0 else Membership.Role.MEMBER
            seats.append((user, partner, role))
    save(users)
    network.memberships = save(
        [
            MembershipFactory.build(user=user, partner=partner, role=role)
            for user, partner, role in seats
        ]
    )
    return (
        f"Partenaires : {len(network.partners)} ({len(added)} ajoutés), {len(users)} comptes, "
        f"{len(network.memberships)} rattachements."
    )


def add_actions(network: Network) -> str:
    rng, now = network.rng, network.now
    Status, Kind = Action.Status, Action.Kind
    statuses = [Status.PUBLISHED] * 16 + [
        Status.SUBMITTED,
        Status.DRAFT,
        Status.CHANGES_REQUESTED,
        Status.REJECTED,
    ]
    kinds = [Kind.EVENT] * 6 + [Kind.SERVICE, Kind.PROJECT, Kind.VOLUNTEERING]
    author_of = {seat.partner_id: seat.user for seat in network.memberships}
    active = network.active_partners
    actions = []
    for index in range(network.sizes.actions):
        # The benchmark's member has a busy partner: one action in twenty is theirs.
        partner = network.member_partner if index % 20 == 0 else rng.choice(active)
        kind, status = rng.choice(kinds), rng.choice(statuses)
        starts_at = ends_at = None
        if kind == Kind.EVENT or rng.random() < 0.3:
            starts_at = (now + datetime.timedelta(days=rng.randint(-700, 365))).replace(
                hour=rng.choice([9, 10, 14, 18]), minute=0, second=0, microsecond=0
            )
            ends_at = starts_at + datetime.timedelta(hours=rng.choice([1, 2, 3, 8]))
        submitted_at = now - datetime.timedelta(days=rng.randint(1, 400))
        actions.append(
            derive_action(
                ActionFactory.build(
                    detailed=True,
                    partner=partner,
                    kind=kind,
                    status=status,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    created_by=author_of.get(partner.pk),
                    submitted_at=None if status == Status.DRAFT else submitted_at,
                    published_at=submitted_at + datetime.timedelta(days=1)
                    if status == Status.PUBLISHED
                    else None,
                )
            )
        )
    save(actions)

    fields_through, co_through = Action.fields_of_action.through, Action.co_organisers.through
    fields_rows, co_rows, steps = [], [], []
    for action in actions:
        for field_of_action in rng.sample(network.fields_of_action, rng.randint(1, 2)):
            fields_rows.append(
                fields_through(action_id=action.pk, fieldofaction_id=field_of_action.pk)
            )
        if rng.random() < 0.2:
            for partner in rng.sample(active, min(len(active), rng.randint(1, 3))):
                if partner != action.partner:
                    co_rows.append(co_through(action_id=action.pk, partner_id=partner.pk))
        if action.status != Status.DRAFT:
            steps.append(
                ActionTransitionFactory.build(
                    action=action,
                    from_status=Status.DRAFT,
                    to_status=Status.SUBMITTED,
                    by=action.created_by,
                )
            )
        if action.status in (Status.PUBLISHED, Status.CHANGES_REQUESTED, Status.REJECTED):
            steps.append(
                ActionTransitionFactory.build(
                    action=action,
                    from_status=Status.SUBMITTED,
                    to_status=action.status,
                    by=network.staff,
                    message="" if action.status == Status.PUBLISHED else "Précisez le lieu.",
                )
            )
    save(fields_rows)
    save(co_rows)
    save(steps)
    published = sum(1 for action in actions if action.status == Status.PUBLISHED)
    return f"Actions : {len(actions)} ({published} publiées), {len(steps)} étapes de modération."


def add_plenaries(network: Network) -> str:
    """A plenary every semester up to the current one: held (with attendance and decisions,
    minutes once a month and a half has passed) or, ahead, convened (with answers)."""
    rng, today = network.rng, network.today
    year, semester = network.sizes.first_year, 1
    plenaries = []
    while (year, semester) <= semester_of(today):
        month = rng.choice([3, 4, 5, 6] if semester == 1 else [9, 10, 11, 12])
        date = datetime.date(year, month, rng.randint(2, 27))
        plenaries.append(
            derive_plenary(
                PlenaryFactory.build(
                    date=date,
                    minuted=date + datetime.timedelta(days=45) < today,
                    minutes_visibility=Visibility.PUBLIC
                    if rng.random() < 0.8
                    else Visibility.NETWORK,
                    registration_deadline=date - datetime.timedelta(days=7),
                    convened_at=network.now - datetime.timedelta(days=(today - date).days + 30),
                    convened_by=network.staff,
                )
            )
        )
        year, semester = (year, 2) if semester == 1 else (year + 1, 1)
    network.plenaries = save(plenaries)
    save(
        [
            AgendaItemFactory.build(plenary=plenary, order=order)
            for plenary in plenaries
            for order in range(1, 7)
        ]
    )
    held = [plenary for plenary in plenaries if plenary.status == Plenary.Status.HELD]
    decisions = save(
        [
            DecisionFactory.build(plenary=plenary, order=order)
            for plenary in held
            for order in (1, 2)
        ]
    )
    # A theme adopted every third plenary, some closed since.
    themes = []
    for decision in [decision for decision in decisions if decision.order == 2][::3][:12]:
        adopted = decision.plenary.date
        closed = adopted + datetime.timedelta(days=rng.randint(400, 1500))
        themes.append(
            ThemeFactory.build(
                plenary=decision.plenary,
                decision=decision,
                adopted_at=adopted,
                closed_at=closed if closed < today - datetime.timedelta(days=200) else None,
            )
        )
    if not themes:  # a network too young for a held plenary still has a theme to work on
        themes.append(
            ThemeFactory.build(plenary=None, adopted_at=today - datetime.timedelta(days=400))
        )
    network.themes = save([derive_theme(theme) for theme in themes])

    active = network.active_partners
    statuses = [Attendance.Status.PRESENT] * 5 + [
        Attendance.Status.REPRESENTED,
        Attendance.Status.EXCUSED,
        Attendance.Status.EXCUSED,
        Attendance.Status.ABSENT,
        Attendance.Status.ABSENT,
    ]
    attendances = []
    for plenary in held:
        for partner in rng.sample(active, min(len(active), rng.randint(40, 120))):
            status = rng.choice(statuses)
            attendances.append(
                AttendanceFactory.build(
                    plenary=plenary,
                    partner=partner,
                    status=status,
                    recorded_by=network.staff,
                    **({} if status in Attendance.PARTICIPATING else {"persons_present": ""}),
                )
            )
    save(attendances)
    registrations = []
    for plenary in plenaries:
        if plenary.status != Plenary.Status.CONVENED:
            continue
        for partner in rng.sample(active, min(len(active), 60)):
            attending = rng.random() < 0.7
            registrations.append(
                RegistrationFactory.build(
                    plenary=plenary,
                    partner=partner,
                    answered_by=network.member,
                    **(
                        {"attendee_count": rng.randint(1, 3)}
                        if attending
                        else {
                            "answer": Registration.Answer.EXCUSED,
                            "attendee_count": 0,
                            "attendee_names": "",
                        }
                    ),
                )
            )
    save(registrations)
    return (
        f"Plénières : {len(plenaries)}, {len(attendances)} présences, {len(themes)} thèmes, "
        f"{len(registrations)} réponses."
    )


def add_workgroups(network: Network) -> str:
    rng, today = network.rng, network.today
    active = network.active_partners
    associations = [p for p in active if p.kind != Partner.Kind.INSTITUTIONAL]
    institutions = [p for p in active if p.kind == Partner.Kind.INSTITUTIONAL]
    groups = save(
        [
            derive_group(
                WorkingGroupFactory.build(
                    theme=network.themes[index % len(network.themes)],
                    organised=rng.random() < 0.66,
                    created_at_plenary=rng.choice(network.plenaries) if network.plenaries else None,
                )
            )
            for index in range(network.sizes.groups)
        ]
    )

    def joined_on() -> datetime.date:
        return today - datetime.timedelta(days=rng.randint(30, 1500))

    seats = []
    for index, group in enumerate(groups):
        members = rng.sample(associations, min(len(associations), rng.randint(4, 12)))
        # The benchmark's member sits in the first groups, so its group space can be measured.
        if index < 5 and network.member_partner not in members:
            members.append(network.member_partner)
        seats += [
            GroupMembershipFactory.build(group=group, partner=partner, joined_on=joined_on())
            for partner in members
        ]
        seats += [
            GroupMembershipFactory.build(
                expert=True, group=group, partner=partner, joined_on=joined_on()
            )
            for partner in rng.sample(institutions, min(len(institutions), rng.randint(0, 2)))
        ]
    save(seats)

    first_seat_of = {}
    for membership in network.memberships:
        first_seat_of.setdefault(membership.partner_id, membership)
    representatives, pilots = [], {}
    for seat in seats:
        membership = first_seat_of.get(seat.partner_id)
        if membership is None:
            continue
        representatives.append(RepresentativeFactory.build(seat=seat, membership=membership))
        if seat.role == GroupMembership.Role.MEMBER and seat.group_id not in pilots:
            pilots[seat.group_id] = PilotTermFactory.build(
                group=seat.group,
                user=membership.user,
                partner=seat.partner,
                started_on=seat.joined_on,
            )
    save(representatives)
    save(list(pilots.values()))
    meetings = save(
        [
            MeetingFactory.build(
                group=group,
                starts_at=network.now + datetime.timedelta(days=rng.randint(-700, 90), hours=14),
            )
            for group in groups
            for _ in range(rng.randint(3, 8))
        ]
    )
    return (
        f"Groupes de travail : {len(groups)} groupes, {len(seats)} sièges, "
        f"{len(representatives)} représentants, {len(pilots)} pilotes, {len(meetings)} réunions."
    )


def main(argv=None) -> int:
    defaults = Sizes()
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf.large_network",
        description="Remplit une base neuve (migrate puis import_charter) avec le grand réseau "
        "du banc de performance, toujours le même pour une même graine.",
    )
    parser.add_argument("--partners", type=int, default=defaults.partners)
    parser.add_argument("--actions", type=int, default=defaults.actions)
    parser.add_argument("--groups", type=int, default=defaults.groups)
    parser.add_argument(
        "--first-year",
        type=int,
        default=defaults.first_year,
        help="année de la première plénière (deux par an jusqu'au semestre en cours)",
    )
    parser.add_argument("--seed", type=int, default=2009)
    options = parser.parse_args(argv)
    if get_user_model().objects.exists():
        print(
            "Erreur : la base contient déjà des comptes. Le grand réseau se construit sur une "
            "base neuve (migrate puis import_charter).",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    sizes = Sizes(
        partners=options.partners,
        actions=options.actions,
        groups=options.groups,
        first_year=options.first_year,
    )
    build(sizes, seed=options.seed)
    print(f"Réseau rempli en {time.monotonic() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
