"""Permission matrix of every action URL: anonymous visitor, member of the owning partner,
member of a co-organiser, member of another partner, CCAS staff (a superuser), a CCAS agent
given no permission. Outside one's scope: 404."""

import pytest

from partners.models import Action
from tests.factories import ActionFactory, MembershipFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "co_organiser", "other_member", "staff", "agent"]
EVERYONE = dict.fromkeys(ROLES, 200)
LOGIN = {"anonymous": 302}

# (url template, {role: expected status}); 302 means "sent to the login page".
MATRIX = [
    ("/actions/", EVERYONE),
    ("/actions/flux/", EVERYONE),
    ("/actions/calendrier.ics", EVERYONE),
    ("/actions/{published.slug}/", EVERYONE),
    ("/actions/{draft.slug}/", dict.fromkeys(ROLES, 404)),
    ("/actions/inconnue/", dict.fromkeys(ROLES, 404)),
    ("/mon-espace/actions/", {**EVERYONE, **LOGIN}),
    ("/mon-espace/actions/nouvelle/", {**EVERYONE, **LOGIN, "agent": 404}),
    (
        "/mon-espace/actions/{draft.pk}/",
        {**EVERYONE, **LOGIN, "other_member": 404, "agent": 404},
    ),
    (
        "/mon-espace/actions/{draft.pk}/modifier/",
        {**EVERYONE, **LOGIN, "co_organiser": 404, "other_member": 404, "agent": 404},
    ),
    (
        "/mon-espace/actions/{published.pk}/modifier/",
        {**EVERYONE, **LOGIN, "co_organiser": 404, "other_member": 404, "agent": 404},
    ),
    ("/mon-espace/actions/{rejected.pk}/modifier/", {**dict.fromkeys(ROLES, 404), **LOGIN}),
    # GET never submits: POST only (see test_submit_matrix).
    ("/mon-espace/actions/{draft.pk}/soumettre/", dict.fromkeys(ROLES, 405)),
    ("/mon-espace/actions/999999/", {"anonymous": 302, **dict.fromkeys(ROLES[1:], 404)}),
    (
        "/admin/partners/action/",
        {**dict.fromkeys(ROLES, 302), "staff": 200, "agent": 403},
    ),
    (
        "/admin/partners/action/{draft.pk}/change/",
        {**dict.fromkeys(ROLES, 302), "staff": 200, "agent": 403},
    ),
]

# POST to submit: who may send the draft to the CCAS.
SUBMIT = {
    "anonymous": 302,
    "member": 302,
    "co_organiser": 404,
    "other_member": 404,
    "staff": 302,
    "agent": 404,
}


@pytest.fixture
def users(partner, member, other_member, staff, agent):
    co_partner = PartnerFactory(name="Mission Locale", slug="mission-locale")
    co_member = MembershipFactory(partner=co_partner, user=UserFactory()).user
    return {
        "anonymous": None,
        "member": member,
        "co_organiser": co_member,
        "other_member": other_member,
        "staff": staff,
        "agent": agent,
        "_co_partner": co_partner,
    }


@pytest.fixture
def objects(partner, users):
    co = [users["_co_partner"]]
    return {
        "draft": ActionFactory(partner=partner, status=Action.Status.DRAFT, co_organisers=co),
        "published": ActionFactory(partner=partner, co_organisers=co),
        "rejected": ActionFactory(partner=partner, status=Action.Status.REJECTED, co_organisers=co),
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(client, users, objects, role, url, expected):
    if users[role] is not None:
        client.force_login(users[role])
    response = client.get(url.format(**objects))
    assert response.status_code == expected[role]
    if expected[role] == 302:
        location = response["Location"]
        assert "/compte/connexion/" in location or "/admin/login/" in location


@pytest.mark.parametrize("role", ROLES)
def test_submit_matrix(client, users, objects, role):
    if users[role] is not None:
        client.force_login(users[role])
    draft = objects["draft"]
    response = client.post(f"/mon-espace/actions/{draft.pk}/soumettre/")
    assert response.status_code == SUBMIT[role]
    draft.refresh_from_db()
    expected = Action.Status.SUBMITTED if role in ("member", "staff") else Action.Status.DRAFT
    assert draft.status == expected


# --- an agent's powers over any partner's actions are the back-office's permissions -------------


def test_an_agent_who_may_add_actions_starts_one_for_any_partner(client, partner, agent_with):
    client.force_login(agent_with("partners.view_action", "partners.change_action"))
    assert client.get("/mon-espace/actions/nouvelle/").status_code == 404
    client.force_login(agent_with("partners.add_action"))
    page = client.get("/mon-espace/actions/nouvelle/")
    assert page.status_code == 200
    assert partner in page.context["form"].fields["partner"].queryset


def test_an_agent_who_may_change_actions_edits_and_submits_any_partners_action(
    client, objects, agent_with
):
    draft = objects["draft"]
    client.force_login(agent_with("partners.view_action", "partners.add_action"))
    assert client.get(f"/mon-espace/actions/{draft.pk}/modifier/").status_code == 404
    assert client.post(f"/mon-espace/actions/{draft.pk}/soumettre/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Action.Status.DRAFT

    client.force_login(agent_with("partners.change_action"))
    assert client.get(f"/mon-espace/actions/{draft.pk}/modifier/").status_code == 200
    assert client.post(f"/mon-espace/actions/{draft.pk}/soumettre/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == Action.Status.SUBMITTED


def test_an_agent_who_may_view_actions_follows_their_moderation(client, objects, agent_with):
    draft = objects["draft"]
    client.force_login(agent_with("partners.view_action"))
    page = client.get(f"/mon-espace/actions/{draft.pk}/")
    assert page.status_code == 200
    assert page.context["can_edit"] is False
