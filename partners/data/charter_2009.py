"""The founding charter of 26 May 2009, transcribed from `shared/charter/` (a scan flattened
line by line). Where several "Pour l'Association ..." headings come first and several names
follow, the names belong to the headings in the same order; that reading is written out here,
partner by partner. Illegible names are left empty with a note: never invent a name."""

import datetime

from partners.models import Partner

SIGNED_ON = datetime.date(2009, 5, 26)
VERSION = "2009"
TITLE = "Charte UTOPIA — Union Thionvilloise pour l'Optimisation des Pratiques Inter Associatives"
PLACE = "Thionville"

TEXT = """\
> « La cohésion sociale est sans doute le défi majeur auquel les sociétés modernes sont \
confrontées, la société française en particulier. En effet, l'individualisme contemporain et le \
consumérisme s'accompagnent d'un certain recul des valeurs fondant le vivre-ensemble, au moment \
où le relativisme scientifique tend à faire douter de tout et où la mondialisation met en cause \
les identités nationales et régionales. L'individu se trouve aujourd'hui confronté à trois \
sources de fragilité : une précarité économique, une précarité identitaire, une précarité \
relationnelle ». *(Extrait de l'intervention de Monsieur Eric Pélisson, haut-fonctionnaire, \
ancien sous-préfet ville, enseignant à sciences po Paris et sciences po Lille lors du Colloque \
Territoires, Action Sociale et Emploi des 22 et 23 juin 2006).*

Ce défi, le CCAS de la Ville de Thionville a décidé de le relever avec l'aide de tous ceux qui \
œuvrent au quotidien pour enrichir le lien social dans notre commune.

# I – Les valeurs

Il s'agit ici de lutter contre la précarité relationnelle en mettant en place un développement \
social local qui est une manière de repenser l'action publique à la fois en partant des besoins \
exprimés par la population du territoire concerné et en définissant avec l'ensemble des \
partenaires associatifs et institutionnels un projet global.

Le développement social local à Thionville résultera de l'action coordonnée de l'ensemble des \
partenaires associatifs et institutionnels qui agissent dans le domaine social.

Aussi, pour favoriser davantage la prise d'initiatives et rendre un service toujours plus adapté \
aux besoins des populations en difficulté, l'instauration d'un partenariat formalisé est \
indispensable : c'est l'objet d'UTOPIA.

UTOPIA, dans le prolongement du partenariat amorcé par la Charte de développement social signée \
en 2006 à l'initiative de l'association ATHENES, se veut un outil fédérateur de tous les acteurs \
porteurs de projets à vocation sociale.

# II – La méthode de travail

- Des réunions plénières dont l'organisation et le secrétariat seront assumés par le CCAS de la \
Ville de THIONVILLE se tiendront **semestriellement**,
- Elles définiront des thématiques prioritaires autour desquelles se constitueront des groupes \
de travail,
- Chaque groupe de travail désignera un pilote en son sein,
- Chaque groupe déterminera sa propre organisation interne.

# III – Les engagements

Les **partenaires associatifs** s'engagent à :

- contribuer activement et à enrichir la réflexion initiée dans chaque groupe de travail ;
- échanger avec les partenaires du réseau toutes les informations utiles à la promotion et à la \
coordination des actions existantes ainsi qu'à leur amélioration ;
- coopérer au montage éventuel de projets coordonnés destinés à satisfaire les besoins repérés.

Les **partenaires institutionnels** intéressés par cette démarche, pourront être représentés \
dans les groupes de travail selon leurs spécificités. Ils pourront être sollicités pour leur \
expertise en fonction des projets envisagés.

Le **CCAS de la Ville de Thionville** s'engage à coordonner le fonctionnement d'UTOPIA et à y \
apporter tous les appuis techniques nécessaires. Il s'engage à faire connaître et valoriser \
toutes les actions des partenaires au travers de son site internet.

THIONVILLE, le 26 mai 2009
"""

ASSOCIATIVE = Partner.Kind.ASSOCIATIVE
INSTITUTIONAL = Partner.Kind.INSTITUTIONAL
COORDINATOR = Partner.Kind.COORDINATOR

