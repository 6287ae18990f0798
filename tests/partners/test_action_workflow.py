"""The moderation workflow of partners/services.py: legal moves, illegal ones refused in French,
every step logged, emails to staff on submission and to members on decision."""

import pytest
from django.core.exceptions import ValidationError

from partners import services
from partners.models import Action, ActionTransition
from tests.factories import ActionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Action.Status


@pytest.fixture
def draft(partner, member):
    return ActionFactory(partner=partner, status=Status.DRAFT, created_by=member)


def steps(action):
    return list(
        ActionTransition.objects.filter(action=action).values_list(
            "from_status", "to_status", "by__email", "message"
        )
    )


def test_draft_submitted_then_published_with_history_and_emails(
    draft, member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.action_submit(action=draft, by=member)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert draft.submitted_at is not None
    assert [mail.to for mail in mailoutbox] == [[staff.email]]
    assert "Action à relire" in mailoutbox[0].subject
    assert f"/admin/partners/action/{draft.pk}/change/" in mailoutbox[0].body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.action_publish(action=draft, by=staff)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert draft.published_at is not None
    assert [mail.to for mail in mailoutbox] == [[member.email]]
    assert "Votre action est publiée" in mailoutbox[0].subject
    assert draft.get_absolute_url() in mailoutbox[0].body
    assert steps(draft) == [
        (Status.DRAFT, Status.SUBMITTED, member.email, ""),
        (Status.SUBMITTED, Status.PUBLISHED, staff.email, ""),
    ]


def test_changes_requested_with_a_message_then_resubmitted(
    draft, member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    services.action_submit(action=draft, by=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.action_request_changes(
            action=draft, by=staff, message="Précisez l'adresse, s'il vous plaît."
        )
    draft.refresh_from_db()
    assert draft.status == Status.CHANGES_REQUESTED
    assert "Précisez l'adresse" in mailoutbox[-1].body
    assert "Modifications demandées" in mailoutbox[-1].subject
    services.action_submit(action=draft, by=member)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert [step[1] for step in steps(draft)] == [
        Status.SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.SUBMITTED,
    ]


def test_rejection_needs_a_reason_and_is_final(draft, member, staff, mailoutbox):
    services.action_submit(action=draft, by=member)
    with pytest.raises(ValidationError, match="raison du refus"):
        services.action_reject(action=draft, by=staff, message="  ")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    services.action_reject(action=draft, by=staff, message="Hors du champ du réseau.")
    draft.refresh_from_db()
    assert draft.status == Status.REJECTED
    assert steps(draft)[-1][3] == "Hors du champ du réseau."
    with pytest.raises(ValidationError, match="cette action est « Refusée »"):
        services.action_submit(action=draft, by=member)
    draft.title = "Nouveau titre"
    with pytest.raises(ValidationError, match="refusée ne peut plus être modifiée"):
        services.action_update(action=draft, by=member)
    draft.refresh_from_db()
    assert draft.title != "Nouveau titre"


def test_request_changes_needs_a_message(draft, member, staff):
    services.action_submit(action=draft, by=member)
    with pytest.raises(ValidationError, match="le message est obligatoire"):
        services.action_request_changes(action=draft, by=staff, message="")


@pytest.mark.parametrize(
    ("status", "service", "message"),
    [
        (
            Status.DRAFT,
            "action_publish",
            "Seule une action en attente de relecture peut être publiée",
        ),
        (
            Status.PUBLISHED,
            "action_publish",
            "Seule une action en attente de relecture peut être publiée",
        ),
        (
            Status.REJECTED,
            "action_publish",
            "Seule une action en attente de relecture peut être publiée",
        ),
        (Status.SUBMITTED, "action_submit", "Seul un brouillon ou une action à modifier"),
        (Status.PUBLISHED, "action_submit", "Seul un brouillon ou une action à modifier"),
        (Status.DRAFT, "action_reject", "Seule une action en attente de relecture ou publiée"),
        (Status.DRAFT, "action_request_changes", "On ne peut demander des modifications"),
        (Status.REJECTED, "action_request_changes", "On ne peut demander des modifications"),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    partner, member, staff, status, service, message
):
    action = ActionFactory(partner=partner, status=status)
    by = member if service == "action_submit" else staff
    with pytest.raises(ValidationError, match=message):
        getattr(services, service)(
            action=action, by=by, **({} if service == "action_submit" else {"message": "x"})
        )
    action.refresh_from_db()
    assert action.status == status
    assert not ActionTransition.objects.filter(action=action).exists()


def test_only_staff_moderate(draft, member):
    services.action_submit(action=draft, by=member)
    with pytest.raises(ValidationError, match="Seuls les agents du CCAS"):
        services.action_publish(action=draft, by=member)
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


@pytest.mark.parametrize("service", ["action_publish", "action_request_changes", "action_reject"])
def test_an_agent_without_the_moderation_permission_is_refused_in_french(
    draft, member, agent_with, service
):
    services.action_submit(action=draft, by=member)
    agent = agent_with("partners.view_action", "partners.change_action")
    with pytest.raises(ValidationError, match="le droit de modérer les actions"):
        getattr(services, service)(action=draft, by=agent, message="Précisez le lieu.")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert steps(draft)[-1][1] == Status.SUBMITTED


def test_an_agent_with_the_moderation_permission_publishes(draft, member, agent_with):
    services.action_submit(action=draft, by=member)
    moderator = agent_with("partners.moderate_action")
    services.action_publish(action=draft, by=moderator)
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED
    assert steps(draft)[-1][:3] == (Status.SUBMITTED, Status.PUBLISHED, moderator.email)


def test_an_agents_edit_of_a_published_action_is_a_staff_edit_only_with_the_change_permission(
    partner, agent_with
):
    published = ActionFactory(partner=partner, status=Status.PUBLISHED)
    published.title = "Titre corrigé par le CCAS"
    services.action_update(action=published, by=agent_with("partners.change_action"))
    published.refresh_from_db()
    assert (published.status, published.title) == (Status.PUBLISHED, "Titre corrigé par le CCAS")

    published.title = "Titre réécrit sans droit"
    with pytest.raises(ValidationError, match="d'un autre partenaire"):
        services.action_update(action=published, by=agent_with("partners.view_action"))
    published.refresh_from_db()
    assert published.title == "Titre corrigé par le CCAS"


def test_member_of_another_partner_cannot_submit_or_edit(draft, other_member):
    with pytest.raises(ValidationError, match="d'un autre partenaire"):
        services.action_submit(action=draft, by=other_member)
    draft.title = "Piraté"
    with pytest.raises(ValidationError, match="d'un autre partenaire"):
        services.action_update(action=draft, by=other_member)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.title != "Piraté"


def test_member_of_a_co_organiser_cannot_submit(draft, other_partner, other_member):
    draft.co_organisers.add(other_partner)
    with pytest.raises(ValidationError, match="d'un autre partenaire"):
        services.action_submit(action=draft, by=other_member)


def test_editing_a_published_action_sends_it_back_to_review(
    partner, member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    action = ActionFactory(partner=partner)
    action.summary = "Nouveau résumé"
    with django_capture_on_commit_callbacks(execute=True):
        services.action_update(action=action, by=member)
    action.refresh_from_db()
    assert action.status == Status.SUBMITTED
    assert action.summary == "Nouveau résumé"
    assert not Action.objects.published().filter(pk=action.pk).exists()
    assert steps(action)[-1][:2] == (Status.PUBLISHED, Status.SUBMITTED)
    assert [mail.to for mail in mailoutbox] == [[staff.email]]


def test_trusted_partner_edits_stay_published_and_are_logged(partner, member, mailoutbox):
    partner.is_trusted = True
    partner.save()
    action = ActionFactory(partner=partner)
    action.summary = "Horaires corrigés"
    services.action_update(action=action, by=member)
    action.refresh_from_db()
    assert action.status == Status.PUBLISHED
    assert steps(action)[-1][:2] == (Status.PUBLISHED, Status.PUBLISHED)
    assert mailoutbox == []


def test_trusted_partner_still_goes_through_review_the_first_time(partner, member):
    partner.is_trusted = True
    partner.save()
    action = ActionFactory(partner=partner, status=Status.DRAFT)
    services.action_submit(action=action, by=member)
    action.refresh_from_db()
    assert action.status == Status.SUBMITTED


def test_staff_edits_never_change_the_status(partner, staff):
    action = ActionFactory(partner=partner)
    action.title = "Titre corrigé par le CCAS"
    services.action_update(action=action, by=staff)
    action.refresh_from_db()
    assert action.status == Status.PUBLISHED


def test_decision_email_goes_to_every_member_of_the_partner_only(
    draft, member, staff, other_member, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(partner=draft.partner, user=UserFactory()).user
    services.action_submit(action=draft, by=member)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.action_publish(action=draft, by=staff)
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([member.email, colleague.email])


def test_create_is_a_draft_and_logged(partner, member):
    action = ActionFactory.build(partner=partner, status=Status.PUBLISHED, published_at=None)
    services.action_create(action=action, by=member)
    action.refresh_from_db()
    assert action.status == Status.DRAFT
    assert action.created_by == member
    assert steps(action) == [("", Status.DRAFT, member.email, "")]
