"""Partners' correspondents for the network, who may have no account: the monthly digest with
its own unsubscribe link, and their personal data (notice, export, erasure)."""

import datetime
import html
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from partners.models import Partner
from plenaries import services
from plenaries.models import ConvocationDelivery, Plenary, semester_of
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    MembershipFactory,
    PlenaryFactory,
    UserFactory,
)
from utopia import digest, rgpd
from utopia.models import EmailPreferences

pytestmark = pytest.mark.django_db


@pytest.fixture
def plenary_in_preparation(db):
    date = timezone.localdate() + datetime.timedelta(days=20)
    year, semester = semester_of(date)
    plenary = PlenaryFactory(
        date=date, year=year, semester=semester, status=Plenary.Status.PREPARATION
    )
    AgendaItemFactory(plenary=plenary, order=1, title="Bilan des groupes de travail")
    return plenary


def send(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return digest.digest_send()


@pytest.fixture
def correspondent(partner, other_partner):
    """Camille corresponds for both partners, without an account."""
    for each in (partner, other_partner):
        each.correspondent_name = "Camille Martin"
        each.correspondent_email = "camille@exemple.fr"
        each.correspondent_address = "1 rue de Paris\n57100 Thionville"
        each.save()
    ActionFactory(partner=partner, published_at=timezone.now() - datetime.timedelta(days=2))
    return "camille@exemple.fr"


def unsubscribe_path(mail):
    return re.search(r"https?://[^/\s]+(/compte/lettre/desabonnement/\S+/)", mail.body).group(1)


def test_correspondent_receives_one_digest_with_their_own_unsubscribe_link(
    correspondent, member, mailoutbox, django_capture_on_commit_callbacks
):
    issue = send(django_capture_on_commit_callbacks)
    assert issue.recipients == 2
    [mail] = [m for m in mailoutbox if m.to == [correspondent]]
    assert "comme correspondant du réseau UTOPIA pour : Croix-Rouge française, Emergence" in (
        mail.body
    )
    assert "Mes préférences" not in mail.body
    assert (
        mail.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{unsubscribe_path(mail)}>"
    )
    member_mail = next(m for m in mailoutbox if m.to == [member.email])
    assert unsubscribe_path(member_mail) != unsubscribe_path(mail)


def test_correspondent_unsubscribes_without_an_account(
    client, correspondent, mailoutbox, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks)
    path = unsubscribe_path(mailoutbox[0])
    page = client.get(path)
    assert page.status_code == 200
    assert correspondent in page.content.decode()
    assert digest.correspondent_recipients()  # a GET changes nothing
    response = client.post(path)
    assert "Les convocations aux plénières" in html.unescape(response.content.decode())
    assert digest.correspondent_recipients() == []
    assert not any(p.correspondent_receives_digest for p in Partner.objects.all())


def test_correspondent_who_refused_the_digest_is_still_convened(
    correspondent,
    partner,
    staff,
    plenary_in_preparation,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    Partner.objects.update(correspondent_digest_refused=correspondent)
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    assert [m.to for m in mailoutbox] == [[correspondent]]


def test_a_new_correspondent_receives_the_digest_despite_the_former_ones_refusal(
    correspondent, partner
):
    Partner.objects.update(correspondent_digest_refused=correspondent)
    partner.refresh_from_db()
    partner.correspondent_email = "nouveau@exemple.fr"
    partner.save()
    assert [m.address for m in digest.correspondent_recipients()] == ["nouveau@exemple.fr"]


def test_a_former_correspondents_link_changes_nothing(
    client, correspondent, partner, mailoutbox, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks)
    path = unsubscribe_path(mailoutbox[0])
    partner.correspondent_email = "nouveau@exemple.fr"
    partner.save()
    client.post(path)
    partner.refresh_from_db()
    assert partner.correspondent_receives_digest


def test_member_who_is_also_correspondent_gets_one_digest_as_member(
    partner, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="double@exemple.fr")
    MembershipFactory(partner=partner, user=user)
    partner.correspondent_email = "double@exemple.fr"
    partner.save()
    ActionFactory(partner=partner, published_at=timezone.now() - datetime.timedelta(days=2))
    send(django_capture_on_commit_callbacks)
    [mail] = mailoutbox
    assert mail.to == ["double@exemple.fr"]
    assert "Mes préférences" in mail.body


def test_members_who_opted_out_get_no_digest_but_a_convocation(
    partner, member, staff, plenary_in_preparation, mailoutbox, django_capture_on_commit_callbacks
):
    EmailPreferences.objects.create(user=member, receives_digest=False)
    assert list(digest.recipients()) == []
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    assert [m.to for m in mailoutbox] == [[member.email]]


# --- RGPD -------------------------------------------------------------------------------------


def test_privacy_notice_covers_correspondents(client):
    text = html.unescape(client.get("/donnees-personnelles/").content.decode())
    assert "Correspondants des partenaires pour le réseau" in text
    assert "tant que la personne est le correspondant" in text


@pytest.fixture
def convened_to_correspondent(
    correspondent, member, staff, plenary_in_preparation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    return correspondent


def test_export_of_a_correspondent_without_account(convened_to_correspondent):
    data = rgpd.correspondent_data_export(email=convened_to_correspondent)
    assert [row["partenaire"] for row in data["correspondant_pour"]] == [
        "Croix-Rouge française",
        "Emergence",
    ]
    assert data["correspondant_pour"][0]["adresse_postale"] == "1 rue de Paris\n57100 Thionville"
    assert len(data["convocations_recues"]) == 2
    out = io.StringIO()
    call_command("rgpd_correspondent", "Camille@Exemple.fr", stdout=out)
    assert json.loads(out.getvalue())["adresse"] == convened_to_correspondent


def test_erasure_of_a_correspondent_without_account(convened_to_correspondent, partner):
    call_command("rgpd_correspondent", convened_to_correspondent, "--effacer", stdout=io.StringIO())
    partner.refresh_from_db()
    assert (partner.correspondent_name, partner.correspondent_email) == ("", "")
    assert partner.correspondent_address == ""
    delivery = ConvocationDelivery.objects.get(partner=partner)
    assert delivery.address_list == [rgpd.ERASED_ADDRESS, "membre@exemple.fr"]
    row = partner.history.latest()
    assert row.history_user is None
    assert row.history_change_reason == "commande rgpd_correspondent"
    assert rgpd.correspondent_data_export(email=convened_to_correspondent) == {
        "correspondant_pour": [],
        "convocations_recues": [],
    }


def test_a_members_export_and_erasure_cover_their_place_as_correspondent(
    partner, member, staff, plenary_in_preparation, django_capture_on_commit_callbacks
):
    partner.correspondent_name = "Membre Correspondant"
    partner.correspondent_email = member.email
    partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    export = rgpd.personal_data_export(user=member)
    assert export["correspondant_pour"][0]["partenaire"] == "Emergence"
    assert len(export["convocations_recues"]) == 1
    done = rgpd.personal_data_erase(user=member, by=staff)
    assert done["correspondant"] == 1
    partner.refresh_from_db()
    assert partner.correspondent_email == ""
    assert ConvocationDelivery.objects.get().address_list == [rgpd.ERASED_ADDRESS]
