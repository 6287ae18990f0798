"""A plenary's life as the steps an agent takes it through, for its back-office page: Planifier
→ Convoquer → Réponses → Présences → Compte rendu → Publier. Each step says whether it is
done, what is missing in words, and where it is done; the current step is the first one not
done. A few counts per plenary, whatever the size of the network."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.models import Partner
from plenaries.models import Plenary

# Steps run by a button on the plenary's page (a POST to the step's URL), with their service
# in plenaries/admin.py.
POSTED_STEPS = ("convoquer", "tenue", "publier")


@dataclass
class Step:
    key: str
    label: str
    done: bool
    missing: str = ""  # what is missing, in words, while the step is not done
    url: str = ""  # the step's screen
    link_text: str = ""
    action: str = ""  # a step run by a button: its POSTED_STEPS name
    action_text: str = ""
    current: bool = False


def _convene_url(plenary: Plenary) -> str:
    # The coverage and letters page of the reach issue, once it is on the site.
    try:
        return reverse("admin:plenaries_plenary_convene", args=[plenary.pk])
    except NoReverseMatch:
        return ""


def plenary_steps(plenary: Plenary) -> list[Step]:
    today = timezone.localdate()
    status = plenary.status
    convened = status in (Plenary.Status.CONVENED, Plenary.Status.HELD)
    held = status == Plenary.Status.HELD
    has_agenda = plenary.agenda_items.exists()
    partners = Partner.objects.active().count()
    answered = plenary.registrations.count()
    recorded = plenary.attendances.count()
    has_minutes = bool(plenary.minutes.strip() or plenary.minutes_pdf)
    change_url = reverse("admin:plenaries_plenary_change", args=[plenary.pk])

    convene_url = _convene_url(plenary)
    steps = [
        Step(
            "planifier",
            _("Planifier"),
            done=has_agenda and bool(plenary.place),
            missing=" ".join(
                text
                for text, lacking in (
                    (_("L'ordre du jour est vide."), not has_agenda),
                    (_("Le lieu n'est pas indiqué."), not plenary.place),
                )
                if lacking
            ),
            url=f"{change_url}#plenary_form",
            link_text=_("Date, lieu et ordre du jour"),
        ),
        Step(
            "convoquer",
            _("Convoquer"),
            done=convened,
            missing=_("Les partenaires ne sont pas encore convoqués."),
            url=convene_url,
            link_text=_("Destinataires et courriers"),
            action="convoquer",
            action_text=_("Convoquer les partenaires"),
        ),
        Step(
            "reponses",
            _("Réponses"),
            done=held or (convened and (answered >= partners or plenary.date <= today)),
            missing=ngettext(
                "%(count)d partenaire n'a pas répondu.",
                "%(count)d partenaires n'ont pas répondu.",
                max(partners - answered, 0),
            )
            % {"count": max(partners - answered, 0)},
            url=reverse("plenaries:registrations", args=[plenary.year, plenary.semester]),
            link_text=_("Réponses des partenaires"),
        ),
        Step(
            "presences",
            _("Présences"),
            done=held and recorded > 0,
            missing=(
                _("La plénière est prévue le %(date)s.")
                % {"date": plenary.date.strftime("%d/%m/%Y")}
                if plenary.date > today
                else _("Les présences ne sont pas saisies.")
                if not recorded
                else _("La plénière n'est pas marquée comme tenue.")
            ),
            url=reverse("admin:plenaries_plenary_attendance", args=[plenary.pk]),
            link_text=_("Saisir les présences"),
            action="tenue" if convened and not held and plenary.date <= today else "",
            action_text=_("Marquer comme tenue"),
        ),
        Step(
            "compte-rendu",
            _("Compte rendu"),
            done=has_minutes,
            missing=_("Le compte rendu n'est pas rédigé."),
            url=f"{change_url}#id_minutes",
            link_text=_("Rédiger le compte rendu"),
        ),
        Step(
            "publier",
            _("Publier"),
            done=plenary.minutes_published_on is not None,
            missing=_("Le compte rendu n'est pas publié."),
            action="publier" if held and has_minutes and not plenary.minutes_published_on else "",
            action_text=_("Publier le compte rendu"),
        ),
    ]
    if status != Plenary.Status.CANCELLED:
        current = next((step for step in steps if not step.done), None)
        if current is not None:
            current.current = True
    return steps
