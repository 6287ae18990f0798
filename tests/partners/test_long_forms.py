"""Long forms (a partner's page, an action) come in sections under headings, the optional
parts folded; a refused or filled optional part is open."""

import re

import pytest

from tests import images
from tests.factories import ActionFactory, PartnerFactory
from tests.partners.test_action_member_pages import form_data

pytestmark = pytest.mark.django_db


def sections(html):
    return re.findall(
        r'<legend class="form-section__legend"><h2 class="h4 mb-0">([^<]+)</h2>', html
    )


def folded(html):
    return {
        title: bool(is_open)
        for is_open, title in re.findall(
            r'<details class="form-folded"( open)?>\s*<summary class="form-folded__summary">'
            r'<h2 class="h4 d-inline">([^<]+)</h2>',
            html,
        )
    }


def test_the_action_form_has_headed_sections_and_folds_its_optional_parts(client, member):
    client.force_login(member)
    html = client.get("/mon-espace/actions/nouvelle/").content.decode()
    assert sections(html) == [
        "L'action",
        "Classement",
        "Quand",
        "Où",
        "Pour qui, et comment participer",
    ]
    assert folded(html) == {
        "Avec d'autres partenaires (facultatif)": False,
        "Image (facultative)": False,
    }


def test_a_refused_optional_part_opens(client, member, partner):
    client.force_login(member)
    response = client.post(
        "/mon-espace/actions/nouvelle/", form_data(partner, image=images.png_upload())
    )
    assert response.status_code == 200
    assert folded(response.content.decode())["Image (facultative)"] is True


def test_an_optional_part_already_filled_is_open(client, member, partner):
    action = ActionFactory(partner=partner, co_organisers=[PartnerFactory()])
    client.force_login(member)
    html = client.get(f"/mon-espace/actions/{action.pk}/modifier/").content.decode()
    assert folded(html)["Avec d'autres partenaires (facultatif)"] is True


def test_the_partner_page_form_has_headed_sections(client, manager, partner):
    client.force_login(manager)
    html = client.get(f"/partenaires/{partner.slug}/modifier/").content.decode()
    assert sections(html) == [
        "Présentation",
        "Accueil du public",
        "Coordonnées",
        "Correspondant pour le réseau (non public)",  # for its managers and the CCAS only
    ]
    assert set(folded(html)) == {"Identification (facultatif)", "Logo (facultatif)"}
