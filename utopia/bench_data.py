"""A realistic large UTOPIA network, made fast and the same every time, for the benchmark and
the load test (`manage.py fill_large_network`).

One function per app fills that app's part with bulk_create, from a seeded random generator.
An app whose models have not been written yet is skipped with a message, so the command runs at
every stage of the project. Accounts use the reserved `.test` domain and share one password,
hashed once (hashing thousands of passwords would take longer than everything else).
"""

import datetime
import random
from dataclasses import dataclass, field
from functools import cache

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from partners import search
from partners.markup import render_markdown
from partners.models import FieldOfAction, Membership, Neighbourhood, Partner

BENCH_DOMAIN = "bench.utopia.test"
BENCH_PASSWORD = "utopia-bench-2026"
# The member whose pages the benchmark measures: manager of a busy partner.
BENCH_MEMBER_EMAIL = f"membre@{BENCH_DOMAIN}"
BENCH_STAFF_EMAIL = f"ccas@{BENCH_DOMAIN}"
# The partner that account manages: a charter signatory when the charter is imported.
BENCH_PARTNER_SLUG = "emergence"

NEIGHBOURHOODS = [
    "Centre-ville",
    "Côte des Roses",
    "Saint-Pierre",
    "La Milliaire",
    "Guentrange",
    "Veymerange",
    "Elange",
    "Beauregard",
    "Saint-François",
    "Hors Thionville",
]
PREFIXES = [
    "Association",
    "Collectif",
    "Amicale",
    "Maison",
    "Comité",
    "Union",
    "Foyer",
    "Centre",
    "Entraide",
    "Réseau",
    "Club",
    "Atelier",
]
PURPOSES = [
    "des familles",
    "solidaire",
    "pour le logement",
    "des aînés",
    "de quartier",
    "d'aide alimentaire",
    "des jeunes",
    "pour l'emploi",
    "d'accès aux droits",
    "des parents",
    "contre l'isolement",
    "de médiation",
    "pour la santé",
    "des femmes",
    "du handicap",
    "de l'insertion",
    "culturel",
    "sportif",
    "des locataires",
    "d'alphabétisation",
    "d'accueil",
    "des bénévoles",
    "d'entraide numérique",
    "des aidants",
]
PLACES = [*NEIGHBOURHOODS[:-1], "Thionville", "Yutz", "Terville", "Hayange", "Moselle Nord"]
FIRST_NAMES = [
    "Camille",
    "Dominique",
    "Claude",
    "Nadia",
    "Karim",
    "Sophie",
    "Mehdi",
    "Julie",
    "Thomas",
    "Fatima",
    "Nicolas",
    "Isabelle",
    "Yannick",
    "Léa",
    "Sébastien",
    "Aïcha",
    "Pierre",
    "Marie",
    "Jean",
    "Chantal",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Muller",
    "Schmitt",
    "Klein",
    "Weber",
    "Meyer",
    "Becker",
    "Hoffmann",
    "Durand",
    "Lambert",
    "Benali",
    "Fontaine",
    "Rossi",
    "Wagner",
    "Keller",
    "Roux",
    "Nguyen",
    "Haddad",
    "Lefebvre",
]
PUBLICS = [
    "Familles monoparentales",
    "Jeunes de 16 à 25 ans",
    "Personnes âgées isolées",
    "Personnes sans domicile",
    "Tout public",
    "Femmes victimes de violences",
    "Personnes en situation de handicap",
    "Demandeurs d'emploi",
]
HOURS = [
    "Du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h",
    "Le mardi et le jeudi, de 14 h à 18 h",
    "Sur rendez-vous",
    "Le mercredi de 10 h à 16 h",
]


@dataclass
class Sizes:
    partners: int = 1000
    actions: int = 10_000
    groups: int = 100
    # Plenaries: every semester from the network's founding to the current one.
    first_year: int = 2009


@dataclass
class Context:
    """What the parts share: the generator, sizes, and what earlier parts created."""

    rng: random.Random
    sizes: Sizes
    stdout: object
    now: datetime.datetime = field(default_factory=timezone.now)
    password_hash: str = ""
    partners: list = field(default_factory=list)
    memberships: list = field(default_factory=list)
    fields_of_action: list = field(default_factory=list)
    neighbourhoods: list = field(default_factory=list)
    bench_partner: Partner | None = None
    bench_member: object = None
    staff: object = None
    plenaries: list = field(default_factory=list)
    themes: list = field(default_factory=list)

    def say(self, message: str) -> None:
        self.stdout.write(message)


