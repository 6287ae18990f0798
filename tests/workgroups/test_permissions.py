"""Permission matrix over every URL of a working group: anonymous visitor, member of a member
partner, member of the network outside the group, pilot, expert, CCAS staff. Logged-out
visitors go to the login page (302); anyone logged in outside an object's scope gets a 404."""

import pytest
from django.core.files.base import ContentFile

from tests.factories import (
    CoordinatedProjectFactory,
    ElectionFactory,
    GroupMembershipFactory,
    MeetingFactory,
    NeedFactory,
)
from workgroups import services
from workgroups.models import Topic

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "member", "other_member", "pilot", "expert", "staff"]
PUBLIC = dict.fromkeys(ROLES, 200)
SPACE = {
    "anonymous": 302,
    "member": 200,
    "other_member": 404,
    "pilot": 200,
    "expert": 200,
    "staff": 200,
}
MANAGE = {
    "anonymous": 302,
    "member": 404,
    "other_member": 404,
    "pilot": 200,
    "expert": 404,
    "staff": 200,
}
STAFF_ONLY = {
    "anonymous": 302,
    "member": 404,
    "other_member": 404,
    "pilot": 404,
    "expert": 404,
    "staff": 200,
}

MATRIX = [
    ("/groupes/", PUBLIC),
    ("/groupes/{g}/", PUBLIC),
    ("/groupes/inconnu/", dict.fromkeys(ROLES, 404)),
    # staff are superusers: Django grants them every permission (the form lists no partner)
    ("/groupes/{g}/rejoindre/", {**SPACE, "other_member": 200}),
    ("/groupes/{g}/espace/", SPACE),
    ("/groupes/inconnu/espace/", {**dict.fromkeys(ROLES, 404), "anonymous": 302}),
    ("/groupes/{g}/espace/organisation/", MANAGE),
    ("/groupes/{g}/espace/membres/", SPACE),
    ("/groupes/{g}/espace/membres/{seat}/representants/", {**STAFF_ONLY, "member": 200}),
    ("/groupes/{g}/espace/membres/{seat}/depart/", {**MANAGE, "member": 200}),
    ("/groupes/{g}/espace/reunions/", SPACE),
    ("/groupes/{g}/espace/reunions/nouvelle/", MANAGE),
    ("/groupes/{g}/espace/reunions/{meeting}/", SPACE),
    ("/groupes/{g}/espace/reunions/{meeting}/modifier/", MANAGE),
    ("/groupes/{g}/espace/documents/", SPACE),
    ("/groupes/{g}/espace/documents/deposer/", SPACE),
    ("/groupes/{g}/espace/documents/{document}/telecharger/", SPACE),
    ("/groupes/{g}/espace/discussions/", SPACE),
    ("/groupes/{g}/espace/discussions/nouvelle/", SPACE),
    ("/groupes/{g}/espace/discussions/{topic}/", SPACE),
    ("/groupes/{g}/espace/discussions/courriels/", SPACE),
    ("/groupes/{g}/espace/pilote/", SPACE),
    ("/groupes/{g}/espace/pilote/election/", MANAGE),
    ("/groupes/{g}/espace/pilote/designation/", STAFF_ONLY),
    ("/groupes/{g}/espace/pilote/elections/{election}/", SPACE),
    ("/groupes/{g}/espace/besoins/", SPACE),
    ("/groupes/{g}/espace/besoins/nouveau/", SPACE),
    ("/groupes/{g}/espace/besoins/{need}/modifier/", SPACE),
    ("/groupes/{g}/espace/projets/", SPACE),
    ("/groupes/{g}/espace/projets/nouveau/", SPACE),
    ("/groupes/{g}/espace/projets/{project}/", SPACE),
    ("/groupes/{g}/espace/projets/{project}/modifier/", SPACE),
    ("/groupes/{g}/espace/expertise/", SPACE),
    ("/groupes/{g}/espace/expertise/demander/", SPACE),
    ("/groupes/{g}/expertise/{expertise}/", SPACE),
]


@pytest.fixture
def objects(group, seat, member, roles, institution):
    upload = ContentFile(b"%PDF-1.4\n%%EOF\n", name="cr.pdf")
    upload.detected_content_type = "application/pdf"
    document = services.document_upload(group=group, title="Compte rendu", upload=upload, by=member)
    topic = Topic.objects.create(group=group, title="Hiver", body="Des places ?", author=member)
    expertise = services.expertise_request_create(
        group=group, partner=institution, subject="Jeunes", question="Que proposer ?", by=member
    )
    return {
        "g": group.slug,
        "seat": seat.pk,
        "meeting": MeetingFactory(group=group).pk,
        "document": document.pk,
        "topic": topic.pk,
        "election": ElectionFactory(group=group).pk,
        "need": NeedFactory(group=group).pk,
        "project": CoordinatedProjectFactory(group=group, lead_partner=seat.partner).pk,
        "expertise": expertise.pk,
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
def test_permission_matrix(client, roles, objects, role, url, expected):
    if roles[role] is not None:
        client.force_login(roles[role])
    response = client.get(url.format(**objects))
    assert response.status_code == expected[role], (role, url)
    if expected[role] == 302:
        assert "/compte/connexion/" in response["Location"]


def test_the_asked_partner_sees_the_expertise_thread_but_not_the_group_space(
    client, group, seat, member, other_partner, other_member
):
    other_partner.kind = "institutional"
    other_partner.save()
    expertise = services.expertise_request_create(
        group=group, partner=other_partner, subject="Droits", question="Quels recours ?", by=member
    )
    client.force_login(other_member)
    assert client.get(expertise.get_absolute_url()).status_code == 200
    assert client.get(f"/groupes/{group.slug}/espace/").status_code == 404
    client.post(expertise.get_absolute_url(), {"body": "Le recours gracieux d'abord."})
    expertise.refresh_from_db()
    assert expertise.status == "answered"
    assert expertise.messages.get().from_expert


def test_a_partner_that_left_loses_the_group_space(client, group, seat, member, pilot):
    services.membership_leave(seat=seat, by=pilot)
    client.force_login(member)
    assert client.get(f"/groupes/{group.slug}/espace/").status_code == 404


def test_posts_from_outside_the_group_are_404_and_change_nothing(client, group, seat, other_member):
    pending = GroupMembershipFactory(group=group, status="pending", joined_on=None)
    client.force_login(other_member)
    response = client.post(
        f"/groupes/{group.slug}/espace/membres/{pending.pk}/decision/", {"decision": "accept"}
    )
    assert response.status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"
