"""What the partners app does on Django's signals: the fields of action of a new database."""

import pytest
from django.core.management import call_command

from partners.models import FieldOfAction
from partners.receivers import FIELDS_OF_ACTION

pytestmark = pytest.mark.django_db


def test_a_new_database_has_the_networks_fields_of_action():
    # The test database was made by `migrate`, as a new installation's is.
    assert set(FieldOfAction.objects.values_list("name", "slug")) == set(FIELDS_OF_ACTION)
    assert len(FIELDS_OF_ACTION) == 12


def test_migrating_again_brings_back_no_field_of_action_staff_deleted():
    FieldOfAction.objects.filter(slug="handicap").delete()
    call_command("migrate", verbosity=0)
    assert not FieldOfAction.objects.filter(slug="handicap").exists()
    assert FieldOfAction.objects.count() == 11


def test_migrating_again_keeps_a_field_of_action_staff_renamed():
    FieldOfAction.objects.filter(slug="handicap").update(slug="handicap-et-inclusion")
    call_command("migrate", verbosity=0)
    assert FieldOfAction.objects.get(name="Handicap").slug == "handicap-et-inclusion"
    assert FieldOfAction.objects.count() == 12
