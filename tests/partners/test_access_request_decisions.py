"""Access requests are decided on a page of their own: accept (an invitation leaves) or
refuse, each its own button; a second decision changes nothing and says who decided."""

import pytest
from django.urls import reverse

from partners.models import AccessRequest, Invitation
from tests.factories import AccessRequestFactory, StaffFactory

pytestmark = pytest.mark.django_db


def decide_url(access_request) -> str:
    return reverse("admin:partners_accessrequest_decide", args=[access_request.pk])


def test_the_decision_page_shows_the_request_and_two_decisions(client):
    access_request = AccessRequestFactory(message="Je coordonne l'épicerie solidaire.")
    client.force_login(StaffFactory())
    page = client.get(decide_url(access_request)).content.decode()
    assert "Camille Martin" in page and "épicerie solidaire" in page
    assert ">Accepter et envoyer une invitation</button>" in page
    assert ">Refuser</button>" in page
    change = client.get(
        reverse("admin:partners_accessrequest_change", args=[access_request.pk])
    ).content.decode()
    assert f'href="{decide_url(access_request)}"' in change


def test_accepting_sends_an_invitation_and_lands_on_the_queue(client):
    access_request = AccessRequestFactory()
    client.force_login(StaffFactory())
    response = client.post(decide_url(access_request), {"decision": "approve"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?status__exact=pending")
    assert "une invitation est envoyée" in response.content.decode()
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.APPROVED
    assert Invitation.objects.filter(email=access_request.email).count() == 1


def test_a_second_decision_changes_nothing_and_says_who_decided(client):
    access_request = AccessRequestFactory()
    client.force_login(StaffFactory(first_name="Claire", last_name="Agent"))
    client.post(decide_url(access_request), {"decision": "refuse"})
    client.force_login(StaffFactory())
    response = client.post(decide_url(access_request), {"decision": "approve"}, follow=True)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.REFUSED
    assert not Invitation.objects.filter(email=access_request.email).exists()
    assert "déjà été traitée : refusée par Claire Agent" in response.content.decode()
    page = client.get(decide_url(access_request)).content.decode()
    assert "déjà été traitée" in page and "</button>" not in page.split("decision-page")[-1]


def test_accepting_a_request_without_a_partner_is_refused_in_french(client):
    access_request = AccessRequestFactory(partner=None, organisation_name="Nouvelle asso")
    client.force_login(StaffFactory())
    response = client.post(decide_url(access_request), {"decision": "approve"}, follow=True)
    assert "Rattachez d&#x27;abord la demande à un partenaire" in response.content.decode()
    assert AccessRequest.objects.get(pk=access_request.pk).status == AccessRequest.Status.PENDING
