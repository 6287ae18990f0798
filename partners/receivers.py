"""Receivers of Django's signals: the auth framework's login, and the end of `migrate`."""

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import timezone

from partners.models import Partner

# The network's fields of action, as the CCAS named them when the portal opened.
FIELDS_OF_ACTION = [
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


def record_last_login(sender, user, **kwargs):
    """Django's own receiver saves the whole account, which the audit history records as a
    change: every login then added a row to it, noise that hid the real changes. The date is
    written alone, without a history row."""
    user.last_login = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=user.last_login)


def create_fields_of_action(
    sender, *, plan=None, using=DEFAULT_DB_ALIAS, apps=global_apps, **kwargs
):
    """The network's fields of action, made when `migrate` creates the partners app's tables
    (a new database), as the data migration this replaces did.

    Never after: `migrate` runs at every deployment and the CCAS edits the list in the
    back-office, so a field of action staff deleted must not come back, nor one whose slug
    they changed be made again (its name is unique). `flush` is no `migrate` and leaves the
    database empty, ready for a `loaddata` restore. Only an empty table is filled (`migrate
    --fake-initial` keeps its rows). bulk_create, like the data migration, writes no history.
    """
    created_now = any(
        migration.app_label == "partners" and migration.initial and not backwards
        for migration, backwards in plan or ()
    )
    if not created_now:
        return
    FieldOfAction = apps.get_model("partners", "FieldOfAction")
    if not router.allow_migrate_model(using, FieldOfAction):
        return
    manager = FieldOfAction._default_manager.db_manager(using)
    if not manager.exists():
        manager.bulk_create(FieldOfAction(name=name, slug=slug) for name, slug in FIELDS_OF_ACTION)


def refresh_partner_search_text(sender, *, instance, action, reverse, pk_set, **kwargs):
    """A partner's search text holds the names of its fields of action ("logement" finds the
    partners in "Logement et hébergement"): it follows their changes, from either side."""
    if action == "pre_clear" and reverse:
        instance._partners_before_clear = list(instance.partners.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        Partner.objects.filter(pk=instance.pk).refresh_search_text()
    else:
        pks = (
            pk_set
            if action != "post_clear"
            else instance.__dict__.pop("_partners_before_clear", [])
        )
        Partner.objects.filter(pk__in=pks).refresh_search_text()


def refresh_field_of_action_partners(sender, *, instance, **kwargs):
    """A renamed field of action renames itself in its partners' search text."""
    if kwargs.get("raw"):
        return
    instance.partners.all().refresh_search_text()


def remember_field_of_action_partners(sender, *, instance, **kwargs):
    instance._partners_before_delete = list(instance.partners.values_list("pk", flat=True))


def refresh_after_field_of_action_deleted(sender, *, instance, **kwargs):
    pks = instance.__dict__.pop("_partners_before_delete", [])
    Partner.objects.filter(pk__in=pks).refresh_search_text()
