from django.db import migrations

FIELDS = [
    ("Accès aux droits", "acces-aux-droits"),
    ("Alimentation et aide matérielle", "alimentation-aide-materielle"),
    ("Culture, sport et loisirs", "culture-sport-loisirs"),
    ("Enfance, jeunesse et familles", "enfance-jeunesse-familles"),
    ("Handicap", "handicap"),
    ("Insertion et emploi", "insertion-emploi"),
    ("Lien social et lutte contre l'isolement", "lien-social"),
    ("Logement et hébergement", "logement-hebergement"),
    ("Médiation et aide aux victimes", "mediation-aide-aux-victimes"),
    ("Personnes âgées", "personnes-agees"),
    ("Santé et addictions", "sante-addictions"),
    ("Égalité femmes-hommes", "egalite-femmes-hommes"),
]


def create_fields(apps, schema_editor):
    FieldOfAction = apps.get_model("partners", "FieldOfAction")
    for name, slug in FIELDS:
        FieldOfAction.objects.get_or_create(slug=slug, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(create_fields, migrations.RunPython.noop)]
