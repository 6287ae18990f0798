"""Permission matrix over every URL of a working group: anonymous visitor, member of a member
partner, member of the network outside the group, pilot, expert, CCAS staff (a superuser), a
plain member of a member partner that has a manager (the manager speaks for that partner's seat),
a CCAS agent given no permission, and one given only the permission to view the groups (who
reads the spaces and writes nothing). Logged-out visitors go to the login page (302); anyone
logged in outside an object's scope gets a 404."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.factories import (
    CoordinatedProjectFactory,
    ElectionFactory,
    GroupMembershipFactory,
    MeetingFactory,
    MembershipFactory,
    NeedFactory,
    RepresentativeFactory,
)
from workgroups import services
from workgroups.models import (
    CoordinatedProject,
    Document,
    Election,
    ExpertiseRequest,
    GroupMembership,
    Meeting,
    Need,
    NotificationSetting,
    Representative,
    Topic,
    WorkingGroup,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "member",
    "other_member",
    "pilot",
    "expert",
    "staff",
    "managed_member",
    "agent",
    "group_reader",
]
PUBLIC = dict.fromkeys(ROLES, 200)
SPACE = {
    "anonymous": 302,
    "member": 200,
    "other_member": 404,
    "pilot": 200,
    "expert": 200,
    "staff": 200,
    "managed_member": 200,
    "agent": 404,
    "group_reader": 200,
}
# The space's forms: reading the space is not enough for staff.
SPACE_WRITE = {**SPACE, "group_reader": 404}
MANAGE = {
    "anonymous": 302,
    "member": 404,
    "other_member": 404,
    "pilot": 200,
    "expert": 404,
    "staff": 200,
    "managed_member": 404,
    "agent": 404,
    "group_reader": 404,
}
STAFF_ONLY = {
    "anonymous": 302,
    "member": 404,
    "other_member": 404,
    "pilot": 404,
    "expert": 404,
    "staff": 200,
    "managed_member": 404,
    "agent": 404,
    "group_reader": 404,
}

MATRIX = [
    ("/groupes/", PUBLIC),
    ("/groupes/{g}/", PUBLIC),
    ("/groupes/inconnu/", dict.fromkeys(ROLES, 404)),
    # staff are superusers: Django grants them every permission (the form lists no partner)
    ("/groupes/{g}/rejoindre/", {**SPACE, "other_member": 200, "group_reader": 404}),
    ("/groupes/{g}/espace/", SPACE),
    ("/groupes/inconnu/espace/", {**dict.fromkeys(ROLES, 404), "anonymous": 302}),
    ("/groupes/{g}/espace/organisation/", MANAGE),
    ("/groupes/{g}/espace/membres/", SPACE),
    # `partner`'s seat: `member` speaks for it while `partner` has no manager; once it has one,
    # its plain members (managed_member) no longer do.
    ("/groupes/{g}/espace/membres/{seat}/representants/", {**STAFF_ONLY, "member": 200}),
    ("/groupes/{g}/espace/membres/{seat}/depart/", {**MANAGE, "member": 200}),
    ("/groupes/{g}/espace/reunions/", SPACE),
    ("/groupes/{g}/espace/reunions/nouvelle/", MANAGE),
    ("/groupes/{g}/espace/reunions/{meeting}/", SPACE),
    ("/groupes/{g}/espace/reunions/{meeting}/modifier/", MANAGE),
    # A private calendar address is for people whose partner sits in the group, not staff.
    ("/groupes/{g}/espace/reunions/agenda/", {**SPACE, "staff": 404, "group_reader": 404}),
    ("/groupes/{g}/espace/documents/", SPACE),
    ("/groupes/{g}/espace/documents/deposer/", SPACE_WRITE),
    ("/groupes/{g}/espace/documents/{document}/telecharger/", SPACE),
    ("/groupes/{g}/espace/discussions/", SPACE),
    ("/groupes/{g}/espace/discussions/nouvelle/", SPACE_WRITE),
    ("/groupes/{g}/espace/discussions/{topic}/", SPACE),
    ("/groupes/{g}/espace/discussions/courriels/", SPACE),
    ("/groupes/{g}/espace/pilote/", SPACE),
    ("/groupes/{g}/espace/pilote/election/", MANAGE),
    ("/groupes/{g}/espace/pilote/designation/", MANAGE),
    ("/groupes/{g}/espace/pilote/elections/{election}/", SPACE),
    ("/groupes/{g}/espace/besoins/", SPACE),
    ("/groupes/{g}/espace/besoins/nouveau/", SPACE_WRITE),
    ("/groupes/{g}/espace/besoins/{need}/modifier/", SPACE_WRITE),
    ("/groupes/{g}/espace/projets/", SPACE),
    ("/groupes/{g}/espace/projets/nouveau/", SPACE_WRITE),
    ("/groupes/{g}/espace/projets/{project}/", SPACE),
    ("/groupes/{g}/espace/projets/{project}/modifier/", SPACE_WRITE),
    ("/groupes/{g}/espace/expertise/", SPACE),
    ("/groupes/{g}/espace/expertise/demander/", SPACE_WRITE),
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


# --- Who speaks for a partner's seat --------------------------------------------------------------


def test_a_plain_member_cannot_take_over_the_seat_of_a_partner_that_has_a_manager(
    client, group, pilot, pilot_partner
):
    # The attack of issue 11: a plain member named themselves representative, voted for the
    # partner before its manager, and could record the partner's leaving, ending the pilot's term.
    MembershipFactory(partner=pilot_partner, role="manager")
    colleague = MembershipFactory(partner=pilot_partner)
    seat = group.memberships.get(partner=pilot_partner)
    election = ElectionFactory(group=group)
    candidate = services.candidacy_submit(election=election, by=pilot, partner=pilot_partner)
    client.force_login(colleague.user)
    base = f"/groupes/{group.slug}/espace"

    named = client.post(f"{base}/membres/{seat.pk}/representants/", {"membership": colleague.pk})
    voted = client.post(
        f"{base}/pilote/elections/{election.pk}/vote/",
        {"partner": pilot_partner.pk, "choice": str(candidate.pk)},
    )
    left = client.post(f"{base}/membres/{seat.pk}/depart/", {"left_on": _today(), "reason": "-"})

    assert (named.status_code, left.status_code) == (404, 404)
    assert voted.status_code == 302 and "/pilote/elections/" in voted["Location"]
    assert not seat.representatives.filter(membership=colleague).exists()
    assert (election.participations.count(), election.ballots.count()) == (0, 0)
    seat.refresh_from_db()
    assert seat.status == GroupMembership.Status.ACTIVE
    assert group.pilot_terms.get().ended_on is None


def test_the_manager_speaks_for_the_seat_and_a_plain_member_only_when_there_is_none(
    client, group, seat, partner, member
):
    url = f"/groupes/{group.slug}/espace/membres/{seat.pk}/representants/"
    client.force_login(member)
    assert client.get(url).status_code == 200  # no manager on the portal: its members do
    manager = MembershipFactory(partner=partner, role="manager").user
    assert client.get(url).status_code == 404
    client.force_login(manager)
    assert client.get(url).status_code == 200
    # A deactivated account is no longer on the portal: the members speak for the seat again.
    manager.is_active = False
    manager.save()
    client.force_login(member)
    assert client.get(url).status_code == 200


def test_the_members_page_offers_seat_links_only_to_whom_may_follow_them(
    client, group, seat, partner, member, pilot
):
    page = f"/groupes/{group.slug}/espace/membres/"
    leave = f"/espace/membres/{seat.pk}/depart/"
    client.force_login(member)
    assert leave in client.get(page).content.decode()
    MembershipFactory(partner=partner, role="manager")
    assert leave not in client.get(page).content.decode()
    client.force_login(pilot)  # the pilot records any partner's leaving
    assert leave in client.get(page).content.decode()


# --- The same roles against every POST ----------------------------------------------------------
#
# Each row sets up what its URL needs, posts data that would succeed for someone allowed, and
# reads back the state the POST would change. Outcomes, per role:
#   DONE    302 to a page of the portal, and the state changed;
#   LOGIN   302 to the login page, nothing changed;
#   404     outside the object's scope, nothing changed;
#   200     the form comes back with a French error, nothing changed;
#   BACK    302 back to the election page with a French error message, nothing changed.

DONE, LOGIN, BACK = "done", "login", "back"
POST_SPACE = {
    "anonymous": LOGIN,
    "member": DONE,
    "other_member": 404,
    "pilot": DONE,
    "expert": DONE,
    "staff": DONE,
    "managed_member": DONE,
    "agent": 404,
    "group_reader": 404,
}
POST_MANAGE = {**POST_SPACE, "member": 404, "expert": 404, "managed_member": 404}
POST_SEAT = {**POST_MANAGE, "member": DONE, "pilot": 404}  # the partner's own members and staff
# Only a representative of the partner named in the form acts for it; the others are sent back.
POST_FOR_PARTNER = {
    **POST_SPACE,
    "pilot": BACK,
    "expert": BACK,
    "staff": BACK,
    "managed_member": BACK,
    "group_reader": BACK,
}


def _today():
    return timezone.localdate().isoformat()


def _local(delta):
    return (timezone.localtime() + delta).strftime("%Y-%m-%dT%H:%M")


def join_request(c):
    url = f"/groupes/{c.group.slug}/rejoindre/"
    data = {"partner": c.other_partner.pk, "motivation": "Nous logeons des familles."}
    return url, data, lambda: c.group.memberships.filter(partner=c.other_partner).exists()


def membership_decision(c):
    pending = GroupMembershipFactory(group=c.group, status="pending", joined_on=None)
    url = f"/groupes/{c.group.slug}/espace/membres/{pending.pk}/decision/"
    return url, {"decision": "accept"}, lambda: GroupMembership.objects.get(pk=pending.pk).status


def membership_leave(c):
    url = f"/groupes/{c.group.slug}/espace/membres/{c.seat.pk}/depart/"
    data = {"left_on": _today(), "reason": "Fin d'activité"}
    return url, data, lambda: GroupMembership.objects.get(pk=c.seat.pk).status


def representative_add(c):
    colleague = MembershipFactory(partner=c.partner)
    url = f"/groupes/{c.group.slug}/espace/membres/{c.seat.pk}/representants/"
    return url, {"membership": colleague.pk}, lambda: c.seat.representatives.count()


def representative_remove(c):
    colleague = RepresentativeFactory(seat=c.seat, membership=MembershipFactory(partner=c.partner))
    url = (
        f"/groupes/{c.group.slug}/espace/membres/{c.seat.pk}/representants/{colleague.pk}/retirer/"
    )
    return url, {}, lambda: Representative.objects.filter(pk=colleague.pk).exists()


def organisation(c):
    url = f"/groupes/{c.group.slug}/espace/organisation/"
    data = {"meeting_rhythm": "Un mardi par mois", "decision_making": "Consensus", "roles": "-"}
    return url, data, lambda: WorkingGroup.objects.get(pk=c.group.pk).meeting_rhythm


def meeting_create(c):
    url = f"/groupes/{c.group.slug}/espace/reunions/nouvelle/"
    data = {"starts_at": _local(timedelta(days=20)), "place": "CCAS", "agenda": "Bilan"}
    return url, data, lambda: c.group.meetings.count()


def meeting_update(c):
    meeting = MeetingFactory(group=c.group)
    url = f"/groupes/{c.group.slug}/espace/reunions/{meeting.pk}/modifier/"
    data = {"starts_at": _local(timedelta(days=20)), "place": "Mairie", "agenda": "Bilan"}
    return url, data, lambda: Meeting.objects.get(pk=meeting.pk).place


def meeting_cancel(c):
    meeting = MeetingFactory(group=c.group)
    url = f"/groupes/{c.group.slug}/espace/reunions/{meeting.pk}/annuler/"
    return url, {}, lambda: Meeting.objects.get(pk=meeting.pk).cancelled_at


def document_upload(c):
    url = f"/groupes/{c.group.slug}/espace/documents/deposer/"
    pdf = SimpleUploadedFile("cr.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    return url, {"title": "Compte rendu", "file": pdf}, lambda: Document.objects.count()


def topic_create(c):
    url = f"/groupes/{c.group.slug}/espace/discussions/nouvelle/"
    return url, {"title": "Hiver", "body": "Des places ?"}, lambda: Topic.objects.count()


def topic_reply(c):
    topic = Topic.objects.create(group=c.group, title="Hiver", body="Des places ?", author=c.member)
    url = f"/groupes/{c.group.slug}/espace/discussions/{topic.pk}/"
    return url, {"body": "Dix chez nous."}, lambda: topic.replies.count()


def notifications(c):
    url = f"/groupes/{c.group.slug}/espace/discussions/courriels/"
    return url, {}, lambda: NotificationSetting.objects.filter(email_on_discussion=False).count()


def election_open(c):
    url = f"/groupes/{c.group.slug}/espace/pilote/election/"
    data = {
        "opens_at": _local(timedelta(0)),
        "closes_at": _local(timedelta(days=14)),
        "term_starts_on": (timezone.localdate() + timedelta(days=15)).isoformat(),
        "tie_rule": "seniority",
    }
    return url, data, lambda: c.group.elections.count()


def pilot_designate(c):
    url = f"/groupes/{c.group.slug}/espace/pilote/designation/"
    data = {
        "representative": f"{c.member.pk}-{c.partner.pk}",
        "started_on": _today(),
        "minutes_reference": "Compte rendu du 12 mars 2026, point 3",
    }
    return url, data, lambda: c.group.pilot_terms.count()


def candidacy(c):
    election = ElectionFactory(group=c.group)
    url = f"/groupes/{c.group.slug}/espace/pilote/elections/{election.pk}/candidature/"
    return url, {"partner": c.partner.pk}, lambda: election.candidates.count()


def vote(c):
    election = ElectionFactory(group=c.group)
    candidate = services.candidacy_submit(election=election, by=c.pilot, partner=c.pilot_partner)
    url = f"/groupes/{c.group.slug}/espace/pilote/elections/{election.pk}/vote/"
    data = {"partner": c.partner.pk, "choice": str(candidate.pk)}
    return url, data, lambda: (election.participations.count(), election.ballots.count())


def election_close(c):
    election = ElectionFactory(
        group=c.group,
        opens_at=timezone.now() - timedelta(days=8),
        closes_at=timezone.now() - timedelta(hours=1),
    )
    url = f"/groupes/{c.group.slug}/espace/pilote/elections/{election.pk}/cloture/"
    return url, {}, lambda: Election.objects.get(pk=election.pk).closed_at


def need_create(c):
    url = f"/groupes/{c.group.slug}/espace/besoins/nouveau/"
    data = {"title": "Garde le samedi", "description": "Pas de solution.", "status": "open"}
    return url, data, lambda: Need.objects.count()


def need_update(c):
    need = NeedFactory(group=c.group)
    url = f"/groupes/{c.group.slug}/espace/besoins/{need.pk}/modifier/"
    data = {"title": "Garde le dimanche", "description": "Pas de solution.", "status": "open"}
    return url, data, lambda: Need.objects.get(pk=need.pk).title


def project_create(c):
    url = f"/groupes/{c.group.slug}/espace/projets/nouveau/"
    data = {"title": "Samedis", "description": "Garde", "lead_partner": c.partner.pk}
    return url, {**data, "status": "idea"}, lambda: CoordinatedProject.objects.count()


def project_update(c):
    project = CoordinatedProjectFactory(group=c.group, lead_partner=c.partner)
    url = f"/groupes/{c.group.slug}/espace/projets/{project.pk}/modifier/"
    data = {"title": "Dimanches", "description": "Garde", "lead_partner": c.partner.pk}
    return (
        url,
        {**data, "status": "running"},
        lambda: CoordinatedProject.objects.get(pk=project.pk).title,
    )


def expertise_create(c):
    url = f"/groupes/{c.group.slug}/espace/expertise/demander/"
    data = {"partner": c.institution.pk, "subject": "Jeunes", "question": "Que proposer ?"}
    return url, data, lambda: ExpertiseRequest.objects.count()


def expertise_message(c):
    expertise = services.expertise_request_create(
        group=c.group, partner=c.institution, subject="Jeunes", question="?", by=c.member
    )
    return expertise.get_absolute_url(), {"body": "Réponse"}, lambda: expertise.messages.count()


POST_MATRIX = [
    (
        join_request,
        {
            **dict.fromkeys(ROLES, 200),
            "anonymous": LOGIN,
            "other_member": DONE,
            "agent": 404,
            "group_reader": 404,
        },
    ),
    (membership_decision, POST_MANAGE),
    (membership_leave, {**POST_MANAGE, "member": DONE}),
    (representative_add, POST_SEAT),
    (representative_remove, POST_SEAT),
    (organisation, POST_MANAGE),
    (meeting_create, POST_MANAGE),
    (meeting_update, POST_MANAGE),
    (meeting_cancel, POST_MANAGE),
    (document_upload, POST_SPACE),
    (topic_create, POST_SPACE),
    (topic_reply, POST_SPACE),
    (notifications, {**POST_SPACE, "group_reader": DONE}),  # their own emails
    (election_open, POST_MANAGE),
    (pilot_designate, POST_MANAGE),  # the group organises itself: its pilot records it
    (candidacy, POST_FOR_PARTNER),
    (vote, POST_FOR_PARTNER),
    (election_close, POST_MANAGE),
    (need_create, POST_SPACE),
    (need_update, POST_SPACE),
    (project_create, POST_SPACE),
    (project_update, POST_SPACE),
    (expertise_create, POST_SPACE),
    (expertise_message, POST_SPACE),
]


@pytest.fixture
def context(group, seat, member, partner, pilot, pilot_partner, institution, other_partner, roles):
    return SimpleNamespace(
        group=group,
        seat=seat,
        member=member,
        partner=partner,
        pilot=pilot,
        pilot_partner=pilot_partner,
        institution=institution,
        other_partner=other_partner,
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("setup", "expected"), POST_MATRIX, ids=[row[0].__name__ for row in POST_MATRIX]
)
def test_post_permission_matrix(client, roles, context, role, setup, expected):
    url, data, state = setup(context)
    before = state()
    if roles[role] is not None:
        client.force_login(roles[role])
    response = client.post(url, data)
    outcome = expected[role]
    if outcome == DONE:
        assert response.status_code == 302, (role, url, response.status_code)
        assert "/compte/connexion/" not in response["Location"]
        assert state() != before, (role, url, "nothing changed")
        return
    if outcome == LOGIN:
        assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    elif outcome == BACK:
        assert response.status_code == 302 and "/pilote/elections/" in response["Location"]
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    else:
        assert response.status_code == outcome, (role, url, response.status_code)
    assert state() == before, (role, url, "changed although refused")


@pytest.mark.parametrize(
    "setup", [membership_decision, representative_remove, vote, election_close]
)
@pytest.mark.parametrize("role", ROLES)
def test_one_shot_actions_refuse_get_and_change_nothing(client, roles, context, role, setup):
    url, _data, state = setup(context)
    before = state()
    if roles[role] is not None:
        client.force_login(roles[role])
    assert client.get(url).status_code == 405
    assert state() == before


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 302), ("member", 405), ("other_member", 404), ("staff", 405)],
)
def test_a_candidacy_is_posted_only(client, roles, context, role, expected):
    url, _data, state = candidacy(context)
    if roles[role] is not None:
        client.force_login(roles[role])
    assert client.get(url).status_code == expected
    assert state() == 0


# --- each staff power needs the back-office's permission for the same power --------------------

READ = "workgroups.view_workinggroup"
# (setup, the permission the power needs, a near one that is not enough), each with READ.
EXACT = [
    (organisation, "workgroups.change_workinggroup", "workgroups.decide_join_request"),
    (meeting_create, "workgroups.change_workinggroup", "workgroups.add_meeting"),
    (meeting_cancel, "workgroups.change_workinggroup", "workgroups.change_meeting"),
    (document_upload, "workgroups.change_workinggroup", "workgroups.add_document"),
    (topic_reply, "workgroups.change_workinggroup", "workgroups.add_reply"),
    (expertise_message, "workgroups.change_workinggroup", "workgroups.view_expertiserequest"),
    (election_open, "workgroups.change_workinggroup", "workgroups.close_election"),
    (membership_decision, "workgroups.decide_join_request", "workgroups.change_workinggroup"),
    (election_close, "workgroups.close_election", "workgroups.change_workinggroup"),
    (pilot_designate, "workgroups.add_pilotterm", "workgroups.change_workinggroup"),
    (representative_add, "workgroups.change_groupmembership", "workgroups.change_workinggroup"),
    (representative_remove, "workgroups.change_groupmembership", "workgroups.change_workinggroup"),
    (membership_leave, "workgroups.change_groupmembership", "workgroups.change_workinggroup"),
]


@pytest.mark.parametrize(
    ("setup", "permission", "near"),
    EXACT,
    ids=[f"{row[0].__name__}-{row[1]}" for row in EXACT],
)
def test_an_agent_needs_the_named_permission_for_each_staff_power(
    client, context, agent_with, setup, permission, near
):
    url, data, state = setup(context)
    before = state()
    client.force_login(agent_with(READ, near))
    assert client.post(url, data).status_code == 404
    assert state() == before, "changed although refused"

    for value in data.values():
        if hasattr(value, "seek"):
            value.seek(0)  # an upload, read by the first post
    client.force_login(agent_with(READ, permission))
    response = client.post(url, data)
    assert response.status_code == 302
    assert "/compte/connexion/" not in response["Location"]
    assert state() != before, "nothing changed"


def test_an_agent_needs_to_view_the_groups_to_designate_a_pilot(client, context, agent_with):
    url, data, state = pilot_designate(context)
    before = state()
    client.force_login(agent_with("workgroups.add_pilotterm"))
    assert client.post(url, data).status_code == 404
    assert state() == before


def test_the_members_page_offers_an_agent_the_buttons_their_permissions_follow(
    client, group, seat, agent_with
):
    pending = GroupMembershipFactory(group=group, status="pending", joined_on=None)
    page = f"/groupes/{group.slug}/espace/membres/"
    decide = f"/espace/membres/{pending.pk}/decision/"
    representatives = f"/espace/membres/{seat.pk}/representants/"
    leave = f"/espace/membres/{seat.pk}/depart/"

    client.force_login(agent_with(READ, "workgroups.change_workinggroup"))
    content = client.get(page).content.decode()
    assert (decide in content, representatives in content, leave in content) == (
        False,
        False,
        False,
    )
    client.force_login(agent_with(READ, "workgroups.decide_join_request"))
    content = client.get(page).content.decode()
    assert (decide in content, representatives in content) == (True, False)
    client.force_login(agent_with(READ, "workgroups.change_groupmembership"))
    content = client.get(page).content.decode()
    assert (decide in content, representatives in content, leave in content) == (
        False,
        True,
        True,
    )


def test_a_reader_of_the_groups_is_offered_no_form_of_the_space(
    client, group, seat, member, agent_with
):
    topic = Topic.objects.create(group=group, title="Hiver", body="Des places ?", author=member)
    election = ElectionFactory(
        group=group,
        opens_at=timezone.now() - timedelta(days=8),
        closes_at=timezone.now() - timedelta(hours=1),
    )
    space = f"/groupes/{group.slug}/espace"
    client.force_login(agent_with(READ))
    documents = client.get(f"{space}/documents/").content.decode()
    assert f"{space}/documents/deposer/" not in documents
    assert 'name="body"' not in client.get(f"{space}/discussions/{topic.pk}/").content.decode()
    election_page = client.get(f"{space}/pilote/elections/{election.pk}/").content.decode()
    assert "/cloture/" not in election_page

    client.force_login(agent_with(READ, "workgroups.change_workinggroup"))
    assert f"{space}/documents/deposer/" in client.get(f"{space}/documents/").content.decode()
    assert 'name="body"' in client.get(f"{space}/discussions/{topic.pk}/").content.decode()
    election_page = client.get(f"{space}/pilote/elections/{election.pk}/").content.decode()
    assert "/cloture/" not in election_page  # closing it is another permission
    client.force_login(agent_with(READ, "workgroups.close_election"))
    election_page = client.get(f"{space}/pilote/elections/{election.pk}/").content.decode()
    assert "/cloture/" in election_page