def model(label: str):
    """The model `app.Model`, or None while its app has not written it (or its migration) yet."""
    try:
        model_class = apps.get_model(label)
    except LookupError:
        return None
    if model_class._meta.db_table not in connection.introspection.table_names():
        return None
    return model_class


def model_fields(model_class) -> set[str]:
    return {f.name for f in model_class._meta.get_fields()}


@cache
def markdown_html(text: str) -> str:
    # Generated texts come from a small pool: render each once.
    return render_markdown(text)


def existing_data() -> list[str]:
    """What in the database was not put there by migrations or `import_charter`."""
    found = []
    user_model = get_user_model()
    if user_model.objects.exists():
        found.append(f"{user_model.objects.count()} compte(s)")
    extra_partners = Partner.objects.filter(signatures__isnull=True).count()
    if extra_partners:
        found.append(f"{extra_partners} partenaire(s) hors charte")
    for label in ("partners.Action", "plenaries.Plenary", "workgroups.WorkingGroup"):
        model_class = model(label)
        if model_class is not None and model_class.objects.exists():
            found.append(f"{model_class.objects.count()} {model_class._meta.verbose_name_plural}")
    return found


def fill(*, sizes: Sizes, seed: int, stdout) -> Context:
    ctx = Context(rng=random.Random(seed), sizes=sizes, stdout=stdout)
    # One hash for every account, with a salt from the seed: logging in costs what it costs in
    # production, creating the accounts costs one hash.
    ctx.password_hash = make_password(BENCH_PASSWORD, salt=f"bench{seed}salt")
    for part in (fill_partners, fill_actions, fill_plenaries, fill_workgroups):
        with transaction.atomic():
            part(ctx)
    return ctx


# --- partners ----------------------------------------------------------------------------------


