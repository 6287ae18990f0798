"""Convening every partner, with or without accounts: the "Convoquer" page and its coverage,
the per-partner log, the batch of letters, and the partners' answer link."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from plenaries import services
from plenaries.models import Convocation, ConvocationDelivery, Plenary, Registration
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/reponse/\S+/")


@pytest.fixture
def network(partner, other_partner, member):
    """Emergence: a correspondent and a member; the Croix-Rouge: nothing (a letter); the
    CCAS, which convenes, has an address and a member but is not convened."""
    partner.correspondent_name = "Camille Martin"
    partner.correspondent_email = "camille@emergence.fr"
    partner.save()
    other_partner.address, other_partner.postal_code = "5 rue du Secours", "57100"
    other_partner.correspondent_name = "Paul Durand"
    other_partner.save()
    ccas = PartnerFactory(name="CCAS", kind="coordinator", email="ccas@exemple.fr")
    MembershipFactory(partner=ccas, user=UserFactory(email="agent-membre@exemple.fr"))
    return partner, other_partner


def text_of(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def convene_url(plenary):
    return reverse("admin:plenaries_plenary_convene", args=[plenary.pk])


def test_convene_url_is_the_documented_one(plenary_in_preparation):
    assert convene_url(plenary_in_preparation) == (
        f"/admin/plenaries/plenary/{plenary_in_preparation.pk}/convoquer/"
    )


def test_convene_page_shows_the_coverage_before_sending(
    client, staff, plenary_in_preparation, network
):
    client.force_login(staff)
    response = client.get(convene_url(plenary_in_preparation))
    assert response.status_code == 200
    text = " ".join(strip_tags(text_of(response)).split())
    assert "Partenaires actifs à convoquer (hors CCAS) 2" in text
    assert "Joints par courriel 1 (2 messages, un par adresse)" in text
    assert "Sans aucune adresse : à contacter par courrier 1" in text
    assert "Croix-Rouge française" in text
    assert 'value="Envoyer la convocation"' in response.content.decode()
    assert not Convocation.objects.exists()


def test_sending_from_the_convene_page_records_how_each_partner_was_reached(
    client, staff, plenary_in_preparation, network, mailoutbox, django_capture_on_commit_callbacks
):
    partner, other_partner = network
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(convene_url(plenary_in_preparation), follow=True)
    text = text_of(response)
    assert (
        "Partenaires joints par courriel : 1 sur 2 ; messages envoyés : 2 ; à contacter par "
        "courrier : 1." in text
    )
    assert sorted(message.to[0] for message in mailoutbox) == [
        "camille@emergence.fr",
        "membre@exemple.fr",
    ]
    convocation = Convocation.objects.get()
    assert (convocation.partner_count, convocation.recipient_count) == (2, 2)
    assert convocation.letter_count == 1
    by_partner = {d.partner: d for d in ConvocationDelivery.objects.all()}
    assert by_partner[partner].channel == ConvocationDelivery.Channel.EMAIL
    assert by_partner[partner].address_list == ["camille@emergence.fr", "membre@exemple.fr"]
    assert by_partner[other_partner].channel == ConvocationDelivery.Channel.LETTER
    assert by_partner[other_partner].addresses == ""
    # The log is on the page, the partner without address named "à contacter par courrier".
    assert "(partenaires : 2 ; à contacter par courrier : 1)" in text
    assert "à contacter par courrier" in text


def test_convening_needs_the_named_permission(client, agent_with, plenary_in_preparation, network):
    viewer = agent_with("plenaries.view_plenary")
    client.force_login(viewer)
    response = client.get(convene_url(plenary_in_preparation))
    assert response.status_code == 200
    assert "Envoyer la convocation" not in response.content.decode()
    assert client.post(convene_url(plenary_in_preparation)).status_code == 403
    assert Plenary.objects.get().status == Plenary.Status.PREPARATION
    client.force_login(agent_with())
    assert client.get(convene_url(plenary_in_preparation)).status_code == 403


def test_convene_page_refuses_in_french_what_the_service_refuses(
    client, staff, plenary_in_preparation
):
    plenary_in_preparation.agenda_items.all().delete()
    client.force_login(staff)
    response = client.post(convene_url(plenary_in_preparation), follow=True)
    assert "Ajoutez l'ordre du jour avant de convoquer" in text_of(response)
    assert not Convocation.objects.exists()


def test_one_message_per_address_with_one_answer_link_per_partner(
    plenary_in_preparation,
    partner,
    other_partner,
    staff,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    # One person is the correspondent of both partners and a member of one.
    person = UserFactory(email="double@exemple.fr")
    MembershipFactory(partner=partner, user=person)
    for each in (partner, other_partner):
        each.correspondent_email = "double@exemple.fr"
        each.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    [message] = mailoutbox
    assert message.to == ["double@exemple.fr"]
    links = LINK.findall(message.body)
    assert len(links) == 2 and len(set(links)) == 2
    assert "pour Croix-Rouge française" in message.body
    assert "pour Emergence" in message.body


def test_update_carries_the_links_and_cancellation_does_not(
    convened_plenary, partner, member, staff, mailoutbox, django_capture_on_commit_callbacks
):
    convened_plenary.convened_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    convened_plenary.save()
    convened_plenary.place = "Autre salle"
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_update(plenary=convened_plenary, by=staff)
    assert len(LINK.findall(mailoutbox[-1].body)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_cancel(plenary=convened_plenary, by=staff)
    assert LINK.findall(mailoutbox[-1].body) == []
    cancellation = Convocation.objects.get(kind=Convocation.Kind.CANCELLATION)
    assert cancellation.deliveries.get().partner == partner


# --- The answer link ---------------------------------------------------------------------------


@pytest.fixture
def answer_url(
    plenary_in_preparation, partner, staff, mailoutbox, django_capture_on_commit_callbacks
):
    partner.correspondent_email = "camille@emergence.fr"
    partner.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    [message] = mailoutbox
    [link] = LINK.findall(message.body)
    return link.split("127.0.0.1:8000", 1)[-1]


def test_answer_link_records_and_changes_the_partners_answer_without_an_account(
    client, answer_url, partner
):
    page = client.get(answer_url)
    assert page.status_code == 200
    assert "Réponse de Emergence" in page.content.decode()
    response = client.post(
        answer_url,
        {
            "partner": partner.pk,
            "answer": "attending",
            "attendee_count": 2,
            "attendee_names": "Camille Martin\nLéa Dupont",
        },
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.partner, registration.attendee_count) == (partner, 2)
    assert registration.answered_by is None
    row = registration.history.latest()
    assert row.history_user is None
    assert row.history_change_reason == "lien de réponse à la convocation"
    # The same link changes the answer.
    client.post(answer_url, {"partner": partner.pk, "answer": "excused"})
    registration = Registration.objects.get()
    assert (registration.answer, registration.attendee_count) == ("excused", 0)


def test_answer_link_shows_in_the_staffs_list(client, answer_url, partner, staff):
    client.post(answer_url, {"partner": partner.pk, "answer": "attending", "attendee_count": 3})
    plenary = Plenary.objects.get()
    client.force_login(staff)
    page = client.get(reverse("plenaries:registrations", args=[plenary.year, plenary.semester]))
    text = page.content.decode()
    assert "Emergence" in text and "Présent" in text


def test_altered_answer_link_is_refused_and_records_nothing(client, answer_url, partner):
    altered = answer_url[:-3] + ("A" if answer_url[-3] != "A" else "B") + answer_url[-2:]
    response = client.post(altered, {"partner": partner.pk, "answer": "excused"})
    assert response.status_code == 400
    assert "Ce lien de réponse n'est pas valide" in text_of(response)
    assert "Aucune réponse n'a été enregistrée" in text_of(response)
    assert not Registration.objects.exists()


def test_expired_answer_link_is_refused_and_records_nothing(client, answer_url, partner):
    plenary = Plenary.objects.get()
    plenary.registration_deadline = datetime.date.today() - datetime.timedelta(days=1)
    Plenary.objects.filter(pk=plenary.pk).update(
        registration_deadline=plenary.registration_deadline
    )
    response = client.post(answer_url, {"partner": partner.pk, "answer": "excused"})
    assert response.status_code == 400
    assert "La date limite de réponse" in text_of(response)
    assert not Registration.objects.exists()


def test_answer_link_of_an_earlier_convocation_is_refused(
    client, answer_url, partner, staff, django_capture_on_commit_callbacks
):
    plenary = Plenary.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_cancel(plenary=plenary, by=staff)
    assert client.get(answer_url).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=Plenary.objects.get(), by=staff)
    response = client.post(answer_url, {"partner": partner.pk, "answer": "excused"})
    assert response.status_code == 400
    assert "une convocation qui ne vaut plus" in text_of(response)
    assert not Registration.objects.exists()


def test_answer_link_cannot_answer_for_another_partner(client, answer_url, other_partner):
    response = client.post(answer_url, {"partner": other_partner.pk, "answer": "excused"})
    assert response.status_code == 200  # the form refuses the choice
    assert not Registration.objects.exists()


# --- The letters -------------------------------------------------------------------------------


def test_letters_batch_has_a_personalised_page_per_partner_to_write_to(
    client, staff, plenary_in_preparation, network, django_capture_on_commit_callbacks
):
    third = PartnerFactory(name="Tremplin", address="8 allée des Lilas", postal_code="57100")
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    plenary = Plenary.objects.get()
    client.force_login(staff)
    url = reverse("plenaries:letter", args=[plenary.year, plenary.semester]) + "?courrier=1"
    text = text_of(client.get(url))
    assert text.count('<article class="letter"') == 2
    assert "2 lettres personnalisées, une page par partenaire" in text
    assert "À l'attention de Paul Durand" in text
    assert "5 rue du Secours" in text and "8 allée des Lilas" in text
    assert "Bilan des groupes de travail" in text  # the agenda
    assert len(LINK.findall(text)) == 2  # how to answer, with each one's link
    assert "Camille Martin" not in text  # Emergence is reached by email
    assert third.name in text


def test_letters_need_staff_the_public_gets_the_general_letter(
    client, member, plenary_in_preparation, network, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    plenary = Plenary.objects.get()
    url = reverse("plenaries:letter", args=[plenary.year, plenary.semester])
    for who in (None, member):
        if who:
            client.force_login(who)
        text = client.get(url + "?courrier=1&partenaire=emergence").content.decode()
        assert text.count('<article class="letter"') == 1
        assert "Paul Durand" not in text and "Camille Martin" not in text
        assert not LINK.findall(text)


def test_letter_of_one_partner_by_its_slug(
    client, staff, plenary_in_preparation, network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    plenary = Plenary.objects.get()
    client.force_login(staff)
    url = reverse("plenaries:letter", args=[plenary.year, plenary.semester])
    text = client.get(url + "?partenaire=emergence").content.decode()
    assert text.count('<article class="letter"') == 1
    assert "Camille Martin" in text


def test_letters_page_query_count_does_not_grow_with_letters(
    client,
    staff,
    plenary_in_preparation,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    for number in range(12):
        PartnerFactory(name=f"Sans adresse {number}")
    with django_capture_on_commit_callbacks(execute=True):
        services.plenary_convene(plenary=plenary_in_preparation, by=staff)
    plenary = Plenary.objects.get()
    client.force_login(staff)
    url = reverse("plenaries:letter", args=[plenary.year, plenary.semester]) + "?courrier=1"
    with django_assert_max_num_queries(10):
        text = client.get(url).content.decode()
    assert text.count('<article class="letter"') == 12
