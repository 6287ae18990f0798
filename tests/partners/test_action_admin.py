"""The CCAS's moderation queue in the admin: filters, bulk publish and reject, requests for
changes with a message, decisions from an action's own page; all through the services."""

import pytest
from django.utils.html import escape

from partners.models import Action, ActionTransition
from tests.factories import ActionFactory, FieldOfActionFactory

pytestmark = pytest.mark.django_db

Status = Action.Status
CHANGELIST = "/admin/partners/action/"


@pytest.fixture
def queue(partner, other_partner):
    return [
        ActionFactory(partner=partner, title="À relire 1", status=Status.SUBMITTED),
        ActionFactory(partner=other_partner, title="À relire 2", status=Status.SUBMITTED),
        ActionFactory(partner=partner, title="Brouillon", status=Status.DRAFT),
        ActionFactory(partner=partner, title="Déjà publiée"),
    ]


def bulk(client, action_name, actions, message=""):
    return client.post(
        CHANGELIST,
        {
            "action": action_name,
            "_selected_action": [a.pk for a in actions],
            "message": message,
            "index": 0,
        },
        follow=True,
    )


def test_queue_lists_submitted_actions_first_and_filters(client, staff, queue):
    client.force_login(staff)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    shown = [a.title for a in response.context["cl"].result_list]
    assert sorted(shown[:2]) == ["À relire 1", "À relire 2"]
    filtered = client.get(
        CHANGELIST, {"status__exact": "submitted", "partner__id__exact": queue[1].partner_id}
    )
    assert [a.title for a in filtered.context["cl"].result_list] == ["À relire 2"]


def test_field_filter(client, staff, partner):
    field = FieldOfActionFactory(name="Logement", slug="logement")
    ActionFactory(partner=partner, title="Logement", fields_of_action=[field])
    ActionFactory(partner=partner, title="Autre")
    client.force_login(staff)
    response = client.get(CHANGELIST, {"fields_of_action__id__exact": field.pk})
    assert [a.title for a in response.context["cl"].result_list] == ["Logement"]