def partner_names(ctx: Context, count: int, taken: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = f"{ctx.rng.choice(PREFIXES)} {ctx.rng.choice(PURPOSES)} – {ctx.rng.choice(PLACES)}"
        if name in taken:
            name = f"{name} ({len(taken) + 1})"
        taken.add(name)
        names.append(name)
    return names


def partner_description(ctx: Context, name: str) -> str:
    purpose = ctx.rng.choice(PURPOSES)
    return (
        f"{name} accompagne les habitants {ctx.rng.choice(['depuis 1998', 'depuis 2005', 'depuis 2012', 'depuis 2019'])}.\n\n"
        f"- permanences {ctx.rng.choice(['hebdomadaires', 'mensuelles'])} ;\n"
        f"- ateliers collectifs {purpose} ;\n"
        "- orientation vers les partenaires du réseau **UTOPIA**."
    )


def fill_partners(ctx: Context) -> None:
    rng, sizes = ctx.rng, ctx.sizes
    ctx.neighbourhoods = [
        Neighbourhood.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]
        for name in NEIGHBOURHOODS
    ]
    ctx.fields_of_action = list(FieldOfAction.objects.order_by("pk"))
    existing = list(Partner.objects.order_by("pk"))
    taken = {partner.name for partner in existing}
    new_partners = []
    for index, name in enumerate(partner_names(ctx, max(0, sizes.partners - len(existing)), taken)):
        kind = Partner.Kind.INSTITUTIONAL if rng.random() < 0.1 else Partner.Kind.ASSOCIATIVE
        summary = (
            f"{name.split(' ', 1)[0]} {rng.choice(PURPOSES)} : accueil, écoute et accompagnement."
        )
        description = partner_description(ctx, name)
        public_served = rng.choice(PUBLICS)
        acronym = "".join(word[0] for word in name.split() if word[0].isupper())[:6]
        new_partners.append(
            Partner(
                kind=kind,
                name=name,
                acronym=acronym if len(acronym) > 1 else "",
                slug=slugify(name)[:110] or f"partenaire-{index}",
                summary=summary,
                description=description,
                description_html=markdown_html(description),
                public_served=public_served,
                access_conditions=rng.choice(["", "Sans condition.", "Sur orientation."]),
                opening_hours=rng.choice(HOURS),
                address=f"{rng.randint(1, 120)} rue {rng.choice(LAST_NAMES)}",
                postal_code="57100",
                city="Thionville",
                neighbourhood=rng.choice(ctx.neighbourhoods),
                phone=f"03 82 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                email=f"contact-{index}@{BENCH_DOMAIN}",
                website=f"https://association-{index}.{BENCH_DOMAIN}/"
                if rng.random() < 0.5
                else "",
                is_active=rng.random() < 0.97,
                is_trusted=rng.random() < 0.2,
                last_confirmed_at=ctx.now - datetime.timedelta(days=rng.randint(0, 700)),
                search_text=search.normalize(" ".join([name, acronym, summary, public_served])),
            )
        )
    slugs = {partner.slug for partner in existing}
    for partner in new_partners:
        while partner.slug in slugs:
            partner.slug = f"{partner.slug[:100]}-{rng.randint(2, 9999)}"
        slugs.add(partner.slug)
    Partner.objects.bulk_create(new_partners, batch_size=500)
    ctx.partners = list(Partner.objects.order_by("pk"))

    through = Partner.fields_of_action.through
    already = set(through.objects.values_list("partner_id", flat=True))
    through.objects.bulk_create(
        [
            through(partner_id=partner.pk, fieldofaction_id=field_of_action.pk)
            for partner in ctx.partners
            if partner.pk not in already
            for field_of_action in rng.sample(ctx.fields_of_action, rng.randint(1, 3))
        ],
        batch_size=2000,
    )

    user_model = get_user_model()
    users, seats = [], []
    ctx.bench_partner = next(
        (p for p in ctx.partners if p.slug == BENCH_PARTNER_SLUG and p.is_active), None
    ) or next(p for p in ctx.partners if p.is_active)
    staff = user_model(
        username=BENCH_STAFF_EMAIL,
        email=BENCH_STAFF_EMAIL,
        first_name="Agent",
        last_name="du CCAS",
        is_staff=True,
        is_superuser=True,
        password=ctx.password_hash,
    )
    bench_member = user_model(
        username=BENCH_MEMBER_EMAIL,
        email=BENCH_MEMBER_EMAIL,
        first_name="Camille",
        last_name="Membre",
        password=ctx.password_hash,
    )
    users += [staff, bench_member]
    seats.append((bench_member, ctx.bench_partner, Membership.Role.MANAGER))
    for index, partner in enumerate(ctx.partners):
        for seat in range(rng.choice([0, 1, 1, 2, 2, 2, 3, 4])):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{slugify(first)}.{slugify(last)}.{index}-{seat}@{BENCH_DOMAIN}"
            user = user_model(
                username=email,
                email=email,
                first_name=first,
                last_name=last,
                password=ctx.password_hash,
            )
            users.append(user)
            role = Membership.Role.MANAGER if seat == 0 else Membership.Role.MEMBER
            seats.append((user, partner, role))
    user_model.objects.bulk_create(users, batch_size=1000)
    by_email = dict(user_model.objects.values_list("email", "pk"))
    ctx.memberships = Membership.objects.bulk_create(
        [
            Membership(user_id=by_email[user.email], partner=partner, role=role)
            for user, partner, role in seats
        ],
        batch_size=1000,
    )
    ctx.staff = user_model.objects.get(email=BENCH_STAFF_EMAIL)
    ctx.bench_member = user_model.objects.get(email=BENCH_MEMBER_EMAIL)
    ctx.say(
        f"Partenaires : {len(ctx.partners)} ({len(new_partners)} ajoutés), "
        f"{len(users)} comptes, {len(ctx.memberships)} rattachements."
    )


# --- actions (partners.Action, issue 3) ------------------------------------------------------


