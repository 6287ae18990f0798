"""What the partners app does on Django's signals: the fields of action of a new database."""

import pytest
from django.core.management.sql import emit_post_migrate_signal

from partners.models import FieldOfAction
from partners.receivers import FIELDS_OF_ACTION

pytestmark = pytest.mark.django_db


def migrate_ends():
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")


def test_a_migrated_database_has_the_networks_fields_of_action():
    assert set(FieldOfAction.objects.values_list("name", "slug")) == set(FIELDS_OF_ACTION)
    assert len(FIELDS_OF_ACTION) == 12


def test_migrating_again_brings_back_no_field_of_action_staff_deleted():
    FieldOfAction.objects.filter(slug="handicap").delete()
    migrate_ends()
    assert not FieldOfAction.objects.filter(slug="handicap").exists()
    assert FieldOfAction.objects.count() == 11


def test_migrating_again_keeps_a_field_of_action_staff_renamed():
    FieldOfAction.objects.filter(slug="handicap").update(slug="handicap-et-inclusion")
    migrate_ends()
    assert FieldOfAction.objects.filter(name="Handicap").get().slug == "handicap-et-inclusion"
    assert FieldOfAction.objects.count() == 12


def test_an_emptied_database_gets_them_again():
    FieldOfAction.objects.all().delete()
    migrate_ends()
    assert FieldOfAction.objects.count() == 12
