"""Demo content of the working groups (development only: see `manage.py load_demo`): three
groups, one with an elected pilot, meetings, a document, a discussion, a need, a project and an
expertise request; one with a pilot designated at a meeting and an election running. Loading it
twice adds nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils import timezone

from partners.demo import DEMO_ACCOUNTS
from partners.models import Action, Partner
from plenaries.models import Plenary, Theme
from workgroups import services
from workgroups.models import CoordinatedProject, Election, Meeting, Need, WorkingGroup

# Demo groups have no flag of their own: their mission says that the group is an example.
DEMO_NOTICE = (
    "*Exemple de démonstration : ce groupe, ses membres et ses travaux sont inventés pour "
    "présenter le portail.*\n\n"
)

THEMES = [
    ("logement-et-hebergement", "Logement et hébergement"),
    ("insertion-des-jeunes", "Insertion des jeunes"),
    ("acces-aux-droits", "Accès aux droits"),
]
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def theme(slug: str, name: str) -> Theme:
    found = Theme.objects.filter(Q(slug=slug) | Q(name=name)).first()
    if found:
        return found
    return Theme.objects.create(
        slug=slug,
        name=name,
        adopted_at=timezone.localdate() - datetime.timedelta(days=200),
        description="Thème prioritaire adopté en plénière.",
    )


def load(*, stdout) -> None:
    if WorkingGroup.objects.filter(slug="acces-au-logement").exists():
        stdout.write("Groupes de travail : déjà chargés.")
        return
    partners = {p.slug: p for p in Partner.objects.filter(is_active=True)}
    needed = {"emergence", "croix-rouge-francaise", "athenes", "mission-locale"}
    if not needed <= partners.keys():
        stdout.write("Groupes de travail : partenaires de la charte absents, partie sautée.")
        return
    User = get_user_model()
    staff = User.objects.get(email=DEMO_ACCOUNTS[0][0])
    users = {
        slug: User.objects.get(email=email)
        for (email, _description), slug in zip(
            DEMO_ACCOUNTS[1:],
            ["emergence", "croix-rouge-francaise", "mission-locale", "athenes"],
            strict=True,
        )
    }
    plenary = Plenary.objects.order_by("-date").first()
    today = timezone.localdate()
    now = timezone.now()

    housing = services.group_create(
        theme=theme(*THEMES[0]),
        name="Accès au logement",
        slug="acces-au-logement",
        mission=DEMO_NOTICE
        + "Repérer les ruptures de parcours vers le logement et construire, avec les "
        "bailleurs, des **réponses coordonnées** pour les personnes sans domicile.",
        meeting_rhythm="Une réunion par mois, le deuxième mardi, de 14 h à 16 h.",
        decision_making="Au consensus ; à défaut, à la majorité des partenaires présents.",
        roles="Un secrétaire de séance tournant rédige le relevé de décisions.",
        created_at_plenary=plenary,
        by=staff,
    )
    for slug in ("emergence", "croix-rouge-francaise", "athenes"):
        seat = services.membership_request(group=housing, partner=partners[slug], by=users[slug])
        services.membership_decide(seat=seat, accept=True, by=staff)
    expert = services.membership_request(
        group=housing,
        partner=partners["mission-locale"],
        by=users["mission-locale"],
        specialty="Insertion et logement des jeunes de 16 à 25 ans",
    )
    services.membership_decide(seat=expert, accept=True, by=staff)

    election = services.election_open(
        group=housing,
        opens_at=now - datetime.timedelta(hours=2),
        closes_at=now + datetime.timedelta(days=7),
        term_starts_on=today,
        tie_rule=Election.TieRule.SENIORITY,
        by=staff,
    )
    karim = services.candidacy_submit(
        election=election,
        by=users["emergence"],
        partner=partners["emergence"],
        statement="Animer le groupe et faire le lien avec les bailleurs.",
    )
    services.candidacy_submit(election=election, by=users["athenes"], partner=partners["athenes"])
    for slug, choice in (
        ("emergence", karim),
        ("croix-rouge-francaise", karim),
        ("athenes", None),
    ):
        services.ballot_cast(
            election=election, partner=partners[slug], by=users[slug], candidate=choice
        )
    # Every member partner has voted: the election may close before its window ends.
    services.election_close(election=election, by=staff)

    services.meeting_save(
        meeting=Meeting(
            group=housing,
            starts_at=now - datetime.timedelta(days=20),
            place="CCAS, salle du conseil",
            agenda="1. Tour de table des situations\n2. Projet d'accueil de jour partagé",
            notes="Les partenaires s'accordent sur un accueil de jour partagé l'hiver prochain.",
        ),
        by=users["emergence"],
    )
    upcoming = services.meeting_save(
        meeting=Meeting(
            group=housing,
            starts_at=now + datetime.timedelta(days=12),
            place="Emergence, 12 rue de l'Exemple",
            video_url="https://visio.example.org/utopia-logement",
            agenda="1. Calendrier de l'accueil de jour\n2. Réponse de la Mission Locale",
        ),
        by=users["emergence"],
    )
    upload = ContentFile(DEMO_PDF, name="ordre-du-jour.pdf")
    upload.detected_content_type = "application/pdf"
    upload.original_name = "ordre-du-jour.pdf"
    services.document_upload(
        group=housing,
        title="Ordre du jour de la prochaine réunion",
        upload=upload,
        by=users["emergence"],
        meeting=upcoming,
    )
    topic = services.topic_create(
        group=housing,
        title="Places d'hébergement cet hiver",
        body="Combien de places chacun peut-il ouvrir en cas de grand froid ?",
        by=users["emergence"],
    )
    services.reply_create(
        topic=topic, body="Dix places à la Croix-Rouge.", by=users["croix-rouge-francaise"]
    )
    need = services.need_save(
        need=Need(
            group=housing,
            title="Accueil de jour le week-end",
            description="Aucun accueil de jour n'est ouvert le samedi et le dimanche.",
            seen_where="Centre-ville",
            public_concerned="Personnes sans domicile",
            status=Need.Status.IN_PROGRESS,
        ),
        by=users["emergence"],
    )
    services.project_save(
        project=CoordinatedProject(
            group=housing,
            title="Accueil de jour partagé du week-end",
            description="Emergence et la Croix-Rouge ouvrent à tour de rôle un accueil le week-end.",
            lead_partner=partners["emergence"],
            status=CoordinatedProject.Status.PREPARATION,
        ),
        by=users["emergence"],
        contributors=[partners["croix-rouge-francaise"]],
        needs=[need],
        actions=Action.objects.published().filter(partner=partners["emergence"])[:1],
    )
    request = services.expertise_request_create(
        group=housing,
        partner=partners["mission-locale"],
        subject="Jeunes de moins de 25 ans sans ressources",
        question="Quels dispositifs proposer aux jeunes de moins de 25 ans qui dorment à la rue ?",
        by=users["emergence"],
    )
    services.expertise_message_post(
        expertise_request=request,
        body="Le contrat d'engagement jeune ouvre une allocation : orientez-les vers nous.",
        by=users["mission-locale"],
        from_expert=True,
    )

    youth = services.group_create(
        theme=theme(*THEMES[1]),
        name="Jeunesse et emploi",
        slug="jeunesse-et-emploi",
        mission=DEMO_NOTICE
        + "Coordonner l'accompagnement des jeunes vers l'emploi et la formation.",
        created_at_plenary=plenary,
        by=staff,
    )
    seat = services.membership_request(
        group=youth, partner=partners["athenes"], by=users["athenes"]
    )
    services.membership_decide(seat=seat, accept=True, by=staff)
    services.pilot_designate(
        group=youth,
        user=users["athenes"],
        partner=partners["athenes"],
        started_on=today,
        minutes_reference="Relevé de décisions de la réunion de lancement, point 2",
        by=staff,
    )
    extra = (
        Partner.objects.filter(is_active=True, kind=Partner.Kind.ASSOCIATIVE)
        .exclude(slug__in=needed)
        .order_by("name")[:2]
    )
    for partner in extra:
        services.membership_add(group=youth, partner=partner, by=staff)
    youth_election = services.election_open(
        group=youth,
        opens_at=now - datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(days=10),
        term_starts_on=today + datetime.timedelta(days=11),
        tie_rule=Election.TieRule.LOT,
        by=staff,
    )
    services.candidacy_submit(
        election=youth_election, by=users["athenes"], partner=partners["athenes"]
    )

    services.group_create(
        theme=theme(*THEMES[2]),
        name="Accès aux droits",
        slug="acces-aux-droits",
        mission=DEMO_NOTICE + "Lutter contre le non-recours aux droits sociaux.",
        created_at_plenary=plenary,
        by=staff,
    )
    stdout.write("Groupes de travail : 3 groupes, un pilote élu, réunions, projet, expertise.")
