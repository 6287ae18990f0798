"""Permission matrix of the partners app's foundation pages: anonymous visitor, member of the
partner, member of another partner, CCAS staff (a superuser), and a CCAS agent given no
permission, who has no staff power on the portal either."""

import pytest

from partners.models import Partner
from tests.partners.test_partner_page import page_data

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "other_member", "staff", "agent"]

# (url template, {role: expected status}); 302 means "sent to the login page".
MATRIX = [
    ("/", dict.fromkeys(ROLES, 200)),
    ("/charte/", dict.fromkeys(ROLES, 200)),
    ("/partenaires/", dict.fromkeys(ROLES, 200)),
    ("/partenaires/{slug}/", dict.fromkeys(ROLES, 200)),
    (
        "/partenaires/{slug}/modifier/",
        {"anonymous": 302, "member": 200, "other_member": 404, "staff": 200, "agent": 404},
    ),
    (
        "/partenaires/{slug}/inviter/",
        {"anonymous": 302, "member": 404, "other_member": 404, "staff": 200, "agent": 404},
    ),
    ("/partenaires/inconnu/", dict.fromkeys(ROLES, 404)),
    (
        "/partenaires/inconnu/modifier/",
        {"anonymous": 302, "member": 404, "other_member": 404, "staff": 404, "agent": 404},
    ),
    (
        "/partenaires/inconnu/inviter/",
        {"anonymous": 302, "member": 404, "other_member": 404, "staff": 404, "agent": 404},
    ),
    ("/demande-acces/", dict.fromkeys(ROLES, 200)),
    # A CCAS agent who belongs to no partner is sent to the back-office's index.
    ("/mon-espace/", {**dict.fromkeys(ROLES, 200), "anonymous": 302, "staff": 302, "agent": 302}),
    ("/compte/mot-de-passe/", {**dict.fromkeys(ROLES, 200), "anonymous": 302}),
    ("/admin/", {"anonymous": 302, "member": 302, "other_member": 302, "staff": 200, "agent": 200}),
    (
        "/admin/partners/partner/",
        {"anonymous": 302, "member": 302, "other_member": 302, "staff": 200, "agent": 403},
    ),
]


@pytest.fixture
def users(member, other_member, staff, agent):
    return {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "staff": staff,
        "agent": agent,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(client, partner, users, role, url, expected):
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(url.format(slug=partner.slug))
    assert response.status_code == expected[role]
    if expected[role] == 302 and role in ("staff", "agent"):
        assert response["Location"] == "/admin/"  # a CCAS agent's space is the back-office
    elif expected[role] == 302:
        assert (
            "/compte/connexion/" in response["Location"] or "/admin/login/" in response["Location"]
        )


def test_manager_can_invite_but_plain_member_cannot(client, partner, manager, member):
    client.force_login(manager)
    assert client.get(f"/partenaires/{partner.slug}/inviter/").status_code == 200
    client.force_login(member)
    assert client.get(f"/partenaires/{partner.slug}/inviter/").status_code == 404


def test_member_cannot_edit_other_partners_page_by_post(client, partner, other_member):
    client.force_login(other_member)
    response = client.post(f"/partenaires/{partner.slug}/modifier/", {"summary": "Piraté"})
    assert response.status_code == 404
    partner.refresh_from_db()
    assert partner.summary != "Piraté"


def test_member_of_a_deactivated_partner_loses_access(client, partner, member):
    partner.is_active = False
    partner.save()
    client.force_login(member)
    assert client.get(f"/partenaires/{partner.slug}/modifier/").status_code == 404


# --- staff powers need the back-office's permission for the same power --------------------------


def test_an_agent_edits_any_partners_page_with_the_permission_to_change_partners(
    client, partner, agent, agent_with
):
    url = f"/partenaires/{partner.slug}/modifier/"
    client.force_login(agent)
    assert client.post(url, page_data(summary="Réécrit sans droit.")).status_code == 404
    assert client.get(f"/partenaires/{partner.slug}/").context["can_edit"] is False
    client.force_login(agent_with("partners.change_partner"))
    assert client.get(f"/partenaires/{partner.slug}/").context["can_edit"] is True
    assert client.post(url, page_data(summary="Corrigé par le CCAS.")).status_code == 302
    partner.refresh_from_db()
    assert partner.summary == "Corrigé par le CCAS."


def test_an_agent_invites_to_any_partner_with_the_permission_to_add_invitations(
    client, partner, agent_with
):
    url = f"/partenaires/{partner.slug}/inviter/"
    client.force_login(agent_with("partners.change_partner", "partners.view_invitation"))
    assert client.get(url).status_code == 404
    client.force_login(agent_with("partners.add_invitation"))
    assert client.get(url).status_code == 200


def test_a_partner_that_left_is_shown_to_agents_who_may_view_partners(
    client, partner, agent, agent_with
):
    Partner.objects.filter(pk=partner.pk).update(is_active=False)
    client.force_login(agent)
    assert client.get(f"/partenaires/{partner.slug}/").status_code == 404
    client.force_login(agent_with("partners.view_partner"))
    assert client.get(f"/partenaires/{partner.slug}/").status_code == 200
