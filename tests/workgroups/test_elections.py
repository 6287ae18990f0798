"""Pilot elections: one secret ballot per member partner, in the window, under the tie rule
stated at the opening; the winner becomes pilot; a closed election never changes."""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import (
    ElectionFactory,
    GroupMembershipFactory,
    MembershipFactory,
    PartnerFactory,
    RepresentativeFactory,
    UserFactory,
)
from workgroups import services
from workgroups.models import Ballot, Candidate, Election, Participation, PilotTerm

pytestmark = pytest.mark.django_db


def add_member_partner(group, name, joined_days_ago=365):
    partner = PartnerFactory(name=name)
    user = UserFactory()
    membership = MembershipFactory(user=user, partner=partner)
    seat = GroupMembershipFactory(
        group=group,
        partner=partner,
        joined_on=timezone.localdate() - datetime.timedelta(days=joined_days_ago),
    )
    RepresentativeFactory(seat=seat, membership=membership)
    return partner, user


def test_full_election_makes_the_winner_pilot_and_keeps_the_history(
    group,
    partner,
    member,
    seat,
    pilot,
    pilot_partner,
    staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        election = services.election_open(
            group=group,
            opens_at=timezone.now() - datetime.timedelta(minutes=1),
            closes_at=timezone.now() + datetime.timedelta(days=7),
            term_starts_on=timezone.localdate() + datetime.timedelta(days=8),
            tie_rule="seniority",
            by=pilot,
        )
    # everyone in the group hears of it: both representatives and the expert's partner
    assert {m.to[0] for m in mailoutbox} >= {member.email, pilot.email}
    candidate = services.candidacy_submit(election=election, by=member, partner=partner)
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    services.ballot_cast(election=election, partner=pilot_partner, by=pilot, candidate=candidate)
    # Every member partner voted: the pilot may close before the window ends.
    services.election_close(election=election, by=pilot)
    election.refresh_from_db()
    assert election.is_closed and election.winner == candidate
    assert election.participation_count == 2 and election.blank_count == 0
    candidate.refresh_from_db()
    assert candidate.vote_count == 2
    terms = list(PilotTerm.objects.filter(group=group).order_by("started_on"))
    assert [t.user for t in terms] == [pilot, member]
    assert terms[0].ended_on == election.term_starts_on  # history kept, the old term ended
    assert terms[1].source == PilotTerm.Source.ELECTION
    # Two years by default, from the day the mandate begins.
    start = election.term_starts_on
    assert terms[1].ended_on == start.replace(year=start.year + 2)


@pytest.fixture
def election(group, seat, pilot):
    return ElectionFactory(group=group)


@pytest.fixture
def candidate(election, member, partner):
    return services.candidacy_submit(election=election, by=member, partner=partner)


def test_a_non_member_cannot_vote(election, candidate, other_member, other_partner):
    with pytest.raises(ValidationError, match="Seuls les représentants"):
        services.ballot_cast(
            election=election, partner=other_partner, by=other_member, candidate=candidate
        )
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_a_member_cannot_vote_for_a_partner_they_do_not_represent(
    election, candidate, member, pilot_partner
):
    with pytest.raises(ValidationError):
        services.ballot_cast(
            election=election, partner=pilot_partner, by=member, candidate=candidate
        )
    assert not Ballot.objects.exists()


def test_an_expert_does_not_vote(election, candidate, expert, institution):
    with pytest.raises(ValidationError):
        services.ballot_cast(election=election, partner=institution, by=expert, candidate=candidate)
    assert not Ballot.objects.exists()


def test_a_second_ballot_for_the_same_partner_is_refused(election, candidate, partner, member):
    colleague = MembershipFactory(partner=partner)
    RepresentativeFactory(seat=partner.group_memberships.get(), membership=colleague)
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    with pytest.raises(ValidationError, match="déjà voté"):
        services.ballot_cast(election=election, partner=partner, by=colleague.user, candidate=None)
    assert Ballot.objects.count() == 1 and Participation.objects.count() == 1


def test_one_ballot_per_partner_is_a_database_constraint(election, partner, member):
    Participation.objects.create(election=election, partner=partner, cast_by=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(election=election, partner=partner, cast_by=member)


@pytest.mark.parametrize(
    ("opens", "closes"),
    [
        (datetime.timedelta(hours=1), datetime.timedelta(days=2)),
        (-datetime.timedelta(days=2), -datetime.timedelta(hours=1)),
    ],
    ids=["not-yet-open", "window-over"],
)
def test_a_vote_outside_the_window_is_refused(group, seat, member, partner, opens, closes):
    election = ElectionFactory(
        group=group, opens_at=timezone.now() + opens, closes_at=timezone.now() + closes
    )
    candidate = Candidate.objects.create(election=election, user=member, partner=partner)
    with pytest.raises(ValidationError, match=r"n'est pas encore ouvert|est terminé"):
        services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    assert not Ballot.objects.exists()


def test_a_candidate_must_represent_a_member_partner(
    election, other_member, other_partner, expert, institution
):
    with pytest.raises(ValidationError, match="représentants"):
        services.candidacy_submit(election=election, by=other_member, partner=other_partner)
    with pytest.raises(ValidationError, match="représentants"):
        services.candidacy_submit(election=election, by=expert, partner=institution)
    assert not Candidate.objects.exists()


def test_candidacies_close_at_the_first_ballot(
    election, candidate, member, partner, pilot, pilot_partner
):
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    with pytest.raises(ValidationError, match="candidatures sont closes"):
        services.candidacy_submit(election=election, by=pilot, partner=pilot_partner)


def test_a_closed_election_cannot_change(
    election, candidate, member, partner, pilot, pilot_partner
):
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    services.ballot_cast(election=election, partner=pilot_partner, by=pilot, candidate=None)
    services.election_close(election=election, by=pilot)
    for attempt in (
        lambda: services.ballot_cast(
            election=election, partner=partner, by=member, candidate=candidate
        ),
        lambda: services.candidacy_submit(election=election, by=pilot, partner=pilot_partner),
        lambda: services.election_close(election=election, by=pilot),
    ):
        with pytest.raises(ValidationError, match="close"):
            attempt()
    assert Ballot.objects.count() == 2


def test_an_election_cannot_close_early_while_partners_still_have_to_vote(
    election, candidate, member, partner, pilot
):
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    with pytest.raises(ValidationError, match="encore ouvert"):
        services.election_close(election=election, by=pilot)
    election.refresh_from_db()
    assert not election.is_closed


def test_only_one_running_election_per_group(election, pilot, group):
    with pytest.raises(ValidationError, match="déjà en cours"):
        services.election_open(
            group=group,
            opens_at=timezone.now(),
            closes_at=timezone.now() + datetime.timedelta(days=1),
            term_starts_on=timezone.localdate() + datetime.timedelta(days=2),
            tie_rule="lot",
            by=pilot,
        )


def tie(group, rule):
    """Two partners, each voting for the other's candidate: one vote each."""
    older, older_user = add_member_partner(group, "Ancienne association", joined_days_ago=900)
    newer, newer_user = add_member_partner(group, "Nouvelle association", joined_days_ago=10)
    election = ElectionFactory(group=group, tie_rule=rule)
    c_older = services.candidacy_submit(election=election, by=older_user, partner=older)
    c_newer = services.candidacy_submit(election=election, by=newer_user, partner=newer)
    services.ballot_cast(election=election, partner=older, by=older_user, candidate=c_newer)
    services.ballot_cast(election=election, partner=newer, by=newer_user, candidate=c_older)
    Election.objects.filter(pk=election.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    election.refresh_from_db()
    return (
        services.election_close(election=election, by=UserFactory(is_staff=True)),
        c_older,
        c_newer,
    )


def test_tie_rule_seniority_elects_the_longest_standing_partner(group):
    election, c_older, _c_newer = tie(group, "seniority")
    assert election.tie_broken and election.winner == c_older


def test_tie_rule_lot_draws_with_the_seed_committed_at_the_opening(group):
    import hashlib
    import random

    election, c_older, c_newer = tie(group, "lot")
    assert election.tie_broken
    assert hashlib.sha256(election.tie_seed.encode()).hexdigest() == election.tie_seed_digest
    assert election.winner == random.Random(election.tie_seed).choice(
        sorted([c_older, c_newer], key=lambda c: c.pk)
    )


def test_no_vote_for_anyone_elects_nobody(
    election, candidate, member, partner, pilot, pilot_partner, group
):
    services.ballot_cast(election=election, partner=partner, by=member, candidate=None)
    services.ballot_cast(election=election, partner=pilot_partner, by=pilot, candidate=None)
    services.election_close(election=election, by=pilot)
    election.refresh_from_db()
    assert election.winner is None and election.blank_count == 2
    assert PilotTerm.objects.filter(group=group).count() == 1  # the pilot stays


# --- Secrecy ---------------------------------------------------------------------------------


def test_a_ballot_carries_nothing_that_ties_it_to_a_voter():
    names = {field.name for field in Ballot._meta.get_fields()}
    assert names == {"id", "election", "candidate"}
    assert Ballot._meta.pk.get_internal_type() == "UUIDField"  # no order of voting either
    participation = {field.name for field in Participation._meta.get_fields()}
    assert participation == {"id", "election", "partner", "cast_by"}
    assert Participation._meta.pk.get_internal_type() == "UUIDField"
    assert not any(f.related_model is Ballot for f in Participation._meta.get_fields())
    assert Ballot not in admin.site._registry


def test_pages_never_show_a_choice_before_the_close(
    client, election, candidate, member, partner, pilot
):
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    client.force_login(pilot)
    page = client.get(
        f"/groupes/{election.group.slug}/espace/pilote/elections/{election.pk}/"
    ).content.decode()
    assert "Emergence" in page  # who voted is public to the group
    assert "Voix" not in page and election.tie_seed not in page  # what was chosen is not


def test_staff_record_a_pilot_designated_at_a_meeting_with_its_minutes(
    group, seat, member, partner, staff
):
    term = services.pilot_designate(
        group=group,
        user=member,
        partner=partner,
        started_on=timezone.localdate(),
        minutes_reference="Relevé de la réunion du 3 mars, point 2",
        by=staff,
    )
    assert term.source == PilotTerm.Source.MEETING
    with pytest.raises(ValidationError):
        services.pilot_designate(
            group=group,
            user=member,
            partner=partner,
            started_on=timezone.localdate(),
            minutes_reference="  ",
            by=staff,
        )


def test_an_agent_records_a_designated_pilot_only_with_the_permission_to_add_pilot_terms(
    group, seat, member, partner, agent_with
):
    designation = {
        "group": group,
        "user": member,
        "partner": partner,
        "started_on": timezone.localdate(),
        "minutes_reference": "Relevé de la réunion du 3 mars, point 2",
    }
    with pytest.raises(ValidationError, match="droit d'enregistrer les mandats de pilote"):
        services.pilot_designate(
            **designation,
            by=agent_with("workgroups.view_workinggroup", "workgroups.change_workinggroup"),
        )
    assert not PilotTerm.objects.exists()
    term = services.pilot_designate(**designation, by=agent_with("workgroups.add_pilotterm"))
    assert term.user == member


def test_a_pilot_designated_at_a_meeting_must_represent_a_member(
    group, other_member, other_partner, staff
):
    with pytest.raises(ValidationError, match="représentants"):
        services.pilot_designate(
            group=group,
            user=other_member,
            partner=other_partner,
            started_on=timezone.localdate(),
            minutes_reference="Réunion du 3 mars",
            by=staff,
        )
    assert not PilotTerm.objects.exists()


def test_vote_view_refuses_a_second_ballot_with_a_french_message(
    client, election, candidate, partner, member
):
    client.force_login(member)
    url = f"/groupes/{election.group.slug}/espace/pilote/elections/{election.pk}/vote/"
    data = {"partner": partner.pk, "choice": str(candidate.pk)}
    client.post(url, data)
    response = client.post(url, data, follow=True)
    assert "a déjà voté : un seul bulletin par partenaire" in response.content.decode()
    assert Ballot.objects.count() == 1


def test_vote_view_from_outside_the_group_is_a_404(
    client, election, candidate, other_member, other_partner
):
    client.force_login(other_member)
    url = f"/groupes/{election.group.slug}/espace/pilote/elections/{election.pk}/vote/"
    response = client.post(url, {"partner": other_partner.pk, "choice": str(candidate.pk)})
    assert response.status_code == 404
    assert not Ballot.objects.exists()


def test_a_voters_personal_data_export_says_they_voted_not_what(
    election, candidate, member, partner
):
    from utopia.rgpd import personal_data_json

    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    exported = personal_data_json(user=member)
    assert "participations au vote" in exported
    assert str(Ballot.objects.get().pk) not in exported
    assert '"candidate"' not in exported.split("participations au vote")[1].split("]")[0]


def test_the_back_office_shows_who_voted_and_never_a_ballot(
    client, election, candidate, member, partner, staff
):
    services.ballot_cast(election=election, partner=partner, by=member, candidate=candidate)
    client.force_login(staff)
    page = client.get(f"/admin/workgroups/election/{election.pk}/change/").content.decode()
    assert "Emergence" in page
    assert str(Ballot.objects.get().pk) not in page
    assert client.get("/admin/workgroups/ballot/").status_code == 404
