"""Choosing several partners: a list of checkboxes with a filter box, never a Ctrl-click
multiple select; written in one loop, so that a network of a thousand partners stays cheap."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partners.forms import ActionForm
from tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_co_organisers_are_checkboxes_in_a_fieldset_with_a_filter_box(client, member, partner):
    other = PartnerFactory(name="Croix-Rouge française")
    client.force_login(member)
    html = client.get("/mon-espace/actions/nouvelle/").content.decode()
    assert '<select name="co_organisers"' not in html and "Ctrl" not in html
    assert f'name="co_organisers" value="{other.pk}"' in html
    assert 'type="checkbox"' in html
    start = html.index("data-checkbox-filter")
    assert html.rfind("<fieldset", 0, start) > html.rfind("</fieldset>", 0, start)
    # The filter box waits for the script that drives it; the boxes work without it.
    assert "data-checkbox-filter-search hidden" in html
    assert '<label class="form-label" for="id_co_organisers_filtre">' in html


def test_checked_co_organisers_are_saved_and_shown_checked_again(client, member, partner):
    from partners.models import Action
    from tests.partners.test_action_member_pages import form_data

    first, second = PartnerFactory(name="Athenes"), PartnerFactory(name="Emmaüs")
    client.force_login(member)
    response = client.post(
        "/mon-espace/actions/nouvelle/",
        form_data(partner, co_organisers=[first.pk, second.pk]),
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert set(action.co_organisers.all()) == {first, second}
    html = client.get(f"/mon-espace/actions/{action.pk}/modifier/").content.decode()
    assert f'value="{first.pk}" id="id_co_organisers_0" checked>' in html


def test_the_whole_network_is_read_in_one_query_of_two_columns(member, partner):
    PartnerFactory.create_batch(200)
    form = ActionForm(user=member)
    with CaptureQueriesContext(connection) as queries:
        html = str(form["co_organisers"])
    assert html.count('type="checkbox"') == 201
    assert len(queries) == 1
    assert queries[0]["sql"].split(" FROM ")[0].count(",") == 1
