"""Permission matrix of the partners app's foundation pages: anonymous visitor, member of the
partner, member of another partner, CCAS staff."""

import pytest

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "other_member", "staff"]

# (url template, {role: expected status}); 302 means "sent to the login page".
MATRIX = [
    ("/", dict.fromkeys(ROLES, 200)),
    ("/charte/", dict.fromkeys(ROLES, 200)),
    ("/partenaires/", dict.fromkeys(ROLES, 200)),
    ("/partenaires/{slug}/", dict.fromkeys(ROLES, 200)),
    (
        "/partenaires/{slug}/modifier/",
        {"anonymous": 302, "member": 200, "other_member": 404, "staff": 200},
    ),
    (
        "/partenaires/{slug}/inviter/",
        {"anonymous": 302, "member": 404, "other_member": 404, "staff": 200},
    ),
    ("/partenaires/inconnu/", dict.fromkeys(ROLES, 404)),
    (
        "/partenaires/inconnu/modifier/",
        {"anonymous": 302, "member": 404, "other_member": 404, "staff": 404},
    ),
    (
        "/partenaires/inconnu/inviter/",
        {"anonymous": 302, "member": 404, "other_member": 404, "staff": 404},
    ),
    ("/demande-acces/", dict.fromkeys(ROLES, 200)),
    ("/mon-espace/", {"anonymous": 302, "member": 200, "other_member": 200, "staff": 200}),
    ("/compte/mot-de-passe/", {"anonymous": 302, "member": 200, "other_member": 200, "staff": 200}),
    ("/admin/", {"anonymous": 302, "member": 302, "other_member": 302, "staff": 200}),
    (
        "/admin/partners/partner/",
        {"anonymous": 302, "member": 302, "other_member": 302, "staff": 200},
    ),
]


@pytest.fixture
def users(member, other_member, staff):
    return {"anonymous": None, "member": member, "other_member": other_member, "staff": staff}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(client, partner, users, role, url, expected):
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(url.format(slug=partner.slug))
    assert response.status_code == expected[role]
    if expected[role] == 302:
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
