"""Demo content of the partners app (development only: see `manage.py load_demo`).

Demo accounts use the reserved `.test` domain, so they can never receive real mail; partner
details added here are marked as demo in the data they create."""

import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from partners import french, search
from partners.images import clean_image_upload
from partners.models import (
    Action,
    ActionTransition,
    FieldOfAction,
    Membership,
    Neighbourhood,
    Partner,
)

DEMO_PASSWORD = "utopia-demo-2026"
DEMO_DOMAIN = "demo.utopia.test"
DEMO_ACCOUNTS = [
    (f"ccas@{DEMO_DOMAIN}", "agente du CCAS (back-office /admin/)"),
    (f"emergence@{DEMO_DOMAIN}", "responsable de l'association Emergence"),
    (f"croix-rouge@{DEMO_DOMAIN}", "membre de la Croix-Rouge française"),
    (f"mission-locale@{DEMO_DOMAIN}", "membre de la Mission Locale (institution)"),
    (f"athenes@{DEMO_DOMAIN}", "membre de l'association Athenes"),
]

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

# Partners left without a correspondent (nor public address, nor account) in the demo, so that
# the convocation's coverage lists some to contact by post and the letters have something to
# print.
WITHOUT_CORRESPONDENT = {
    "amazone-team",
    "atav",
    "fomal",
    "societe-saint-vincent-de-paul",
    "valoprest",
}
# Fictional correspondents for the network, given in turn to the other partners.
CORRESPONDENTS = [
    ("Martine", "Keller"),
    ("Julien", "Schmitt"),
    ("Fatima", "Benali"),
    ("Thomas", "Muller"),
    ("Isabelle", "Weber"),
    ("Mehdi", "Haddad"),
    ("Catherine", "Klein"),
    ("Nicolas", "Becker"),
    ("Sandrine", "Wagner"),
    ("Yannick", "Hoffmann"),
    ("Aïcha", "Diallo"),
    ("Laurent", "Meyer"),
    ("Véronique", "Roth"),
    ("Pascal", "Fischer"),
    ("Nathalie", "Jung"),
    ("Stéphane", "Lang"),
    ("Élodie", "Bauer"),
    ("Rachid", "Mansouri"),
    ("Christine", "Schneider"),
    ("Olivier", "Zimmermann"),
    ("Hélène", "Kieffer"),
    ("David", "Thomas"),
]