ACTION_TITLES = [
    "Petit déjeuner solidaire",
    "Atelier cuisine à petit budget",
    "Permanence d'accès aux droits",
    "Forum de l'emploi",
    "Braderie solidaire",
    "Collecte de vêtements",
    "Café des parents",
    "Sortie familiale",
    "Atelier numérique",
    "Repair café",
    "Formation aux premiers secours",
    "Accompagnement scolaire",
    "Groupe de parole",
    "Distribution alimentaire",
    "Journée portes ouvertes",
]
ACTION_BODIES = [
    "Un temps convivial ouvert à tous.\n\n- entrée libre ;\n- goûter offert.",
    "Sur inscription auprès de l'accueil.\n\n**Places limitées.**",
    "Avec les partenaires du réseau *UTOPIA*.",
]


def fill_actions(ctx: Context) -> None:
    action_model = model("partners.Action")
    if action_model is None:
        ctx.say("Actions : modèle absent (partners.Action), partie sautée.")
        return
    from partners.models import Action, ActionTransition

    rng = ctx.rng
    existing = Action.objects.count()
    wanted = max(0, ctx.sizes.actions - existing)
    active = [partner for partner in ctx.partners if partner.is_active] or ctx.partners
    if not active or not wanted:
        ctx.say(f"Actions : {existing} déjà présentes, rien à ajouter.")
        return
    Status, Kind = Action.Status, Action.Kind
    statuses = [Status.PUBLISHED] * 16 + [
        Status.SUBMITTED,
        Status.DRAFT,
        Status.CHANGES_REQUESTED,
        Status.REJECTED,
    ]
    kinds = [Kind.EVENT] * 6 + [Kind.SERVICE, Kind.PROJECT, Kind.VOLUNTEERING]
    authors = {seat.partner_id: seat.user_id for seat in ctx.memberships}
    actions = []
    for index in range(wanted):
        # The benchmark's member has a busy partner: one action in twenty is theirs.
        partner = ctx.bench_partner if index % 20 == 0 else rng.choice(active)
        title = f"{rng.choice(ACTION_TITLES)} – {rng.choice(PLACES)}"
        kind = rng.choice(kinds)
        status = rng.choice(statuses)
        starts_at = ends_at = None
        if kind == Kind.EVENT or rng.random() < 0.3:
            starts_at = (ctx.now + datetime.timedelta(days=rng.randint(-700, 365))).replace(
                hour=rng.choice([9, 10, 14, 18]), minute=0, second=0, microsecond=0
            )
            ends_at = starts_at + datetime.timedelta(hours=rng.choice([1, 2, 3, 8]))
        summary = f"{title.split(' – ')[0]} proposé par {partner.name}."[:300]
        body = rng.choice(ACTION_BODIES)
        submitted_at = ctx.now - datetime.timedelta(days=rng.randint(1, 400))
        actions.append(
            Action(
                partner=partner,
                title=title,
                slug=f"{slugify(title)[:180]}-{existing + index + 1}",
                summary=summary,
                body=body,
                body_html=markdown_html(body),
                kind=kind,
                starts_at=starts_at,
                ends_at=ends_at,
                place_name=rng.choice(["Salle des fêtes", "Centre social", "Hôtel de Ville", ""]),
                address=f"{rng.randint(1, 120)} rue {rng.choice(LAST_NAMES)}",
                postal_code="57100",
                city="Thionville",
                is_accessible=rng.choice([True, False, None]),
                audience=rng.choice(PUBLICS),
                contact=partner.phone,
                status=status,
                created_by_id=authors.get(partner.pk),
                submitted_at=None if status == Status.DRAFT else submitted_at,
                published_at=submitted_at + datetime.timedelta(days=1)
                if status == Status.PUBLISHED
                else None,
                search_text=search.normalize(
                    " ".join([title, summary, partner.name, "Thionville"])
                ),
            )
        )
    Action.objects.bulk_create(actions, batch_size=1000)
    created = list(
        Action.objects.order_by("pk")[existing:].values_list(
            "pk", "partner_id", "status", "created_by_id"
        )
    )

    fields_through = Action.fields_of_action.through
    co_through = Action.co_organisers.through
    fields_rows, co_rows, steps = [], [], []
    for pk, partner_id, status, author_id in created:
        for field_of_action in rng.sample(ctx.fields_of_action, rng.randint(1, 2)):
            fields_rows.append(fields_through(action_id=pk, fieldofaction_id=field_of_action.pk))
        if rng.random() < 0.2:
            for partner in rng.sample(active, rng.randint(1, 3)):
                if partner.pk != partner_id:
                    co_rows.append(co_through(action_id=pk, partner_id=partner.pk))
        if status != Status.DRAFT:
            steps.append(
                ActionTransition(
                    action_id=pk,
                    from_status=Status.DRAFT,
                    to_status=Status.SUBMITTED,
                    by_id=author_id,
                )
            )
        if status in (Status.PUBLISHED, Status.CHANGES_REQUESTED, Status.REJECTED):
            steps.append(
                ActionTransition(
                    action_id=pk,
                    from_status=Status.SUBMITTED,
                    to_status=status,
                    by_id=ctx.staff.pk,
                    message="" if status == Status.PUBLISHED else "Merci de préciser le lieu.",
                )
            )
    fields_through.objects.bulk_create(fields_rows, batch_size=2000)
    co_through.objects.bulk_create(co_rows, batch_size=2000, ignore_conflicts=True)
    ActionTransition.objects.bulk_create(steps, batch_size=2000)
    ctx.say(
        f"Actions : {len(created)} ajoutées ({sum(1 for row in created if row[2] == Status.PUBLISHED)} publiées), "
        f"{len(steps)} étapes de modération."
    )


