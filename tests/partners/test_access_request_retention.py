"""RGPD: access requests, with the applicant's name, address and message, are deleted with
their audit history a set time after their decision."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from partners import services
from partners.models import AccessRequest
from tests.factories import AccessRequestFactory

pytestmark = pytest.mark.django_db


def decided(staff, *, days_ago: int, approve: bool) -> AccessRequest:
    request = AccessRequestFactory()
    if approve:
        services.access_request_approve(access_request=request, by=staff)
    else:
        services.access_request_refuse(access_request=request, by=staff)
    AccessRequest.objects.filter(pk=request.pk).update(
        decided_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return request


def test_requests_decided_long_ago_are_deleted_with_their_history(staff, settings):
    settings.UTOPIA_ACCESS_REQUEST_RETENTION_DAYS = 30
    old_approved = decided(staff, days_ago=31, approve=True)
    old_refused = decided(staff, days_ago=400, approve=False)
    recent = decided(staff, days_ago=29, approve=False)
    pending = AccessRequestFactory()
    AccessRequest.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    assert AccessRequest.history.filter(email=old_approved.email).exists()

    out = io.StringIO()
    call_command("purge_access_requests", stdout=out)

    assert "2 demande(s) d'accès supprimée(s)" in out.getvalue()
    assert set(AccessRequest.objects.values_list("pk", flat=True)) == {recent.pk, pending.pk}
    for gone in (old_approved, old_refused):
        assert not AccessRequest.history.filter(id=gone.pk).exists()
        assert not AccessRequest.history.filter(email=gone.email).exists()
    assert AccessRequest.history.filter(id=recent.pk).exists()

    out = io.StringIO()
    call_command("purge_access_requests", stdout=out)
    assert "0 demande(s)" in out.getvalue()


def test_the_invitation_of_an_approved_request_outlives_it(staff, settings):
    settings.UTOPIA_ACCESS_REQUEST_RETENTION_DAYS = 30
    request = decided(staff, days_ago=31, approve=True)
    services.access_requests_purge()
    assert request.partner.invitations.filter(email=request.email).exists()
