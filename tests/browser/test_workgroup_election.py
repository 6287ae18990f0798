"""A pilot election as people live it: staff open it, a representative stands, each member
partner votes once, staff close it, and the public group page shows the new pilot. axe-core
checks every page on the way."""

import pytest

from partners.models import Membership
from tests.browser.conftest import assert_accessible, login
from tests.factories import (
    GroupMembershipFactory,
    MembershipFactory,
    PartnerFactory,
    PilotTermFactory,
    RepresentativeFactory,
    StaffFactory,
    UserFactory,
    WorkingGroupFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def representative(group, partner_name, first_name, last_name):
    partner = PartnerFactory(name=partner_name)
    user = UserFactory(first_name=first_name, last_name=last_name)
    seat = GroupMembershipFactory(group=group, partner=partner)
    RepresentativeFactory(seat=seat, membership=MembershipFactory(user=user, partner=partner))
    return user, partner


def logout(page):
    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_load_state()


def test_an_election_from_opening_to_the_new_pilot_on_the_public_page(page):
    group = WorkingGroupFactory(name="Accès au logement", slug="acces-au-logement")
    nadia, athenes = representative(group, "Athenes", "Nadia", "Benali")
    karim, _emergence = representative(group, "Emergence", "Karim", "Schmitt")
    PilotTermFactory(group=group, user=nadia, partner=athenes)
    staff = StaffFactory()
    assert Membership.objects.count() == 2

    # Staff open the election; the new pilot takes office on the day of the result.
    login(page, staff)
    page.goto(page.base_url + "/groupes/acces-au-logement/espace/pilote/")
    assert_accessible(page)
    page.get_by_role("link", name="Ouvrir l'élection du pilote").click()
    assert_accessible(page)
    today = page.get_by_label("Ouverture du vote").input_value()[:10]
    page.get_by_label("Prise de fonctions de la personne élue").fill(today)
    page.get_by_label("tirage au sort", exact=True).check()
    page.get_by_role("button", name="Ouvrir l'élection").click()
    page.wait_for_load_state()
    assert "L'élection est ouverte" in page.content()
    election_url = page.url
    assert_accessible(page)
    logout(page)

    # Karim stands and votes for himself on behalf of Emergence.
    login(page, karim)
    page.goto(election_url)
    page.get_by_role("button", name="Me porter candidat(e)").click()
    page.wait_for_load_state()
    assert "Votre candidature est enregistrée" in page.content()
    page.get_by_label("Karim Schmitt (Emergence)").check()
    page.get_by_role("button", name="Déposer le bulletin").click()
    page.wait_for_load_state()
    assert "Le bulletin d'Emergence est déposé" in page.content()
    assert_accessible(page)
    logout(page)

    # Nadia votes for Karim on behalf of Athenes.
    login(page, nadia)
    page.goto(election_url)
    page.get_by_label("Karim Schmitt (Emergence)").check()
    page.get_by_role("button", name="Déposer le bulletin").click()
    page.wait_for_load_state()
    logout(page)

    # Every member partner voted: staff close it and the counts are published.
    login(page, staff)
    page.goto(election_url)
    page.get_by_role("button", name="Clôturer l'élection et publier les résultats").click()
    page.wait_for_load_state()
    assert "les résultats sont publiés" in page.content()
    assert_accessible(page)
    logout(page)

    page.goto(page.base_url + "/groupes/acces-au-logement/")
    assert "Karim Schmitt" in page.locator("#pilote-actuel").inner_text()
    assert "Nadia Benali" in page.content()  # the history of pilots
    assert_accessible(page)
