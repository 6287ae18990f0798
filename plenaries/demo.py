"""Demo content of the plenaries app (development only: see `manage.py load_demo`): the two
last semesters' plenaries, held, with minutes, decisions and themes, and the next one convened.
Running it again changes nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from partners.demo import DEMO_ACCOUNTS
from partners.models import Partner
from plenaries import services
from plenaries.models import (
    AgendaItem,
    Attendance,
    Plenary,
    Registration,
    semester_bounds,
    semester_of,
)
from plenaries.models.plenary import Visibility

PLACE = ("Salle des fêtes de l'Hôtel de Ville", "11 rue Georges Ditsch, 57100 Thionville")

# Demo plenaries have no flag of their own: their texts say that they are examples.
DEMO_NOTICE = (
    "*Exemple de démonstration : cette plénière et son compte rendu sont inventés pour "
    "présenter le portail.*\n\n"
)

AGENDA = [
    ("Accueil par la vice-présidente du CCAS", "CCAS"),
    ("Bilan des groupes de travail", "Pilotes des groupes"),
    ("Présentation d'actions de partenaires", ""),
    ("Thèmes prioritaires du semestre", "CCAS"),
    ("Questions diverses", ""),
]

PAST = [
    {
        # The page lists the decisions under its own heading: the minutes do not repeat it.
        "minutes": DEMO_NOTICE + "## Participants\n\nDix-huit partenaires étaient présents ou "
        "représentés.\n\n## Bilan\n\nLes partenaires ont présenté le guide des permanences "
        "d'accès aux droits et retenu deux thèmes prioritaires.",
        "visibility": Visibility.PUBLIC,
        "decisions": [
            ("Approbation du compte rendu de la plénière précédente", None),
            (
                "Adoption du thème « Accès aux droits »",
                (
                    "Accès aux droits",
                    "Faire connaître les permanences et simplifier les démarches.",
                ),
            ),
            (
                "Adoption du thème « Logement et hébergement »",
                (
                    "Logement et hébergement",
                    "Construire des parcours sans rupture de la rue vers le logement.",
                ),
            ),
        ],
        "attendance": {
            "emergence": Attendance.Status.PRESENT,
            "croix-rouge-francaise": Attendance.Status.PRESENT,
            "mission-locale": Attendance.Status.REPRESENTED,
            "athenes": Attendance.Status.EXCUSED,
        },
    },
    {
        "minutes": DEMO_NOTICE + "## Bilan du semestre\n\nLes groupes de travail ont présenté "
        "leurs avancées.\n\n## Échanges entre partenaires\n\nCe compte rendu contient des échanges internes au "
        "réseau : il est réservé aux membres.",
        "visibility": Visibility.NETWORK,
        "decisions": [
            (
                "Adoption du thème « Insertion des jeunes »",
                (
                    "Insertion des jeunes",
                    "Accompagner les 16-25 ans vers l'emploi et la formation.",
                ),
            ),
        ],
        "attendance": {
            "emergence": Attendance.Status.PRESENT,
            "croix-rouge-francaise": Attendance.Status.ABSENT,
            "mission-locale": Attendance.Status.PRESENT,
            "athenes": Attendance.Status.PRESENT,
        },
    },
]


def previous_semester(year: int, semester: int) -> tuple[int, int]:
    return (year, 1) if semester == 2 else (year - 1, 2)


def _middle(year: int, semester: int) -> datetime.date:
    start, _end = semester_bounds(year, semester)
    return start + datetime.timedelta(days=80)


def load(*, stdout) -> None:
    staff = get_user_model().objects.filter(email=DEMO_ACCOUNTS[0][0]).first()
    today = timezone.localdate()
    upcoming_date = today + datetime.timedelta(days=21)
    if upcoming_date.weekday() >= 5:
        upcoming_date += datetime.timedelta(days=7 - upcoming_date.weekday())
    upcoming_semester = semester_of(upcoming_date)
    semesters = [previous_semester(*upcoming_semester)]
    semesters.insert(0, previous_semester(*semesters[0]))
    for (year, semester), details in zip(semesters, PAST, strict=True):
        if Plenary.objects.filter(year=year, semester=semester).exists():
            continue
        plenary = _create(year, semester, min(_middle(year, semester), today), staff)
        plenary.status = Plenary.Status.CONVENED
        plenary.save()
        for slug, status in details["attendance"].items():
            partner = Partner.objects.filter(slug=slug).first()
            if partner is not None:
                services.attendance_record(
                    plenary=plenary,
                    partner=partner,
                    status=status,
                    persons_present="Personne de démonstration"
                    if status == Attendance.Status.PRESENT
                    else "",
                    by=staff,
                )
        plenary.refresh_from_db()
        services.plenary_mark_held(plenary=plenary, by=staff)
        for title, theme in details["decisions"]:
            decision = services.decision_record(plenary=plenary, title=title, by=staff)
            if theme is not None:
                services.theme_adopt(
                    decision=decision, name=theme[0], description=theme[1], by=staff
                )
        plenary.minutes = details["minutes"]
        plenary.save()
        services.minutes_publish(
            plenary=plenary,
            by=staff,
            visibility=details["visibility"],
            today=min(plenary.date + datetime.timedelta(days=15), today),
        )
    year, semester = upcoming_semester
    if not Plenary.objects.filter(year=year, semester=semester).exists():
        plenary = _create(year, semester, upcoming_date, staff)
        # Convened without sending email: the demo's accounts have nobody behind them.
        plenary.status = Plenary.Status.CONVENED
        plenary.convened_at = timezone.now()
        plenary.convened_by = staff
        plenary.registration_deadline = upcoming_date - datetime.timedelta(days=5)
        plenary.save()
        croix_rouge = Partner.objects.filter(slug="croix-rouge-francaise").first()
        if croix_rouge is not None:
            Registration.objects.create(
                plenary=plenary,
                partner=croix_rouge,
                answer=Registration.Answer.ATTENDING,
                attendee_count=2,
                attendee_names="Sophie Muller\nPaul Hoffmann",
                answered_by=get_user_model().objects.filter(email=DEMO_ACCOUNTS[2][0]).first(),
            )
    stdout.write("Plénières : deux plénières tenues avec comptes rendus, la prochaine convoquée.")


def _create(year: int, semester: int, date: datetime.date, staff) -> Plenary:
    plenary = Plenary(
        year=year,
        semester=semester,
        date=date,
        start_time=datetime.time(14, 0),
        end_time=datetime.time(17, 0),
        place=PLACE[0],
        address=PLACE[1],
        introduction=DEMO_NOTICE
        + "La plénière réunit chaque semestre les partenaires du réseau UTOPIA.",
    )
    services.plenary_save(plenary=plenary, by=staff)
    for order, (title, speaker) in enumerate(AGENDA, start=1):
        AgendaItem.objects.create(plenary=plenary, order=order, title=title, speaker=speaker)
    return plenary
