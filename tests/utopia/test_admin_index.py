"""The back-office's index, organised by the agents' tasks."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group

from tests.factories import MembershipFactory, StaffFactory, UserFactory
from utopia.admin_site import SECTIONS, TECHNICAL_SECTION
from utopia.staff import AGENT_GROUP, TECHNICAL_MODELS

pytestmark = pytest.mark.django_db

TASK_ORDER = [
    "À traiter",
    "Le réseau",
    "Plénières",
    "Groupes de travail",
    "Vitrine des actions",
    "Demandes du public",
    "Exports et bilans",
]


def make_agent(**fields):
    agent = StaffFactory(is_superuser=False, **fields)
    agent.groups.add(Group.objects.get(name=AGENT_GROUP))
    return agent


def headings(html: str) -> list[str]:
    return re.findall(r"<h2 id=\"[^\"]+\">([^<]+)</h2>", html)


def test_every_list_of_the_network_has_its_place_in_a_section():
    placed = {label for _title, labels in SECTIONS for label in labels}
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered - TECHNICAL_MODELS == placed
    assert not placed & TECHNICAL_MODELS


def test_an_agents_index_is_organised_by_task_a_superusers_ends_with_the_technical(client):
    client.force_login(make_agent())
    page = client.get("/admin/").content.decode()
    assert headings(page) == TASK_ORDER
    assert page.index("Partenaires") < page.index("Comptes") < page.index("Invitations")
    assert "Exports CSV" in page and "Suivi des semestres" in page

    client.force_login(StaffFactory())
    assert headings(client.get("/admin/").content.decode()) == [*TASK_ORDER, TECHNICAL_SECTION]


def test_an_agent_without_the_group_is_told_whom_to_ask(client):
    client.force_login(StaffFactory(is_superuser=False))
    page = client.get("/admin/").content.decode()
    assert headings(page) == ["À traiter"]
    assert "demandez à un administrateur de vous donner le groupe « Agent du CCAS »" in page


def test_an_agents_own_space_is_the_back_office(client):
    client.force_login(make_agent())
    response = client.get("/mon-espace/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_an_agent_who_belongs_to_a_partner_keeps_their_space(client):
    agent = make_agent()
    MembershipFactory(user=agent)
    client.force_login(agent)
    assert client.get("/mon-espace/").status_code == 200


def test_a_member_without_partner_is_told_the_ccas_attaches_them(client):
    client.force_login(UserFactory())
    page = client.get("/mon-espace/").content.decode()
    assert "rattaché à aucun partenaire" in page
