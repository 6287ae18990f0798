"""Factories for every app's models. Each app has its own section below; add to yours."""

import datetime

import factory
import factory.fuzzy
from django.contrib.auth.models import Permission
from django.utils import timezone
from django.utils.text import slugify

from partners.models import (
    AccessRequest,
    Action,
    ActionTransition,
    BulletinPost,
    Charter,
    FieldOfAction,
    Invitation,
    Membership,
    Neighbourhood,
    Partner,
    Signature,
    User,
)

PASSWORD = "motdepasse-de-test-2026"

# What the `detailed` traits below pick from: a directory entry and an action filled in as a
# partner would. The large network of the benchmark is made of them (tests/perf/large_network.py).
# Names are built from these words so that a search of the directory ("logement") finds some
# partners, not all; texts come from a few variants so that rendering them stays cheap.
PARTNER_NAME_STARTS = ["Association", "Collectif", "Maison", "Amicale", "Foyer", "Entraide"]
PARTNER_PURPOSES = [
    "des familles",
    "pour le logement",
    "des aînés",
    "d'aide alimentaire",
    "des jeunes",
    "pour l'emploi",
    "d'accès aux droits",
    "contre l'isolement",
]
PARTNER_DESCRIPTIONS = [
    "Nous accueillons les habitants depuis 1998.\n\n- permanences hebdomadaires ;\n"
    "- ateliers collectifs ;\n- orientation vers les partenaires du réseau **UTOPIA**.",
    "Une équipe de *bénévoles* et deux salariés.\n\n1. accueil et écoute ;\n"
    "2. accompagnement dans les démarches ;\n3. sorties et activités en famille.",
    "Permanences sur rendez-vous au centre social.\n\n**Gratuit et confidentiel.**",
]
PUBLICS = [
    "Familles monoparentales",
    "Jeunes de 16 à 25 ans",
    "Personnes âgées isolées",
    "Personnes sans domicile",
    "Tout public",
    "Personnes en situation de handicap",
    "Demandeurs d'emploi",
]
OPENING_HOURS = [
    "Du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h",
    "Le mardi et le jeudi, de 14 h à 18 h",
    "Sur rendez-vous",
]
ACTION_TITLES = [
    "Petit déjeuner solidaire",
    "Atelier cuisine à petit budget",
    "Permanence d'accès aux droits",
    "Forum de l'emploi",
    "Braderie solidaire",
    "Café des parents",
    "Atelier numérique",
    "Repair café",
]
ACTION_BODIES = [
    "Un temps convivial ouvert à tous.\n\n- entrée libre ;\n- goûter offert.",
    "Sur inscription auprès de l'accueil.\n\n**Places limitées.**",
    "Avec les partenaires du réseau *UTOPIA*.",
]

# --- accounts and partners -------------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    password = factory.django.Password(PASSWORD)


def permission(name: str) -> Permission:
    """The permission named "app_label.codename", as has_perm() names it."""
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


class StaffFactory(UserFactory):
    """A CCAS agent: a superuser, unless made with is_superuser=False and
    permissions=["app_label.codename", ...], the exact permissions it is given."""

    is_staff = True
    is_superuser = True
    email = factory.Sequence(lambda n: f"agent{n}@ccas-thionville.fr")

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        if create and extracted:
            self.user_permissions.add(*(permission(name) for name in extracted))


class FieldOfActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FieldOfAction
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Domaine {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    kind = Partner.Kind.ASSOCIATIVE
    name = factory.Sequence(lambda n: f"Association numéro {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    summary = "Accueil et accompagnement des familles."
    city = "Thionville"
    last_confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        detailed = factory.Trait(
            name=factory.Sequence(
                lambda n: (
                    f"{PARTNER_NAME_STARTS[n % len(PARTNER_NAME_STARTS)]} "
                    f"{PARTNER_PURPOSES[n // len(PARTNER_NAME_STARTS) % len(PARTNER_PURPOSES)]}"
                    f" n° {n}"
                )
            ),
            summary=factory.LazyAttribute(
                lambda o: f"{o.name.split(' n° ')[0]} : accueil, écoute et accompagnement."
            ),
            description=factory.fuzzy.FuzzyChoice(PARTNER_DESCRIPTIONS),
            public_served=factory.fuzzy.FuzzyChoice(PUBLICS),
            access_conditions=factory.fuzzy.FuzzyChoice(
                ["", "Sans condition.", "Sur orientation."]
            ),
            opening_hours=factory.fuzzy.FuzzyChoice(OPENING_HOURS),
            address=factory.Faker("street_address", locale="fr_FR"),
            postal_code="57100",
            phone=factory.Faker("numerify", text="03 82 ## ## ##"),
            email=factory.LazyAttribute(lambda o: f"contact@{o.slug}.exemple.fr"),
            website=factory.LazyAttribute(lambda o: f"https://{o.slug}.exemple.fr/"),
        )

    @factory.post_generation
    def fields_of_action(self, create, extracted, **kwargs):
        if create and extracted:
            self.fields_of_action.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = Membership.Role.MEMBER


class CharterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Charter
        django_get_or_create = ["version"]

    version = "2009"
    title = "Charte UTOPIA"
    text = "# Les valeurs\n\nAgir ensemble."
    adopted_on = datetime.date(2009, 5, 26)
    place = "Thionville"


class SignatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signature

    charter = factory.SubFactory(CharterFactory)
    partner = factory.SubFactory(PartnerFactory)
    civility = "Mme"
    signatory_name = factory.Sequence(lambda n: f"Signataire {n}")
    signatory_role = "Présidente"
    signed_on = datetime.date(2009, 5, 26)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invite{n}@exemple.fr")
    partner = factory.SubFactory(PartnerFactory)


class AccessRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRequest

    full_name = "Camille Martin"
    email = factory.Sequence(lambda n: f"demande{n}@exemple.fr")
    partner = factory.SubFactory(PartnerFactory)


# --- plenaries -------------------------------------------------------------------------------

from plenaries.models import (  # noqa: E402
    AgendaItem,
    Attendance,
    Decision,
    Plenary,
    PlenaryDocument,
    Registration,
    Theme,
    semester_of,
)


def _plenary_date(n: int) -> datetime.date:
    # One semester after another going back from 1990: always past, never the semester of a
    # date a test chooses itself (tests pick dates since the charter of 2009).
    return datetime.date(1990 - n // 2, 3 if n % 2 == 0 else 10, 12)


class PlenaryFactory(factory.django.DjangoModelFactory):
    """A plenary of a semester of its own; held when its date is past, convened otherwise."""

    class Meta:
        model = Plenary

    date = factory.Sequence(_plenary_date)
    year = factory.LazyAttribute(lambda o: semester_of(o.date)[0])
    semester = factory.LazyAttribute(lambda o: semester_of(o.date)[1])
    place = "Salle des fêtes de l'Hôtel de Ville"
    address = "11 rue Georges Ditsch, 57100 Thionville"
    status = factory.LazyAttribute(
        lambda o: Plenary.Status.HELD if o.date < timezone.localdate() else Plenary.Status.CONVENED
    )

    class Params:
        # Held, its minutes published a month later.
        minuted = factory.Trait(
            minutes=factory.LazyAttribute(
                lambda o: (
                    f"## Plénière du {o.date:%d/%m/%Y}\n\nLes partenaires présents ont "
                    "fait le point sur les groupes de travail et adopté les décisions ci-dessous."
                )
            ),
            minutes_published_on=factory.LazyAttribute(
                lambda o: o.date + datetime.timedelta(days=30)
            ),
        )


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    plenary = factory.SubFactory(PlenaryFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Point {n} de l'ordre du jour")


class PlenaryDocumentFactory(factory.django.DjangoModelFactory):
    """A small PDF for everyone; pass visibility=Visibility.NETWORK for members only."""

    class Meta:
        model = PlenaryDocument

    plenary = factory.SubFactory(PlenaryFactory)
    title = factory.Sequence(lambda n: f"Document {n} de la plénière")
    file = factory.django.FileField(filename="document.pdf", data=b"%PDF-1.4 document")
    order = factory.Sequence(lambda n: n)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    plenary = factory.SubFactory(PlenaryFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Décision {n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    """A current priority theme adopted by a held plenary."""

    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Thème prioritaire {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Les partenaires y travaillent ensemble."
    plenary = factory.SubFactory(PlenaryFactory)
    adopted_at = factory.LazyAttribute(lambda o: o.plenary.date if o.plenary else None)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    plenary = factory.SubFactory(PlenaryFactory)
    partner = factory.SubFactory(PartnerFactory)
    answer = Registration.Answer.ATTENDING
    attendee_count = 1
    attendee_names = "Camille Martin"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    plenary = factory.SubFactory(PlenaryFactory)
    partner = factory.SubFactory(PartnerFactory)
    status = Attendance.Status.PRESENT
    persons_present = "Camille Martin"


# --- showcase of actions (partners.Action) ---------------------------------------------------


class ActionFactory(factory.django.DjangoModelFactory):
    """A published upcoming event by default; pass status=Action.Status.DRAFT (etc.) for the
    other steps of moderation."""

    class Meta:
        model = Action
        skip_postgeneration_save = True

    partner = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Action solidaire {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title))
    summary = "Un après-midi d'échanges ouvert à tous."
    body = "Venez **nombreux**."
    kind = Action.Kind.EVENT
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=7)).replace(
            hour=14, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(
        lambda o: o.starts_at + datetime.timedelta(hours=3) if o.starts_at else None
    )
    place_name = "Salle des fêtes"
    address = "1 place de l'Exemple"
    postal_code = "57100"
    city = "Thionville"
    status = Action.Status.PUBLISHED
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == Action.Status.PUBLISHED else None
    )

    class Params:
        detailed = factory.Trait(
            title=factory.Sequence(lambda n: f"{ACTION_TITLES[n % len(ACTION_TITLES)]} n° {n}"),
            summary=factory.LazyAttribute(
                lambda o: f"{o.title.split(' n° ')[0]}, proposé par {o.partner.name}."[:300]
            ),
            body=factory.fuzzy.FuzzyChoice(ACTION_BODIES),
            place_name=factory.fuzzy.FuzzyChoice(
                ["Salle des fêtes", "Centre social", "Maison des associations"]
            ),
            address=factory.Faker("street_address", locale="fr_FR"),
            audience=factory.fuzzy.FuzzyChoice(PUBLICS),
            is_accessible=factory.fuzzy.FuzzyChoice([True, False, None]),
            contact=factory.LazyAttribute(lambda o: o.partner.phone),
        )

    @factory.post_generation
    def fields_of_action(self, create, extracted, **kwargs):
        if create and extracted:
            self.fields_of_action.set(extracted)

    @factory.post_generation
    def co_organisers(self, create, extracted, **kwargs):
        if create and extracted:
            self.co_organisers.set(extracted)


class ActionTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionTransition

    action = factory.SubFactory(ActionFactory)
    from_status = Action.Status.DRAFT
    to_status = Action.Status.SUBMITTED


# --- network bulletin (partners.BulletinPost) ------------------------------------------------


class BulletinPostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BulletinPost

    partner = factory.SubFactory(PartnerFactory)
    author = factory.SubFactory(UserFactory)
    kind = BulletinPost.Kind.HELP
    title = factory.Sequence(lambda n: f"Appel aux bénévoles {n}")
    body = "Nous cherchons des bras pour la collecte de samedi."


# --- working groups ----------------------------------------------------------------------------

import hashlib  # noqa: E402

from workgroups.models import (  # noqa: E402
    CoordinatedProject,
    Election,
    GroupMembership,
    Meeting,
    Need,
    PilotTerm,
    Representative,
    WorkingGroup,
)


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    theme = factory.SubFactory(ThemeFactory)
    name = factory.Sequence(lambda n: f"Groupe de travail {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    mission = "Repérer les besoins et construire des **projets coordonnés**."

    class Params:
        # The group has written down how it works.
        organised = factory.Trait(
            meeting_rhythm="Une réunion par mois, le mardi après-midi.",
            decision_making="Au consensus ; à défaut, à la majorité des partenaires présents.",
            roles="Un pilote ; un secrétaire de séance, à tour de rôle.",
        )


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    """An active seat (joined a year ago) of an associative partner, unless told otherwise."""

    class Meta:
        model = GroupMembership

    group = factory.SubFactory(WorkingGroupFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = GroupMembership.Role.MEMBER
    status = GroupMembership.Status.ACTIVE
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))

    class Params:
        # An institutional partner's seat: an expert, with a specialty.
        expert = factory.Trait(role=GroupMembership.Role.EXPERT, specialty="Accès aux droits")


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    seat = factory.SubFactory(GroupMembershipFactory)
    membership = factory.SubFactory(
        MembershipFactory, partner=factory.SelfAttribute("..seat.partner")
    )


class PilotTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotTerm

    group = factory.SubFactory(WorkingGroupFactory)
    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)
    started_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    source = PilotTerm.Source.MEETING
    minutes_reference = "Compte rendu de la réunion de lancement"


class ElectionFactory(factory.django.DjangoModelFactory):
    """A running election, open since an hour, closing in a week."""

    class Meta:
        model = Election

    group = factory.SubFactory(WorkingGroupFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    term_starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=8))
    tie_rule = Election.TieRule.SENIORITY
    tie_seed = "0123456789abcdef"
    tie_seed_digest = factory.LazyAttribute(
        lambda o: hashlib.sha256(o.tie_seed.encode()).hexdigest()
    )


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(WorkingGroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    place = "CCAS, salle du conseil"
    agenda = "1. Tour de table\n2. Besoins repérés"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    group = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Besoin {n}")
    description = "Des familles sans solution de garde le samedi."
    seen_where = "Côte des Roses"
    public_concerned = "Familles monoparentales"


class CoordinatedProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinatedProject
        skip_postgeneration_save = True

    group = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Projet coordonné {n}")
    description = "Un accueil partagé entre plusieurs associations."
    lead_partner = factory.SubFactory(PartnerFactory)
    status = CoordinatedProject.Status.PREPARATION

    @factory.post_generation
    def contributors(self, create, extracted, **kwargs):
        if create and extracted:
            self.contributors.set(extracted)


# --- utopia (the shell) ------------------------------------------------------------------------

from utopia.models import NeedReport  # noqa: E402


class NeedReportFactory(factory.django.DjangoModelFactory):
    """A report from the public, still to triage, without contact details."""

    class Meta:
        model = NeedReport

    description = factory.Sequence(
        lambda n: f"Pas de solution de garde le samedi matin pour les familles ({n})."
    )
    place = "Côte des Roses"