# --- plenaries (issue 4) -----------------------------------------------------------------------


PLENARY_AGENDA = [
    "Accueil par le CCAS et tour de table",
    "Bilan des groupes de travail",
    "Présentation des actions des partenaires",
    "Thèmes prioritaires du semestre",
    "Projets coordonnés en cours",
    "Questions diverses",
]
PLENARY_THEMES = [
    "Accès aux droits",
    "Logement d'abord",
    "Isolement des aînés",
    "Insertion des jeunes",
    "Précarité alimentaire",
    "Santé mentale",
    "Mobilité",
    "Numérique et inclusion",
    "Parentalité",
    "Violences intrafamiliales",
    "Hébergement d'urgence",
    "Accès à la culture",
]
PLENARY_PLACES = [
    ("Salle des fêtes de l'Hôtel de Ville", "11 rue Georges Ditsch, 57100 Thionville"),
    ("Centre social Les Grands Chênes", "Côte des Roses, 57100 Thionville"),
    ("Espace Jacques Brel", "57100 Thionville"),
]


def fill_plenaries(ctx: Context) -> None:
    """A plenary for every semester since the first year, held (with attendance, decisions
    and published minutes) up to the last one, the current one convened."""
    plenary_model = model("plenaries.Plenary")
    if plenary_model is None:
        ctx.say("Plénières : modèle absent (plenaries.Plenary), partie sautée.")
        return
    from plenaries.models import AgendaItem, Attendance, Decision, Registration, Theme

    rng = ctx.rng
    today = timezone.localdate()
    taken = set(plenary_model.objects.values_list("year", "semester"))
    plenaries = []
    year, semester = ctx.sizes.first_year, 1
    while (year, semester) <= (today.year, 1 if today.month <= 6 else 2):
        month = rng.choice([3, 4, 5, 6]) if semester == 1 else rng.choice([9, 10, 11, 12])
        date = datetime.date(year, month, rng.randint(2, 27))
        if (year, semester) == (2009, 1):
            date = datetime.date(2009, 6, 18)
        if (year, semester) not in taken:
            held = date < today
            place, address = rng.choice(PLENARY_PLACES)
            minutes = (
                f"## Plénière du {date:%d/%m/%Y}\n\nLes partenaires présents ont fait le "
                "point sur les groupes de travail et adopté les décisions ci-dessous."
            )
            plenaries.append(
                plenary_model(
                    year=year,
                    semester=semester,
                    date=date,
                    start_time=datetime.time(14, 0),
                    end_time=datetime.time(17, 0),
                    place=place,
                    address=address,
                    status="held" if held else "convened",
                    registration_deadline=date - datetime.timedelta(days=7),
                    minutes=minutes if held else "",
                    minutes_html=markdown_html(minutes) if held else "",
                    minutes_visibility="public" if rng.random() < 0.8 else "network",
                    minutes_published_on=date + datetime.timedelta(days=rng.randint(10, 40))
                    if held and date + datetime.timedelta(days=45) < today
                    else None,
                    convened_at=ctx.now - datetime.timedelta(days=(today - date).days + 30),
                    convened_by=ctx.staff,
                )
            )
        year, semester = (year, 2) if semester == 1 else (year + 1, 1)
    plenary_model.objects.bulk_create(plenaries, batch_size=500)
    ctx.plenaries = list(plenary_model.objects.order_by("date"))
    new = [p for p in ctx.plenaries if (p.year, p.semester) not in taken]
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(plenary=plenary, order=order, title=title)
            for plenary in new
            for order, title in enumerate(PLENARY_AGENDA, start=1)
        ],
        batch_size=1000,
    )
    held = [p for p in new if p.status == "held"]
    decisions = Decision.objects.bulk_create(
        [
            Decision(plenary=plenary, order=order, title=title)
            for plenary in held
            for order, title in enumerate(
                ["Approbation du compte rendu précédent", "Programme du semestre"], start=1
            )
        ],
        batch_size=1000,
    )
    themes = []
    existing_themes = set(Theme.objects.values_list("slug", flat=True))
    adopting = [d for d in decisions if d.order == 2]
    for index, name in enumerate(PLENARY_THEMES):
        if slugify(name) in existing_themes or index * 3 >= len(adopting):
            continue
        decision = adopting[index * 3]
        closed = decision.plenary.date + datetime.timedelta(days=rng.randint(400, 1500))
        themes.append(
            Theme(
                name=name,
                slug=slugify(name),
                description=f"Thème prioritaire : {name.lower()}.",
                description_html=markdown_html(f"Thème prioritaire : {name.lower()}."),
                adopted_at=decision.plenary.date,
                closed_at=closed if closed < today - datetime.timedelta(days=200) else None,
                plenary=decision.plenary,
                decision=decision,
            )
        )
    Theme.objects.bulk_create(themes)
    ctx.themes = list(Theme.objects.order_by("adopted_at"))
    active = [p for p in ctx.partners if p.is_active]
    statuses = ["present"] * 5 + ["represented", "excused", "excused", "absent", "absent"]
    attendances = [
        Attendance(
            plenary=plenary,
            partner=partner,
            status=status,
            persons_present=rng.choice(FIRST_NAMES) + " " + rng.choice(LAST_NAMES)
            if status in ("present", "represented")
            else "",
            recorded_by=ctx.staff,
        )
        for plenary in held
        for partner in rng.sample(active, min(len(active), rng.randint(40, 120)))
        for status in [rng.choice(statuses)]
    ]
    Attendance.objects.bulk_create(attendances, batch_size=2000)
    upcoming = [p for p in new if p.status == "convened"]
    registrations = [
        Registration(
            plenary=plenary,
            partner=partner,
            answer="attending" if rng.random() < 0.7 else "excused",
            attendee_count=0,
            answered_by=ctx.bench_member,
        )
        for plenary in upcoming
        for partner in rng.sample(active, min(len(active), 60))
    ]
    for registration in registrations:
        if registration.answer == "attending":
            registration.attendee_count = rng.randint(1, 3)
    Registration.objects.bulk_create(registrations, batch_size=1000)
    ctx.say(
        f"Plénières : {len(ctx.plenaries)} ({len(new)} ajoutées), {len(attendances)} présences, "
        f"{len(themes)} thèmes, {len(registrations)} réponses."
    )


