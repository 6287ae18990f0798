"""The plenaries app's blocks on the home page and in "Mon espace" (see utopia/sections.py)."""

from partners.rules import member_memberships, member_partner_ids
from plenaries.models import Plenary, Registration, Theme
from plenaries.services import participation_rates
from plenaries.sitemaps import PlenaryListSitemap, PlenarySitemap


def next_plenary():
    return Plenary.objects.announced().upcoming().prefetch_related("agenda_items").first()


def home_context(request) -> dict:
    return {"next_plenary": next_plenary(), "current_themes": list(Theme.objects.current())}


def member_space_context(request) -> dict:
    partner_ids = member_partner_ids(request.user)
    partners = [membership.partner for membership in member_memberships(request.user)]
    rates = participation_rates(partner_ids)
    # The block names the next plenary and links to it; its agenda is on the plenary's page.
    plenary = Plenary.objects.announced().upcoming().first()
    answers = {}
    if plenary is not None and plenary.status == Plenary.Status.CONVENED:
        answers = {
            registration.partner_id: registration
            for registration in Registration.objects.filter(
                plenary=plenary, partner_id__in=partner_ids
            )
        }
    return {
        "next_plenary": plenary,
        "participation": [
            {"partner": partner, "answer": answers.get(partner.pk), **rates[partner.pk]}
            for partner in partners
        ],
    }


SITEMAPS = {"plenaries": PlenarySitemap, "plenaries_list": PlenaryListSitemap}