# slug of a charter partner -> page details (fictional contact details for the demo)
DETAILS = {
    "ccas-de-la-ville-de-thionville": {
        "summary": "Le centre communal d'action sociale coordonne le réseau UTOPIA.",
        "description": "Le **CCAS** anime le réseau : plénières chaque semestre, appui aux "
        "groupes de travail et valorisation des actions des partenaires.",
        "fields": ["acces-aux-droits", "personnes-agees", "logement-hebergement"],
        "neighbourhood": "Centre-ville",
        "address": "Hôtel de Ville",
        "phone": "03 82 00 00 10",
        "email": f"accueil-ccas@{DEMO_DOMAIN}",
        "colour": (27, 74, 134),
    },
    "emergence": {
        "summary": "Accueil de jour, hébergement d'urgence et accompagnement vers le logement.",
        "description": "Emergence accueille les personnes sans domicile :\n\n"
        "- accueil de jour et petit déjeuner ;\n- domiciliation ;\n"
        "- accompagnement vers un logement durable.",
        "fields": ["logement-hebergement", "acces-aux-droits"],
        "neighbourhood": "Centre-ville",
        "address": "12 rue de l'Exemple",
        "public_served": "Adultes sans domicile ou mal logés",
        "opening_hours": "Du lundi au vendredi, de 8 h 30 à 12 h et de 14 h à 17 h",
        "phone": "03 82 00 00 20",
        "email": f"contact-emergence@{DEMO_DOMAIN}",
        "register_number": "Tribunal judiciaire de Thionville, volume 40, folio 12",
        "colour": (163, 21, 29),
    },
    "croix-rouge-francaise": {
        "summary": "Aide alimentaire, vestiboutique et secourisme à Thionville.",
        "description": "L'unité locale de la Croix-Rouge propose une **épicerie sociale**, une "
        "vestiboutique et des formations aux premiers secours.",
        "fields": ["alimentation-aide-materielle", "sante-addictions"],
        "neighbourhood": "Côte des Roses",
        "address": "5 place de l'Exemple",
        "phone": "03 82 00 00 30",
        "colour": (200, 16, 46),
    },
    "mission-locale": {
        "summary": "Accompagnement des jeunes de 16 à 25 ans vers l'emploi et la formation.",
        "fields": ["insertion-emploi", "enfance-jeunesse-familles"],
        "neighbourhood": "Centre-ville",
        "address": "3 avenue de l'Exemple",
        "public_served": "Jeunes de 16 à 25 ans sortis du système scolaire",
        "phone": "03 82 00 00 40",
        "colour": (0, 110, 80),
    },
    "athenes": {
        "summary": "Association à l'origine de la charte de développement social de 2006.",
        "fields": ["lien-social", "acces-aux-droits"],
        "neighbourhood": "Saint-Pierre",
        "colour": (90, 60, 140),
    },
    "secours-populaire-francais": {
        "summary": "Solidarité alimentaire, vacances pour tous et accès à la culture.",
        "fields": ["alimentation-aide-materielle", "culture-sport-loisirs"],
        "neighbourhood": "La Milliaire",
    },
    "centre-social-les-grands-chenes": {
        "summary": "Centre social de quartier : familles, jeunesse, accompagnement scolaire.",
        "fields": ["enfance-jeunesse-familles", "lien-social"],
        "neighbourhood": "Côte des Roses",
    },
    "association-vie-libre": {
        "summary": "Entraide et accompagnement des personnes en difficulté avec l'alcool.",
        "description": "Des bénévoles, anciens malades pour beaucoup, accueillent les "
        "personnes et leurs proches :\n\n- réunions d'entraide chaque semaine ;\n"
        "- écoute par téléphone ;\n- relais vers les soins.",
        "fields": ["sante-addictions", "lien-social"],
        "neighbourhood": "Centre-ville",
        "public_served": "Personnes concernées par l'alcool et leur entourage",
        "opening_hours": "Réunion le jeudi à 18 h 30",
    },
    "centre-culturel-jacques-brel": {
        "summary": "Spectacles, ateliers et pratiques artistiques pour tous les publics.",
        "description": "Le centre culturel propose une saison de spectacles, des ateliers de "
        "pratique amateur et des **places à tarif solidaire** pour les publics orientés par "
        "les partenaires du réseau.",
        "fields": ["culture-sport-loisirs", "lien-social"],
        "neighbourhood": "Centre-ville",
    },
    "afad": {
        "summary": "Aide et accompagnement à domicile des familles et des personnes âgées.",
        "description": "Les intervenantes de l'**AFAD** aident au quotidien les familles "
        "traversant une difficulté (naissance, maladie, séparation) et les personnes âgées "
        "qui souhaitent rester chez elles.",
        "fields": ["enfance-jeunesse-familles", "personnes-agees"],
        "neighbourhood": "Centre-ville",
        "public_served": "Familles et personnes âgées de Thionville et des environs",
        "opening_hours": "Accueil du lundi au vendredi, de 9 h à 12 h",
    },
    "espace-rencontre-service-mediation": {
        "summary": "Médiation familiale et lieu de rencontre parents-enfants.",
        "fields": ["mediation-aide-aux-victimes", "enfance-jeunesse-familles"],
        "neighbourhood": "Centre-ville",
        "public_served": "Parents séparés, enfants, familles en conflit",
    },
    "foyer-des-jeunes-travailleurs-les-3-frontieres": {
        "summary": "Logement et accompagnement des jeunes de 16 à 30 ans en formation ou en emploi.",
        "fields": ["logement-hebergement", "insertion-emploi"],
        "neighbourhood": "La Milliaire",
        "public_served": "Jeunes de 16 à 30 ans",
    },
    "tremplin": {
        "summary": "Chantiers d'insertion : un premier emploi accompagné vers un métier.",
        "fields": ["insertion-emploi"],
        "neighbourhood": "Hors Thionville",
    },
    "atav": {
        "summary": "Aide aux victimes d'infractions : écoute, information juridique, orientation.",
        "description": "L'**ATAV** reçoit gratuitement et confidentiellement toute personne "
        "victime d'une infraction, l'informe de ses droits et l'accompagne dans ses démarches.",
        "fields": ["mediation-aide-aux-victimes", "acces-aux-droits"],
        "neighbourhood": "Centre-ville",
        "public_served": "Victimes d'infractions et leurs proches",
    },
    "secours-catholique": {
        "summary": "Accueil, aide aux démarches et accompagnement des personnes isolées.",
        "fields": ["lien-social", "alimentation-aide-materielle"],
        "neighbourhood": "Saint-Pierre",
    },
    "ciff-cidif": {
        "summary": "Information juridique, accès aux droits des femmes et des familles.",
        "fields": ["acces-aux-droits", "egalite-femmes-hommes"],
        "neighbourhood": "Centre-ville",
    },
}