# (partner name, acronym, kind, [(civility, name, role)], review note or "").
# Kinds are a first reading for CCAS staff to confirm in the back-office: the scan says
# "Pour l'Association" for associations, and names institutions by themselves.
SIGNATORIES = [
    (
        "CCAS de la Ville de Thionville",
        "CCAS",
        COORDINATOR,
        [("M.", "Bertrand MERTZ", "Président")],
        "",
    ),
    ("Amis sans Frontières", "", ASSOCIATIVE, [("Mme", "Françoise HUSER", "Présidente")], ""),
    ("Apolo'J", "", ASSOCIATIVE, [("Mme", "Geneviève NIKOLIC", "Présidente")], ""),
    # Three headings, then three names, in the same order.
    ("Amazone Team", "", ASSOCIATIVE, [("Mme", "Anne DE BIASO", "Présidente")], ""),
    ("Association Vie Libre", "", ASSOCIATIVE, [("Mme", "Christine BURCHARD", "Présidente")], ""),
    ("Athenes", "", ASSOCIATIVE, [("M.", "Robert MALGRAS", "Président")], ""),
    # Three headings, then three names, in the same order.
    (
        "Croix-Rouge française",
        "",
        ASSOCIATIVE,
        [("M.", "Alphonse LEININGER", "Vice-Président")],
        "",
    ),
    ("Emergence", "", ASSOCIATIVE, [("Mme", "Nicole DUMAY", "Présidente")], ""),
    (
        "Centre Culturel Jacques Brel",
        "",
        ASSOCIATIVE,
        [("M.", "Jean-Yves THISSE", "Administrateur")],
        "",
    ),
    ("CSCTE « Le Lierre »", "CSCTE", ASSOCIATIVE, [("M.", "Roger RICHARD", "Président")], ""),
    ("Mission Locale", "", INSTITUTIONAL, [("Mme", "Brigitte VAISSE", "Présidente")], ""),
    ("A.F.A.D.", "AFAD", ASSOCIATIVE, [("Mme", "Michèle CRONE", "Directrice-Adjointe")], ""),
    ("C.I.F.F.-C.I.D.I.F.", "", ASSOCIATIVE, [("Me", "Aline MAITRESSE", "Juriste")], ""),
    (
        "Centre Social « Les Grands Chênes »",
        "",
        ASSOCIATIVE,
        [("Mme", "Yveline CORTESE", "Présidente")],
        "",
    ),
    (
        "Secours Populaire Français",
        "",
        ASSOCIATIVE,
        [("Mme", "Marie-Thérèse SIMON", "Présidente")],
        "",
    ),
    (
        "Collectif Thionvillois d'Action Humanitaire",
        "",
        ASSOCIATIVE,
        [("M.", "Gérard SCHANNE", "Président")],
        "",
    ),
    (
        "Espace Rencontre Service Médiation",
        "",
        ASSOCIATIVE,
        [("M.", "Gilles THOMAS", "Directeur")],
        "",
    ),
    ("FOMAL", "FOMAL", ASSOCIATIVE, [("M.", "Bernard FRIGERIO", "Président")], ""),
    # Two signatories: its president and its director.
    (
        "Foyer des Jeunes Travailleurs « Les 3 Frontières »",
        "FJT",
        ASSOCIATIVE,
        [("", "Jean PASTOR", "Président"), ("Mme", "Chantal NIEDERCORN", "Directrice")],
        "",
    ),
    # The second "Jean-Claude Groborne" is his handwritten signature, not a second person.
    ("TREMPLIN", "", ASSOCIATIVE, [("M.", "Jean-Claude GROBORNE", "Président")], ""),
    # "E. Parachini" is her handwritten signature.
    ("VALOPREST", "", ASSOCIATIVE, [("Mme", "Elisabeth PARACHINI", "Directrice")], ""),
    (
        "Centre Social « Jacques Prévert »",
        "",
        ASSOCIATIVE,
        [("M.", "Gérard FRANCK", "Président")],
        "",
    ),
    (
        "Centre Social « Saint-Michel »",
        "",
        ASSOCIATIVE,
        [("M.", "Christian WALDUNG", "Directeur")],
        "",
    ),
    ("ATAV", "ATAV", ASSOCIATIVE, [("Me", "Eden PONTIDA", "Président")], ""),
    (
        "Association « PASSAGE »",
        "PASSAGE",
        ASSOCIATIVE,
        [("M.", "Djillali MOKEDDEM", "Responsable")],
        "",
    ),
    # The last lines of the scan are unclear: the signatory is left for staff to read on the
    # original; the raw text is kept in the note.
    (
        "Secours Catholique",
        "",
        ASSOCIATIVE,
        [("", "", "")],
        "Fin de page peu lisible sur le scan : « SECOURS CATHOLIQUE N.A Douzel J.P. BOUCHES ». "
        "Nom et qualité du signataire à vérifier sur l'original.",
    ),
    (
        "Société Saint-Vincent-de-Paul",
        "",
        ASSOCIATIVE,
        [("", "", "")],
        "Le scan porte « Saint-Denis de Paul », très probablement la Société "
        "Saint-Vincent-de-Paul ; nom du partenaire et du signataire à vérifier sur l'original.",
    ),
]
