"""The network's decisions reach the partners concerned at once, and the next monthly digest
under "Décisions du réseau"."""

import datetime

import pytest
from django.utils import timezone

from partners.models import Partner
from plenaries import services as plenary_services
from plenaries.models import Plenary
from tests.factories import (
    ElectionFactory,
    GroupMembershipFactory,
    MembershipFactory,
    PartnerFactory,
    PlenaryFactory,
    ThemeFactory,
    UserFactory,
    WorkingGroupFactory,
)
from utopia import digest
from workgroups import services as group_services
from workgroups.models import Candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(partner, other_partner, member, other_member):
    """Two partners' correspondents and members, each address once: Emergence's correspondent
    has no account, the Croix-Rouge's is Emergence's member. An inactive partner's account and
    the CCAS (which announces) hear nothing."""
    partner.correspondent_email = "correspondante@emergence.fr"
    partner.save()
    other_partner.correspondent_email = member.email
    other_partner.save()
    MembershipFactory(
        partner=PartnerFactory(is_active=False), user=UserFactory(email="ancien@exemple.fr")
    )
    ccas = PartnerFactory(name="CCAS", kind=Partner.Kind.COORDINATOR, email="ccas@exemple.fr")
    MembershipFactory(partner=ccas, user=UserFactory(email="agent.ccas@exemple.fr"))
    return {"correspondante@emergence.fr", member.email, other_member.email}


def addresses(mailoutbox):
    return {mail.to[0] for mail in mailoutbox}


@pytest.fixture
def held_plenary(db):
    return PlenaryFactory(
        date=timezone.localdate() - datetime.timedelta(days=10),
        status=Plenary.Status.HELD,
        minutes="## Bilan\n\nL'épicerie solidaire & la mobilité.",
    )


def test_publishing_minutes_tells_the_whole_network_after_commit(
    held_plenary, network, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plenary_services.minutes_publish(plenary=held_plenary, by=staff)
    assert not mailoutbox  # nothing leaves before the commit
    for callback in callbacks:
        callback()

    assert addresses(mailoutbox) == network
    assert len(mailoutbox) == len(network)  # nobody twice
    assert mailoutbox[0].subject == f"Compte rendu publié : {held_plenary}"
    assert held_plenary.get_absolute_url() in mailoutbox[0].body


def test_a_refused_publication_tells_nobody(
    network, staff, mailoutbox, django_capture_on_commit_callbacks
):
    empty = PlenaryFactory(date=datetime.date(2024, 3, 1), status=Plenary.Status.HELD)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Exception, match="Rédigez"),
    ):
        plenary_services.minutes_publish(plenary=empty, by=staff)
    assert not mailoutbox


def test_adopting_then_retiring_a_theme_tells_the_whole_network(
    held_plenary, network, staff, mailoutbox, django_capture_on_commit_callbacks
):
    decision = plenary_services.decision_record(
        plenary=held_plenary, title="Adoption d'un thème", by=staff
    )
    with django_capture_on_commit_callbacks(execute=True):
        theme = plenary_services.theme_adopt(
            decision=decision, name="Mobilité & accès aux droits", by=staff
        )
    assert addresses(mailoutbox) == network
    assert (
        mailoutbox[0].subject == "Nouveau thème prioritaire du réseau : Mobilité & accès aux droits"
    )

    with django_capture_on_commit_callbacks(execute=True):
        plenary_services.theme_close(theme=theme, by=staff)
    assert len(mailoutbox) == 2 * len(network)  # one message per address, each time
    assert mailoutbox[-1].subject == "Thème prioritaire clos : Mobilité & accès aux droits"