def demo_logo(text: str, colour: tuple[int, int, int]) -> ContentFile:
    """A plain generated logo: the demo downloads nothing."""
    image = Image.new("RGB", (320, 320), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 40, 280, 280), outline=(255, 255, 255), width=12)
    draw.text((160, 160), text, fill=(255, 255, 255), anchor="mm", font_size=72)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    upload = ContentFile(buffer.getvalue(), name="logo.png")
    upload.content_type = "image/png"
    return clean_image_upload(upload)


def load(*, stdout) -> None:
    for name in NEIGHBOURHOODS:
        Neighbourhood.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    for slug, details in DETAILS.items():
        partner = Partner.objects.filter(slug=slug).first()
        if partner is None or partner.summary:
            continue  # not imported, or already filled in (by the demo or by a person)
        partner.summary = details["summary"]
        partner.description = details.get("description", "")
        partner.public_served = details.get("public_served", "")
        partner.opening_hours = details.get("opening_hours", "")
        partner.address = details.get("address", "")
        partner.postal_code = "57100" if partner.address else ""
        partner.phone = details.get("phone", "")
        partner.email = details.get("email", "")
        partner.register_number = details.get("register_number", "")
        if details.get("neighbourhood"):
            partner.neighbourhood = Neighbourhood.objects.get(
                slug=slugify(details["neighbourhood"])
            )
        if details.get("colour"):
            initials = (partner.acronym or partner.name)[:3].upper()
            partner.logo = demo_logo(initials, details["colour"])
            partner.logo_alt = f"Logo {french.de(partner.name)}"
        partner.last_confirmed_at = timezone.now()
        # The partners are real Thionville associations: their pages say that this is an
        # example (partners/_demo_notice.html), so no invented fact passes for theirs.
        partner.is_demo = True
        partner.save()
        partner.fields_of_action.set(FieldOfAction.objects.filter(slug__in=details["fields"]))
    load_correspondents()
    # One directory entry left unconfirmed for two years, to show the freshness notice.
    Partner.objects.filter(slug="valoprest").update(
        last_confirmed_at=timezone.now() - timezone.timedelta(days=730)
    )
    User = get_user_model()
    staff, created = User.objects.get_or_create(
        email=DEMO_ACCOUNTS[0][0],
        defaults={
            "first_name": "Claire",
            "last_name": "Lambert",
            # An agent, not a superuser: the shell's demo (utopia/demo.py) gives the account
            # the "Agent du CCAS" group, and makes the separate administrator.
            "is_staff": True,
        },
    )
    # An account made by get_or_create has an empty password, which Django counts as
    # "usable": test for it, or the printed demo login would not work.
    if created or not staff.password or not staff.has_usable_password():
        staff.set_password(DEMO_PASSWORD)
        staff.save()
    members = [
        ("emergence", "Karim", "Benali", Membership.Role.MANAGER),
        ("croix-rouge-francaise", "Sophie", "Muller", Membership.Role.MEMBER),
        ("mission-locale", "Luc", "Schneider", Membership.Role.MEMBER),
        ("athenes", "Nadia", "Ferreira", Membership.Role.MEMBER),
    ]
    for (email, _description), (slug, first, last, role) in zip(
        DEMO_ACCOUNTS[1:], members, strict=True
    ):
        partner = Partner.objects.filter(slug=slug).first()
        if partner is None:
            continue
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, partner=partner, defaults={"role": role})
    load_actions(staff=staff)
    stdout.write("Partenaires : fiches de démonstration et comptes de démonstration prêts.")
    stdout.write(
        f"Actions : {Action.objects.published().count()} publiées, "
        f"{Action.objects.filter(status=Action.Status.SUBMITTED).count()} à relire dans le back-office."
    )


# --- Showcase of actions -------------------------------------------------------------------

