"""Dates and times: the browser's picker sends ISO values; a browser without a picker shows a
text box where people write the French way. Both are read the same."""

import datetime

import pytest
from django import forms
from django.utils import timezone

from partners.fields import DateField, DateTimeField, TimeField
from partners.models import Action
from tests.partners.test_action_member_pages import form_data

pytestmark = pytest.mark.django_db


def local(*parts):
    return timezone.make_aware(datetime.datetime(*parts))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-20T14:30", local(2026, 12, 20, 14, 30)),  # what datetime-local sends
        ("20/12/2026 14:30", local(2026, 12, 20, 14, 30)),
        ("20/12/2026 14h", local(2026, 12, 20, 14, 0)),
        ("20/12/2026 à 14 h 30", local(2026, 12, 20, 14, 30)),
        ("20/12/2026 14H30", local(2026, 12, 20, 14, 30)),
        (" 20.12.2026, 9h05 ", local(2026, 12, 20, 9, 5)),
        ("20/12/26 14h", local(2026, 12, 20, 14, 0)),
        ("20/12/2026", local(2026, 12, 20, 0, 0)),
    ],
)
def test_a_date_and_time_is_read_as_typed_in_french_or_sent_by_a_picker(typed, expected):
    assert DateTimeField().clean(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14h", datetime.time(14, 0)),
        ("14 h 30", datetime.time(14, 30)),
        ("14:30", datetime.time(14, 30)),
        ("9h05", datetime.time(9, 5)),
    ],
)
def test_a_time_is_read_in_french(typed, expected):
    assert TimeField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["20/12/2026", "2026-12-20", "20-12-2026", "20/12/26"])
def test_a_date_is_read_in_french(typed):
    assert DateField().clean(typed) == datetime.date(2026, 12, 20)


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        (DateTimeField, "32/12/2026 14h"),
        (DateTimeField, "20/12/2026 25h"),
        (DateTimeField, "demain"),
        (TimeField, "14"),
        (TimeField, "14h75"),
        (DateField, "31/02/2026"),
    ],
)
def test_an_impossible_date_or_time_is_refused_in_french(field, typed):
    with pytest.raises(forms.ValidationError) as refused:
        field().clean(typed)
    assert "valide" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("field", "input_type", "initial", "shown"),
    [
        (DateField, "date", datetime.date(2026, 12, 20), 'value="2026-12-20"'),
        (TimeField, "time", datetime.time(14, 30), 'value="14:30"'),
        (DateTimeField, "datetime-local", local(2026, 12, 20, 14, 30), 'value="2026-12-20T14:30"'),
    ],
)
def test_the_fields_use_the_browsers_native_pickers(field, input_type, initial, shown):
    class Form(forms.Form):
        when = field()

    html = str(Form(initial={"when": initial})["when"])
    assert f'type="{input_type}"' in html and shown in html


def test_an_action_typed_with_french_dates_is_saved(client, member, partner):
    client.force_login(member)
    page = client.get("/mon-espace/actions/nouvelle/").content.decode()
    assert 'type="datetime-local"' in page and "JJ/MM" not in page
    response = client.post(
        "/mon-espace/actions/nouvelle/",
        form_data(partner, starts_at="14/03/2030 à 14 h", ends_at="14/03/2030 17h30"),
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.starts_at == local(2030, 3, 14, 14, 0)
    assert action.ends_at == local(2030, 3, 14, 17, 30)