def test_creating_a_group_tells_the_whole_network(
    network, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        group = group_services.group_create(
            theme=ThemeFactory(),
            name="Aide d'urgence",
            slug="aide-d-urgence",
            mission="Coordonner l'aide d'urgence.",
            by=staff,
        )
    assert addresses(mailoutbox) == network
    assert len(mailoutbox) == len(network)
    assert mailoutbox[0].subject == "Nouveau groupe de travail : Aide d'urgence"
    assert group.get_absolute_url() in mailoutbox[0].body


def test_creating_a_group_in_the_back_office_tells_the_whole_network(
    client, network, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    theme = ThemeFactory()
    data = {
        "theme": theme.pk,
        "name": "Aide d'urgence",
        "slug": "aide-d-urgence",
        "mission": "Coordonner l'aide d'urgence.",
    }
    for prefix in ("seats", "pilot_terms", "memberships", "pilotterm_set"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/workgroups/workinggroup/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert addresses(mailoutbox) == network


def closed_election(group, winner_user, winner_partner):
    election = ElectionFactory(
        group=group,
        opens_at=timezone.now() - datetime.timedelta(days=8),
        closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    candidate = Candidate.objects.create(
        election=election, user=winner_user, partner=winner_partner
    )
    return election, candidate


def test_an_election_result_tells_the_groups_partners_only(
    partner, other_partner, member, other_member, staff, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    partner.correspondent_email = "correspondante@emergence.fr"
    partner.save()
    other_partner.correspondent_email = "correspondant@croix-rouge.fr"  # not in the group
    other_partner.save()
    group = WorkingGroupFactory(name="Accès au logement")
    GroupMembershipFactory(group=group, partner=partner)
    election, _candidate = closed_election(group, member, partner)
    with django_capture_on_commit_callbacks(execute=True):
        group_services.election_close(election=election, by=staff)
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "correspondante@emergence.fr",
        member.email,
    ]
    assert "Accès au logement" in mailoutbox[0].subject


def test_the_digest_lists_the_months_decisions(
    held_plenary,
    partner,
    other_partner,
    member,
    other_member,
    staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    today = timezone.localdate()
    plenary_services.minutes_publish(plenary=held_plenary, by=staff)
    ThemeFactory(name="Mobilité", plenary=held_plenary, adopted_at=held_plenary.date)
    retired = ThemeFactory(
        name="Fracture numérique", plenary=None, adopted_at=datetime.date(2020, 1, 1)
    )
    plenary_services.theme_close(theme=retired, by=staff, closed_at=today)
    ThemeFactory(name="Thème d'une autre année", plenary=None, adopted_at=datetime.date(2021, 5, 1))
    housing = WorkingGroupFactory(name="Accès au logement")
    GroupMembershipFactory(group=housing, partner=partner)
    election, _candidate = closed_election(housing, member, partner)
    group_services.election_close(election=election, by=staff)
    youth = WorkingGroupFactory(name="Jeunesse")
    GroupMembershipFactory(group=youth, partner=other_partner)
    other, _candidate = closed_election(youth, other_member, other_partner)
    group_services.election_close(election=other, by=staff)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        # The next day: decisions dated by day go to the digest that starts after their day.
        issue = digest.digest_send(now=timezone.now() + datetime.timedelta(days=1))

    mine = next(mail.body for mail in mailoutbox if mail.to == [member.email])
    section = mine.split("== Décisions du réseau ==")[1].split("==")[0]
    assert f"Compte rendu publié : {held_plenary}" in section
    assert held_plenary.get_absolute_url() in section
    assert "Thème prioritaire adopté le" in section and ": Mobilité" in section
    assert "Thème prioritaire clos le" in section and "Fracture numérique" in section
    assert "Thème d'une autre année" not in mine
    assert "Nouveau groupe de travail : Accès au logement" in section
    assert "Nouveau groupe de travail : Jeunesse" in section
    assert "Élection du pilote du groupe « Accès au logement »" in section
    assert "Jeunesse » :" not in section  # another group's election
    theirs = next(mail.body for mail in mailoutbox if mail.to == [other_member.email])
    assert "Élection du pilote du groupe « Jeunesse »" in theirs
    assert issue.items >= 6
