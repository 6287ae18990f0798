"""Every partner is reachable, with or without accounts: the correspondent for the network,
the recipients of the network's mail (partners/reach.py) and the freshness confirmation."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Q

from partners import services
from partners.models import Partner
from partners.reach import Channel, network_reach, reach
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_recipients_are_the_correspondent_and_the_members(partner, member):
    partner.correspondent_email = "correspondante@emergence.fr"
    partner.save()
    [row] = reach([partner]).partners
    assert row.channel == Channel.EMAIL
    assert row.addresses == ["correspondante@emergence.fr", "membre@exemple.fr"]


def test_public_address_stands_in_for_a_missing_correspondent_only(partner):
    partner.email = "Contact@Emergence.FR"
    partner.save()
    assert reach([partner]).partners[0].addresses == ["contact@emergence.fr"]
    partner.correspondent_email = "correspondante@emergence.fr"
    partner.save()
    assert reach([partner]).partners[0].addresses == ["correspondante@emergence.fr"]


def test_partner_without_any_address_is_listed_for_a_letter(partner, other_partner, member):
    result = reach([partner, other_partner])
    assert [row.partner for row in result.by_letter] == [other_partner]
    assert result.partners[1].channel == Channel.LETTER


def test_inactive_member_and_account_without_address_do_not_count(partner):
    MembershipFactory(partner=partner, user=UserFactory(email="parti@exemple.fr", is_active=False))
    assert reach([partner]).by_letter[0].partner == partner


def test_one_message_per_address_naming_every_partner_it_is_for(partner, other_partner, member):
    # The member of Emergence is also the correspondent of the Croix-Rouge, and the
    # Croix-Rouge's member is the correspondent of both.
    other_partner.correspondent_email = "membre@exemple.fr"
    other_partner.save()
    MembershipFactory(partner=other_partner, user=UserFactory(email="double@exemple.fr"))
    partner.correspondent_email = "double@exemple.fr"
    partner.save()
    messages = reach([partner, other_partner]).messages()
    assert [message.address for message in messages] == ["double@exemple.fr", "membre@exemple.fr"]
    for message in messages:
        assert message.partners == [partner, other_partner]
        assert message.user_id is not None  # both addresses are accounts too


def test_correspondent_message_has_no_account(partner):
    partner.correspondent_email = "correspondante@emergence.fr"
    partner.save()
    [message] = reach([partner]).messages()
    assert message.is_correspondent


def test_the_ccas_is_never_among_the_partners_to_reach(partner):
    ccas = PartnerFactory(name="CCAS", kind=Partner.Kind.COORDINATOR, email="ccas@exemple.fr")
    MembershipFactory(partner=ccas, user=UserFactory(email="agent@exemple.fr"))
    reached = [row.partner for row in network_reach().partners]
    assert partner in reached
    assert ccas not in reached


def test_inactive_partners_are_not_reached(partner):
    partner.is_active = False
    partner.save()
    assert network_reach().partners == []


def test_newsletter_leaves_out_who_refused_it(partner, member):
    MembershipFactory(partner=partner, user=UserFactory(email="lectrice@exemple.fr"))
    partner.correspondent_email = "correspondante@emergence.fr"
    partner.correspondent_digest_refused = "correspondante@emergence.fr"
    partner.save()
    official = reach([partner]).partners[0].addresses
    assert "correspondante@emergence.fr" in official  # convocations are never opted out of
    newsletter = reach([partner], unsubscribed=Q(user__email="membre@exemple.fr"))
    assert newsletter.partners[0].addresses == ["lectrice@exemple.fr"]


# --- The correspondent on the partner ----------------------------------------------------------


def test_correspondent_address_is_normalised(partner):
    partner.correspondent_email = "Correspondante@UTOPÏA.fr"
    partner.full_clean()
    assert partner.correspondent_email == "correspondante@xn--utopa-fta.fr"


def test_correspondent_address_with_non_ascii_local_part_is_refused(partner):
    partner.correspondent_email = "andré@exemple.fr"
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert "correspondent_email" in error.value.message_dict


def test_a_new_correspondent_forgets_the_former_ones_refusal(partner):
    partner.correspondent_email = "ancienne@exemple.fr"
    partner.correspondent_digest_refused = "ancienne@exemple.fr"
    partner.save()
    assert not partner.correspondent_receives_digest
    partner.correspondent_email = "nouvelle@exemple.fr"
    partner.save()
    partner.refresh_from_db()
    assert partner.correspondent_digest_refused == ""
    assert partner.correspondent_receives_digest


def test_audit_history_never_keeps_the_correspondent(partner):
    partner.correspondent_name = "Camille Martin"
    partner.correspondent_email = "camille@exemple.fr"
    partner.correspondent_address = "1 rue de Paris\n57100 Thionville"
    partner.save()
    latest = partner.history.latest()
    for name in ("correspondent_name", "correspondent_email", "correspondent_address"):
        assert not hasattr(latest, name)


def test_postal_lines_prefer_the_correspondents_address(partner):
    partner.address, partner.postal_code = "3 place du Marché", "57100"
    assert partner.postal_lines == ["3 place du Marché", "57100 Thionville"]
    partner.correspondent_address = "Mme Martin\n\n1 rue de Paris\n57100 Thionville"
    assert partner.postal_lines == ["Mme Martin", "1 rue de Paris", "57100 Thionville"]


def correspondent_form(partner, **overrides):
    data = {
        "acronym": "",
        "summary": partner.summary,
        "description": "",
        "public_served": "",
        "access_conditions": "",
        "opening_hours": "",
        "address": "",
        "postal_code": "",
        "city": "Thionville",
        "phone": "",
        "email": "",
        "website": "",
        "register_number": "",
        "siren": "",
        "logo_alt": "",
        "correspondent_name": "Camille Martin",
        "correspondent_email": "Camille@Exemple.FR",
        "correspondent_address": "1 rue de Paris\n57100 Thionville",
    }
    data.update(overrides)
    return data


def test_manager_names_the_correspondent_on_the_partner_page(client, partner, manager):
    client.force_login(manager)
    url = f"/partenaires/{partner.slug}/modifier/"
    assert "correspondent_email" in client.get(url).content.decode()
    response = client.post(url, correspondent_form(partner))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.correspondent_name == "Camille Martin"
    assert partner.correspondent_email == "camille@exemple.fr"


def test_plain_member_cannot_change_the_correspondent(client, partner, member):
    client.force_login(member)
    url = f"/partenaires/{partner.slug}/modifier/"
    assert "correspondent_email" not in client.get(url).content.decode()
    response = client.post(url, correspondent_form(partner))
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.correspondent_email == ""


def test_bad_correspondent_address_is_refused_in_french(client, partner, manager):
    client.force_login(manager)
    response = client.post(
        f"/partenaires/{partner.slug}/modifier/",
        correspondent_form(partner, correspondent_email="andré@exemple.fr"),
    )
    assert response.status_code == 200
    assert "Avant le « @ »" in response.content.decode()
    partner.refresh_from_db()
    assert partner.correspondent_email == ""


# --- Freshness confirmation --------------------------------------------------------------------


def test_freshness_confirmation_asks_the_correspondent_to_check_themselves(
    partner, member, mailoutbox, django_capture_on_commit_callbacks
):
    partner.correspondent_name = "Camille Martin"
    partner.correspondent_email = "camille@exemple.fr"
    partner.last_confirmed_at = None
    partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.partner_confirmation_requests_send()
    assert asked == 1
    assert sorted(message.to[0] for message in mailoutbox) == [
        "camille@exemple.fr",
        "membre@exemple.fr",
    ]
    assert "correspondant pour le réseau" in mailoutbox[0].body
    assert "Camille Martin" in mailoutbox[0].body


def test_freshness_confirmation_reaches_a_partner_without_accounts_and_never_the_ccas(
    partner, mailoutbox, django_capture_on_commit_callbacks
):
    partner.email = "contact@emergence.fr"
    partner.last_confirmed_at = None
    partner.save()
    PartnerFactory(
        name="CCAS", kind=Partner.Kind.COORDINATOR, email="ccas@exemple.fr", last_confirmed_at=None
    )
    PartnerFactory(name="Sans adresse", last_confirmed_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.partner_confirmation_requests_send() == 1
    assert [message.to for message in mailoutbox] == [["contact@emergence.fr"]]
    assert "vous n'en avez pas encore" in mailoutbox[0].body


# --- Coverage on the charter and the demo ------------------------------------------------------


def test_coverage_of_the_charter_alone_is_all_letters():
    call_command("import_charter", stdout=io.StringIO())
    coverage = network_reach()
    assert len(coverage.partners) == 26
    assert len(coverage.by_email) == 0
    assert len(coverage.by_letter) == 26


def test_coverage_of_the_demo_reaches_most_partners_by_email(settings):
    settings.DEBUG = True
    call_command("import_charter", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    coverage = network_reach()
    assert len(coverage.partners) == 26
    assert len(coverage.by_email) == 21
    assert sorted(row.partner.slug for row in coverage.by_letter) == [
        "amazone-team",
        "atav",
        "fomal",
        "societe-saint-vincent-de-paul",
        "valoprest",
    ]
    # 21 correspondents and the 4 demo members, each written to once.
    assert len(coverage.messages()) == 25
