"""The back-office's titles in French that agrees with each list's noun.

Django builds its page titles from one phrase per page for every model ("Change %s" becomes
« Modification de action », "Select %s to change" « Sélectionnez l'objet action à changer »): no
catalog can give each noun its article and gender. The back-office's site (utopia/admin_site.py)
retitles its pages here, from the model's verbose_name and its gender; the remaining generic
phrases are worded to need no agreement in the project's catalog (locale/fr/LC_MESSAGES).
"""

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

# Models whose verbose_name is a feminine noun; every other one is masculine.
FEMININE = {
    "partners.action",
    "partners.charter",
    "partners.signature",
    "partners.invitation",
    "partners.accessrequest",
    "plenaries.plenary",
    "plenaries.registration",
    "plenaries.attendance",
    "utopia.digestissue",
    "utopia.emailpreferences",
    "workgroups.election",
    "workgroups.meeting",
    "workgroups.expertiserequest",
    "axes.accessattempt",
    "axes.accesslog",
}
# The article elides before these (no model's noun starts with an h).
VOWELS = "aàâeéèêëiîïoôuùûyœ"


def _feminine(opts) -> bool:
    return opts.label_lower in FEMININE


def _elides(noun: str) -> bool:
    return noun[:1].lower() in VOWELS


def indefinite(opts) -> str:
    """« une action », « un partenaire »."""
    return f"{_('une') if _feminine(opts) else _('un')} {opts.verbose_name}"


def definite(opts) -> str:
    """« l'action », « la plénière », « le partenaire »."""
    noun = str(opts.verbose_name)
    if _elides(noun):
        return f"l’{noun}"
    return f"{_('la') if _feminine(opts) else _('le')} {noun}"


def add_label(opts) -> str:
    return _("Ajouter %(noun)s") % {"noun": indefinite(opts)}


def retitle(response, request) -> None:
    """Give a model page of the back-office (list, form, deletion, history) its French title;
    other pages are left as their view made them."""
    if not isinstance(response, TemplateResponse) or not response.context_data:
        return
    context = response.context_data
    opts = context.get("opts")
    if opts is None or not hasattr(opts, "label_lower"):
        return
    context["utopia_add_label"] = add_label(opts)
    obj = context.get("original") or context.get("object")
    if "cl" in context:
        can_change = context["cl"].model_admin.has_change_permission(request)
        verb = _("modifier") if can_change else _("consulter")
        context["title"] = _("Choisir %(noun)s à %(verb)s") % {
            "noun": indefinite(opts),
            "verb": verb,
        }
    elif "adminform" in context and context.get("add"):
        context["title"] = add_label(opts)
    elif "adminform" in context and obj is not None:
        verb = _("Modifier") if context.get("has_change_permission") else _("Consulter")
        context["title"] = _("%(verb)s %(noun)s « %(object)s »") % {
            "verb": verb,
            "noun": definite(opts),
            "object": obj,
        }
        context["subtitle"] = None
    elif "deleted_objects" in context and obj is not None:
        context["title"] = _("Supprimer %(noun)s « %(object)s » ?") % {
            "noun": definite(opts),
            "object": obj,
        }
        context["subtitle"] = None
    elif "action_list" in context and obj is not None:
        context["title"] = _("Historique des modifications de « %(object)s »") % {"object": obj}
        context["subtitle"] = None
