"""The demo reads like a real network and says, on every page it filled, that its content is
an example: the partners are real Thionville associations."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from partners.models import Action, Partner
from plenaries.models import Plenary
from workgroups.models import WorkingGroup

pytestmark = pytest.mark.django_db

NOTICE = "Exemple de démonstration."


@pytest.fixture
def demo_site(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def test_demo_people_have_real_sounding_names(demo_site):
    names = [f"{user.first_name} {user.last_name}" for user in get_user_model().objects.all()]
    assert names
    assert not [name for name in names if "Demo" in name or "Agent" in name]


def test_every_demo_filled_partner_and_action_page_says_it_is_an_example(client, demo_site):
    filled = Partner.objects.filter(is_demo=True)
    assert filled.count() >= 8
    for partner in filled:
        assert NOTICE in client.get(partner.get_absolute_url()).content.decode(), partner
    published = Action.objects.published()
    assert published.exists() and not published.filter(is_demo=False).exists()
    for action in published:
        assert NOTICE in client.get(action.get_absolute_url()).content.decode(), action


def test_a_partner_page_not_filled_by_the_demo_has_no_notice(client, demo_site):
    partner = Partner.objects.filter(is_demo=False).first()
    assert NOTICE not in client.get(partner.get_absolute_url()).content.decode()


def test_plenary_and_group_pages_have_no_double_heading_nor_redundant_words(client, demo_site):
    for plenary in Plenary.objects.all():
        page = client.get(plenary.get_absolute_url()).content.decode()
        assert page.count(">Décisions</h") <= 1, plenary
    for group in WorkingGroup.objects.all():
        page = client.get(group.get_absolute_url()).content.decode()
        assert "plénière Plénière" not in page, group
