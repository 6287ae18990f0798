"""Demo content of the shell (development only: see `manage.py load_demo`): the two kinds of
staff (the demo agent in the "Agent du CCAS" group, and an administrator), and needs reported
by the public, one to triage with a contact, one without, one routed to the housing group (it
is among the group's needs), one dismissed. Loading it twice adds nothing."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from partners.demo import DEMO_ACCOUNTS, DEMO_DOMAIN, DEMO_PASSWORD
from utopia import needs
from utopia.models import NeedReport
from utopia.staff import AGENT_GROUP
from workgroups.models import WorkingGroup

DEMO_ADMIN = f"admin@{DEMO_DOMAIN}"


def load_staff() -> None:
    """The two kinds of staff, loaded before the apps' demos (which act as the agent): the
    demo agent, in the agents' group, and the administrator, a superuser."""
    User = get_user_model()
    agent, created = User.objects.get_or_create(
        email=DEMO_ACCOUNTS[0][0],
        defaults={"first_name": "Claire", "last_name": "Lambert", "is_staff": True},
    )
    if created:
        agent.set_password(DEMO_PASSWORD)
        agent.save()
    elif agent.is_superuser:  # a demo database loaded before agents and superusers parted
        agent.is_superuser = False
        agent.save(update_fields=["is_superuser"])
    agent.groups.add(Group.objects.get(name=AGENT_GROUP))
    if not User.objects.filter(email=DEMO_ADMIN).exists():
        User.objects.create_superuser(
            email=DEMO_ADMIN,
            password=DEMO_PASSWORD,
            first_name="Alex",
            last_name="Girard",
        )


def load(*, stdout) -> None:
    if NeedReport.objects.exists():
        stdout.write("Signalements de besoins : déjà chargés.")
        return
    staff = get_user_model().objects.filter(email=DEMO_ACCOUNTS[0][0]).first()
    needs.need_report_create(
        description=(
            "Des familles hébergées à l'hôtel n'ont aucun endroit où cuisiner ni laver le linge."
        ),
        place="Thionville centre",
        contact_name="Camille Exemple",
        contact_email="camille@exemple.fr",
        contact_consent=True,
    )
    needs.need_report_create(
        description="Pas d'aide aux devoirs gratuite après 17 h pour les collégiens du quartier.",
        place="Côte des Roses",
    )
    housing = WorkingGroup.objects.active().filter(slug="acces-au-logement").first()
    if staff and housing:
        routed = needs.need_report_create(
            description=(
                "Des personnes sortant de l'hôpital se retrouvent à la rue faute de solution "
                "d'hébergement prévue à l'avance."
            ),
            place="Hôpital Bel-Air",
        )
        needs.need_report_route(
            report=routed,
            group=housing,
            title="Sorties d'hôpital sans hébergement",
            note="Transmis au groupe : à voir avec l'hôpital.",
            by=staff,
        )
        dismissed = needs.need_report_create(description="Le parking de la gare est trop cher.")
        needs.need_report_dismiss(
            report=dismissed, note="Hors du champ de l'action sociale.", by=staff
        )
    stdout.write("Signalements de besoins : chargés.")