def test_bulk_publish_publishes_submitted_and_explains_the_rest(
    client, staff, queue, mailoutbox, member, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = bulk(client, "publish_selected", queue[:3])
    content = response.content.decode()
    assert "2 actions traitées." in content
    assert "Seule une action en attente de relecture peut être publiée" in content
    statuses = [Action.objects.get(pk=a.pk).status for a in queue]
    assert statuses == [Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT, Status.PUBLISHED]
    assert ActionTransition.objects.filter(to_status=Status.PUBLISHED, by=staff).count() == 2
    assert member.email in [mail.to[0] for mail in mailoutbox]


def test_bulk_reject_needs_a_reason(client, staff, queue):
    client.force_login(staff)
    response = bulk(client, "reject_selected", queue[:2])
    assert "raison du refus" in response.content.decode()
    assert [Action.objects.get(pk=a.pk).status for a in queue[:2]] == [Status.SUBMITTED] * 2
    bulk(client, "reject_selected", queue[:2], message="Hors du champ du réseau.")
    assert [Action.objects.get(pk=a.pk).status for a in queue[:2]] == [Status.REJECTED] * 2
    assert ActionTransition.objects.filter(message="Hors du champ du réseau.").count() == 2


def test_request_changes_with_a_message_in_bulk(client, staff, queue):
    client.force_login(staff)
    bulk(client, "request_changes_selected", queue[:1], message="Précisez le lieu.")
    action = Action.objects.get(pk=queue[0].pk)
    assert action.status == Status.CHANGES_REQUESTED
    assert action.transitions.last().message == "Précisez le lieu."


def admin_form(action, **extra):
    data = {
        "partner": action.partner_id,
        "kind": action.kind,
        "title": action.title,
        "slug": action.slug,
        "summary": action.summary,
        "body": action.body,
        "starts_at_0": action.starts_at.strftime("%d/%m/%Y"),
        "starts_at_1": action.starts_at.strftime("%H:%M"),
        "ends_at_0": "",
        "ends_at_1": "",
        "place_name": action.place_name,
        "address": action.address,
        "postal_code": action.postal_code,
        "city": action.city,
        "is_accessible": "unknown",
        "audience": "",
        "contact": "",
        "registration_url": "",
        "image_alt": "",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
        "transitions-MIN_NUM_FORMS": "0",
        "transitions-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def decide_url(action) -> str:
    return f"{CHANGELIST}{action.pk}/decider/"


def test_the_action_form_saves_fields_and_never_decides(client, staff, queue):
    action = queue[0]
    client.force_login(staff)
    url = f"{CHANGELIST}{action.pk}/change/"
    page = client.get(url).content.decode()
    assert f'href="{decide_url(action)}"' in page
    assert "Enregistrer et publier" not in page
    client.post(url, admin_form(action, title="Titre relu", _moderation="publish"))
    action.refresh_from_db()
    assert action.title == "Titre relu"
    assert action.status == Status.SUBMITTED


def test_the_decision_page_shows_the_action_as_the_public_will_and_its_history(
    client, staff, queue
):
    action = queue[0]
    client.force_login(staff)
    page = client.get(decide_url(action)).content.decode()
    assert escape(action.summary) in page
    assert "Historique des décisions" in page
    for label in ("Publier", "Demander des modifications", "Refuser"):
        assert f">{label}</button>" in page
    assert "Enregistrer" not in page


def test_publishing_lands_on_the_queue_with_a_link_to_the_public_page(client, staff, queue):
    action = queue[0]
    client.force_login(staff)
    response = client.post(
        decide_url(action), {"decision": "publish", "seen": "submitted"}, follow=True
    )
    action.refresh_from_db()
    assert action.status == Status.PUBLISHED
    assert response.redirect_chain[-1][0] == f"{CHANGELIST}?status__exact=submitted"
    assert f'<a href="{action.get_absolute_url()}">voir la page publique</a>' in (
        response.content.decode()
    )


@pytest.mark.parametrize("decision", ["request_changes", "reject"])
def test_asking_changes_or_refusing_without_a_message_is_a_field_error(
    client, staff, queue, decision
):
    action = queue[0]
    client.force_login(staff)
    response = client.post(
        decide_url(action), {"decision": decision, "seen": "submitted", f"{decision}-message": " "}
    )
    assert response.status_code == 200
    assert "le message est obligatoire" in response.content.decode()
    assert 'class="errorlist"' in response.content.decode()
    assert Action.objects.get(pk=action.pk).status == Status.SUBMITTED
    client.post(
        decide_url(action),
        {"decision": decision, "seen": "submitted", f"{decision}-message": "Précisez."},
    )
    action.refresh_from_db()
    assert action.status != Status.SUBMITTED
    assert action.transitions.last().message == "Précisez."


def test_a_second_decision_is_not_applied_and_says_who_decided(client, staff, queue):
    from tests.factories import StaffFactory

    action = queue[0]
    first = StaffFactory(first_name="Claire", last_name="Agent")
    client.force_login(first)
    client.post(decide_url(action), {"decision": "publish", "seen": "submitted"})
    client.force_login(staff)
    response = client.post(
        decide_url(action),
        {"decision": "reject", "seen": "submitted", "reject-message": "Non."},
        follow=True,
    )
    action.refresh_from_db()
    assert action.status == Status.PUBLISHED
    assert action.transitions.count() == 1
    assert "déjà été traitée : publiée par Claire Agent" in response.content.decode()


def test_admin_image_upload_is_checked_like_in_my_space(client, staff, queue):
    from tests.images import svg_upload

    action = queue[0]
    client.force_login(staff)
    response = client.post(
        f"{CHANGELIST}{action.pk}/change/",
        admin_form(action, image=svg_upload(), image_alt="Logo"),
    )
    assert response.status_code == 200
    assert "Les images SVG ne sont pas acceptées" in response.content.decode()
    action.refresh_from_db()
    assert not action.image