# (slug, partner, kind, title, summary, days from today, start hour, hours long, status,
#  fields, colour of the generated picture, extra fields)
DEMO_ACTIONS = [
    (
        "petit-dejeuner-solidaire",
        "emergence",
        Action.Kind.EVENT,
        "Petit déjeuner solidaire",
        "Un petit déjeuner offert et un temps d'échange avec les travailleurs sociaux.",
        5,
        8,
        2,
        Action.Status.PUBLISHED,
        ["logement-hebergement", "lien-social"],
        (163, 21, 29),
        {"audience": "Toute personne sans domicile ou mal logée", "is_accessible": True},
    ),
    (
        "formation-premiers-secours",
        "croix-rouge-francaise",
        Action.Kind.EVENT,
        "Formation aux premiers secours (PSC1)",
        "Une journée pour apprendre les gestes qui sauvent, ouverte aux bénévoles du réseau.",
        12,
        9,
        8,
        Action.Status.PUBLISHED,
        ["sante-addictions"],
        (200, 16, 46),
        {"registration_url": f"https://{DEMO_DOMAIN}/inscription-psc1", "is_accessible": True},
    ),
    (
        "forum-emploi-jeunes",
        "mission-locale",
        Action.Kind.EVENT,
        "Forum de l'emploi des jeunes",
        "Employeurs, centres de formation et associations rencontrent les 16-25 ans.",
        20,
        10,
        6,
        Action.Status.PUBLISHED,
        ["insertion-emploi", "enfance-jeunesse-familles"],
        (0, 110, 80),
        {"co_organisers": ["ccas-de-la-ville-de-thionville"], "audience": "Jeunes de 16 à 25 ans"},
    ),
    (
        "permanence-acces-aux-droits",
        "ccas-de-la-ville-de-thionville",
        Action.Kind.SERVICE,
        "Permanence d'accès aux droits",
        "Chaque mardi matin, sans rendez-vous : aide aux démarches et orientation.",
        None,
        None,
        None,
        Action.Status.PUBLISHED,
        ["acces-aux-droits"],
        None,
        {"is_accessible": True},
    ),
    (
        "benevoles-accompagnement-scolaire",
        "athenes",
        Action.Kind.VOLUNTEERING,
        "Bénévoles pour l'accompagnement scolaire",
        "Une heure par semaine pour aider un élève du quartier Saint-Pierre dans ses devoirs.",
        None,
        None,
        None,
        Action.Status.PUBLISHED,
        ["enfance-jeunesse-familles", "lien-social"],
        (90, 60, 140),
        {},
    ),
    (
        "braderie-solidaire-automne",
        "secours-populaire-francais",
        Action.Kind.EVENT,
        "Braderie solidaire d'automne",
        "Vêtements, jouets et livres à petits prix : les bénéfices financent les vacances d'enfants.",
        -30,
        9,
        8,
        Action.Status.PUBLISHED,
        ["alimentation-aide-materielle"],
        None,
        {},
    ),
    (
        "collecte-vetements-hiver",
        "emergence",
        Action.Kind.EVENT,
        "Collecte de vêtements d'hiver",
        "Déposez manteaux, gants et couvertures à l'accueil de jour.",
        30,
        9,
        8,
        Action.Status.SUBMITTED,
        ["alimentation-aide-materielle"],
        None,
        {},
    ),
    (
        "atelier-cuisine-petit-budget",
        "emergence",
        Action.Kind.EVENT,
        "Atelier cuisine à petit budget",
        "Cuisiner équilibré avec les produits de l'épicerie sociale.",
        15,
        14,
        3,
        Action.Status.CHANGES_REQUESTED,
        ["alimentation-aide-materielle"],
        None,
        {},
    ),
    (
        "portes-ouvertes-accueil-de-jour",
        "emergence",
        Action.Kind.EVENT,
        "Portes ouvertes de l'accueil de jour",
        "Découvrir l'accueil de jour et rencontrer l'équipe.",
        40,
        14,
        3,
        Action.Status.DRAFT,
        ["logement-hebergement"],
        None,
        {},
    ),
]


DEMO_PLACES = {
    "petit-dejeuner-solidaire": "Accueil de jour d'Emergence",
    "formation-premiers-secours": "Locaux de l'unité locale",
    "forum-emploi-jeunes": "Salle Jean Burger",
    "permanence-acces-aux-droits": "Hôtel de Ville, accueil du CCAS",
    "benevoles-accompagnement-scolaire": "Centre social de Saint-Pierre",
    "braderie-solidaire-automne": "Place du Marché",
}


