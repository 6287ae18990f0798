"""The back-office as a CCAS agent (the "Agent du CCAS" group, not a superuser) uses it:
moderate an action from "À traiter" to its public page, route a need report, take a plenary
from planned to published minutes. axe-core checks every back-office page on the way."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from partners.models import Action
from plenaries.models import Plenary
from tests.browser.conftest import assert_accessible, login
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MembershipFactory,
    NeedReportFactory,
    PlenaryFactory,
    StaffFactory,
    WorkingGroupFactory,
)
from utopia.models import NeedReport
from utopia.staff import AGENT_GROUP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def agent(db):
    account = StaffFactory(
        email="claire@ccas-thionville.fr", first_name="Claire", is_superuser=False
    )
    account.groups.add(Group.objects.get(name=AGENT_GROUP))
    return account


def test_an_agent_moderates_an_action_from_the_to_do_list_to_the_public_page(page, agent):
    action = ActionFactory(status=Action.Status.SUBMITTED, title="Atelier numérique")
    login(page, agent)
    page.goto(page.base_url + "/admin/")
    assert_accessible(page)
    page.get_by_role("link", name="1 action attend la modération.").click()
    # axe reads the list once it is there, not the page the click leaves.
    expect(page).to_have_url(re.compile(r"/admin/partners/action/\?status__exact=submitted$"))
    expect(page.get_by_role("link", name="Décider")).to_be_visible()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Décider").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Atelier numérique")
    assert_accessible(page)
    # Refusing without a message is a field error; nothing is decided.
    page.get_by_role("button", name="Refuser").click()
    expect(page.locator(".errorlist")).to_contain_text("le message est obligatoire")
    assert_accessible(page)
    page.get_by_role("button", name="Publier").click()
    expect(page.locator(".messagelist")).to_contain_text("est publiée")
    assert_accessible(page)
    page.get_by_role("link", name="voir la page publique").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Atelier numérique")
    action.refresh_from_db()
    assert action.status == Action.Status.PUBLISHED


def test_an_agent_routes_a_need_report_to_a_group(page, agent):
    report = NeedReportFactory(description="Pas de laverie accessible le soir.")
    group = WorkingGroupFactory(name="Accès au logement")
    login(page, agent)
    page.goto(page.base_url + "/admin/utopia/needreport/?status__exact=new")
    assert_accessible(page)
    page.goto(page.base_url + f"/admin/utopia/needreport/{report.pk}/change/")
    expect(page.locator("#needreport_form")).to_contain_text("Pas de laverie accessible le soir.")
    assert_accessible(page)
    page.get_by_label("Orienter vers le groupe de travail").select_option(label=str(group))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    # axe reads the list the agent lands on once it is there, not the page still navigating.
    expect(page).to_have_url(re.compile(r"/admin/utopia/needreport/(\?.*)?$"))
    expect(page.locator(".messagelist")).to_be_visible()
    assert_accessible(page)
    report.refresh_from_db()
    assert report.status == NeedReport.Status.ROUTED
    assert report.routed_group == group


def test_an_agent_takes_a_plenary_from_planned_to_published_minutes(page, agent):
    plenary = PlenaryFactory(
        date=timezone.localdate() + datetime.timedelta(days=20),
        status=Plenary.Status.PREPARATION,
    )
    AgendaItemFactory(plenary=plenary)
    partner = MembershipFactory().partner
    login(page, agent)
    page.goto(page.base_url + f"/admin/plenaries/plenary/{plenary.pk}/change/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Convoquer")
    assert_accessible(page)
    page.get_by_role("button", name="Convoquer les partenaires").click()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Réponses")
    expect(page.locator('[aria-current="step"]')).to_contain_text("n'a pas répondu")
    assert_accessible(page)

    # The day of the plenary: held, attendance recorded, minutes written and published.
    Plenary.objects.filter(pk=plenary.pk).update(
        date=timezone.localdate(), registration_deadline=timezone.localdate()
    )
    page.reload()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Présences")
    page.get_by_role("button", name="Marquer comme tenue").click()
    expect(page.locator(".messagelist")).to_contain_text("marquée comme tenue")
    page.get_by_role("link", name="Saisir les présences").first.click()
    assert_accessible(page)
    plenary.attendances.create(partner=partner, status="present")
    page.goto(page.base_url + f"/admin/plenaries/plenary/{plenary.pk}/change/")
    expect(page.locator('[aria-current="step"]')).to_contain_text("Compte rendu")
    page.locator("#id_minutes").fill("Les partenaires ont fait le bilan.")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.locator('[aria-current="step"]')).to_contain_text("Publier")
    page.get_by_role("button", name="Publier le compte rendu").click()
    expect(page.locator(".messagelist")).to_contain_text("Le compte rendu est publié.")
    assert_accessible(page)
    plenary.refresh_from_db()
    assert plenary.status == Plenary.Status.HELD
    assert plenary.minutes_published_on is not None