# --- working groups (issue 5) ----------------------------------------------------------------


GROUP_TOPICS = [
    "Accès au logement",
    "Aide alimentaire",
    "Insertion des jeunes",
    "Isolement des aînés",
    "Accès aux droits",
    "Santé de proximité",
    "Parentalité",
    "Mobilité solidaire",
    "Inclusion numérique",
    "Violences intrafamiliales",
]


def fill_workgroups(ctx: Context) -> None:
    group_model = model("workgroups.WorkingGroup")
    if group_model is None:
        ctx.say("Groupes de travail : modèle absent (workgroups.WorkingGroup), partie sautée.")
        return
    from plenaries.models import Theme
    from workgroups.models import GroupMembership, Meeting, PilotTerm, Representative

    rng, sizes = ctx.rng, ctx.sizes
    if group_model.objects.exists():
        ctx.say("Groupes de travail : déjà remplis, partie sautée.")
        return
    themes = ctx.themes or list(Theme.objects.order_by("adopted_at"))
    if not themes:
        themes = [
            Theme.objects.get_or_create(
                slug=slugify(name),
                defaults={
                    "name": name,
                    "adopted_at": ctx.now.date() - datetime.timedelta(days=400),
                },
            )[0]
            for name in GROUP_TOPICS
        ]
    active = [p for p in ctx.partners if p.is_active]
    associations = [p for p in active if p.kind != Partner.Kind.INSTITUTIONAL]
    institutions = [p for p in active if p.kind == Partner.Kind.INSTITUTIONAL]
    seats_of = {}
    for membership in ctx.memberships:
        seats_of.setdefault(membership.partner_id, []).append(membership)
    mission = "Repérer les besoins du terrain et construire des **projets coordonnés**."
    groups = []
    for index in range(sizes.groups):
        topic = GROUP_TOPICS[index % len(GROUP_TOPICS)]
        name = f"{topic} – groupe {index + 1}"
        groups.append(
            group_model(
                theme=themes[index % len(themes)],
                name=name,
                slug=slugify(name)[:110],
                mission=mission,
                mission_html=markdown_html(mission),
                meeting_rhythm=rng.choice(["Une réunion par mois.", "Tous les deux mois.", ""]),
                created_at_plenary=rng.choice(ctx.plenaries) if ctx.plenaries else None,
            )
        )
    groups = group_model.objects.bulk_create(groups, batch_size=500)

    seats, experts = [], []
    for index, group in enumerate(groups):
        members = rng.sample(associations, min(len(associations), rng.randint(4, 12)))
        # The benchmark's member sits in the first groups, so its group space can be measured.
        if index < 5 and ctx.bench_partner and ctx.bench_partner not in members:
            members.append(ctx.bench_partner)
        for partner in members:
            seats.append(
                GroupMembership(
                    group=group,
                    partner=partner,
                    status=GroupMembership.Status.ACTIVE,
                    joined_on=ctx.now.date() - datetime.timedelta(days=rng.randint(30, 1500)),
                )
            )
        for partner in rng.sample(institutions, min(len(institutions), rng.randint(0, 2))):
            experts.append(
                GroupMembership(
                    group=group,
                    partner=partner,
                    role=GroupMembership.Role.EXPERT,
                    specialty=rng.choice(PUBLICS),
                    status=GroupMembership.Status.ACTIVE,
                    joined_on=ctx.now.date() - datetime.timedelta(days=rng.randint(30, 1500)),
                )
            )
    seats = GroupMembership.objects.bulk_create(seats + experts, batch_size=2000)

    representatives, pilots, pilot_groups = [], [], set()
    for seat in seats:
        people = seats_of.get(seat.partner_id, [])
        if not people:
            continue
        membership = people[0]
        representatives.append(Representative(seat=seat, membership=membership))
        if seat.role == GroupMembership.Role.MEMBER and seat.group_id not in pilot_groups:
            pilot_groups.add(seat.group_id)
            pilots.append(
                PilotTerm(
                    group_id=seat.group_id,
                    user_id=membership.user_id,
                    partner_id=seat.partner_id,
                    started_on=seat.joined_on,
                    source=PilotTerm.Source.MEETING,
                    minutes_reference="Relevé de décisions de la réunion de lancement",
                )
            )
    Representative.objects.bulk_create(representatives, batch_size=2000)
    PilotTerm.objects.bulk_create(pilots, batch_size=1000)

    meetings = []
    for group in groups:
        for _ in range(rng.randint(3, 8)):
            meetings.append(
                Meeting(
                    group=group,
                    starts_at=ctx.now + datetime.timedelta(days=rng.randint(-700, 90), hours=14),
                    place=rng.choice(["CCAS, salle du conseil", "Maison des associations"]),
                    agenda="1. Tour de table\n2. Besoins repérés\n3. Projets en cours",
                    notes=rng.choice(["", "Relevé de décisions diffusé aux membres."]),
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    ctx.say(
        f"Groupes de travail : {len(groups)} groupes, {len(seats)} sièges, "
        f"{len(representatives)} représentants, {len(pilots)} pilotes, {len(meetings)} réunions."
    )