def load_correspondents() -> None:
    """A correspondent for most partners to reach (not those of WITHOUT_CORRESPONDENT); one
    already named, by the demo or by a person, is kept."""
    partners = (
        Partner.objects.to_reach()
        .filter(correspondent_email="")
        .exclude(slug__in=WITHOUT_CORRESPONDENT)
        .order_by("name")
    )
    for number, (partner, (first, last)) in enumerate(
        zip(partners, CORRESPONDENTS, strict=False), start=1
    ):
        local = f"{slugify(first)}.{slugify(last)}"
        partner.correspondent_name = f"{first} {last}"
        partner.correspondent_email = f"{local}@{DEMO_DOMAIN}"
        partner.correspondent_address = "\n".join(
            [partner.name, partner.address or f"{number * 4} rue de l'Exemple", "57100 Thionville"]
        )
        partner.save(
            update_fields=["correspondent_name", "correspondent_email", "correspondent_address"]
        )


def demo_picture(text: str, colour: tuple[int, int, int]) -> ContentFile:
    """A plain generated picture (the demo downloads nothing)."""
    image = Image.new("RGB", (1200, 800), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, 1140, 740), outline=(255, 255, 255), width=10)
    draw.text((600, 400), text, fill=(255, 255, 255), anchor="mm", font_size=64)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    upload = ContentFile(buffer.getvalue(), name="action.png")
    return clean_image_upload(upload)


def load_actions(*, staff) -> None:
    member_of = {
        membership.partner.slug: membership.user
        for membership in Membership.objects.select_related("partner", "user").filter(
            user__email__endswith=f"@{DEMO_DOMAIN}"
        )
    }
    today = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    for (
        slug,
        partner_slug,
        kind,
        title,
        summary,
        days,
        hour,
        hours,
        status,
        fields,
        colour,
        extra,
    ) in DEMO_ACTIONS:
        partner = Partner.objects.filter(slug=partner_slug).first()
        if partner is None or Action.objects.filter(slug=slug).exists():
            continue
        extra = dict(extra)
        co_organisers = extra.pop("co_organisers", [])
        starts_at = ends_at = None
        if days is not None:
            starts_at = (today + timezone.timedelta(days=days)).replace(hour=hour)
            ends_at = starts_at + timezone.timedelta(hours=hours)
        author = member_of.get(partner_slug, staff)
        action = Action(
            partner=partner,
            slug=slug,
            kind=kind,
            title=title,
            summary=summary,
            body=(
                f"Organisé par **{partner.name}** avec le soutien du réseau UTOPIA.\n\n"
                "- entrée libre et gratuite ;\n- renseignements auprès du contact ci-contre."
            ),
            starts_at=starts_at,
            ends_at=ends_at,
            place_name=DEMO_PLACES.get(slug, ""),
            address=partner.address,
            postal_code="57100",
            city="Thionville",
            contact=partner.phone or partner.email,
            created_by=author,
            is_demo=True,
            **extra,
        )
        if colour:
            # The default bitmap font has no accents: "Bénévoles" is drawn "Benevoles".
            action.image = demo_picture(search.normalize(title).split()[0].capitalize(), colour)
            action.image_alt = f"Affiche de l'action « {title} »"
        now = timezone.now()
        steps = [("", Action.Status.DRAFT, author, "")]
        if status != Action.Status.DRAFT:
            steps.append((Action.Status.DRAFT, Action.Status.SUBMITTED, author, ""))
            action.submitted_at = now
        if status == Action.Status.PUBLISHED:
            steps.append((Action.Status.SUBMITTED, status, staff, ""))
            action.published_at = now
        elif status == Action.Status.CHANGES_REQUESTED:
            steps.append(
                (
                    Action.Status.SUBMITTED,
                    status,
                    staff,
                    "Merci de préciser le lieu exact et le nombre de places.",
                )
            )
        action.status = status
        action.save()
        action.fields_of_action.set(FieldOfAction.objects.filter(slug__in=fields))
        action.co_organisers.set(Partner.objects.filter(slug__in=co_organisers))
        ActionTransition.objects.bulk_create(
            ActionTransition(action=action, from_status=a, to_status=b, by=by, message=message)
            for a, b, by, message in steps
        )
