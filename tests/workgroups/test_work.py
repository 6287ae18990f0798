"""Needs, coordinated projects and expertise requests (workgroups/views/work.py), through the
views as a group member would use them, with the French refusals and the emails they send."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import NeedFactory, PartnerFactory, WorkingGroupFactory
from workgroups import services
from workgroups.models import CoordinatedProject, ExpertiseMessage, ExpertiseRequest, Need

pytestmark = pytest.mark.django_db


def space(group, path):
    return f"/groupes/{group.slug}/espace/{path}"


# --- Needs -----------------------------------------------------------------------------------


def test_a_member_records_a_need_for_the_group(client, group, seat, member):
    client.force_login(member)
    response = client.post(
        space(group, "besoins/nouveau/"),
        {
            "title": "Garde des enfants le samedi",
            "description": "Des mères seules refusent des emplois faute de garde.",
            "seen_where": "Côte des Roses",
            "public_concerned": "Familles monoparentales",
            "status": "open",
        },
    )
    assert response.status_code == 302 and response["Location"] == space(group, "besoins/")
    need = Need.objects.get()
    assert need.group == group and need.recorded_by == member
    assert "Garde des enfants le samedi" in client.get(space(group, "besoins/")).content.decode()


def test_a_member_cannot_edit_a_need_of_another_group(client, group, seat, member):
    elsewhere = NeedFactory(title="Ailleurs")
    client.force_login(member)
    response = client.post(
        space(group, f"besoins/{elsewhere.pk}/modifier/"),
        {"title": "Détourné", "description": "x", "status": "dropped"},
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.title == "Ailleurs" and elsewhere.status == "open"


def test_a_closed_group_records_no_more_needs(client, group, seat, member, staff):
    services.group_close(group=group, by=staff)
    client.force_login(member)
    response = client.post(
        space(group, "besoins/nouveau/"), {"title": "Tard", "description": "x", "status": "open"}
    )
    assert response.status_code == 200
    assert "Ce groupe est clos : il ne change plus." in response.content.decode()
    assert not Need.objects.exists()


# --- Coordinated projects ----------------------------------------------------------------------


def test_a_member_creates_a_project_answering_the_groups_needs(
    client, group, seat, member, partner, pilot, pilot_partner
):
    need = NeedFactory(group=group)
    client.force_login(member)
    response = client.post(
        space(group, "projets/nouveau/"),
        {
            "title": "Samedis partagés",
            "description": "Une garde tournante entre associations.",
            "lead_partner": partner.pk,
            "contributors": [partner.pk, pilot_partner.pk],
            "status": "preparation",
            "needs": [need.pk],
            "is_public": "on",
        },
    )
    project = CoordinatedProject.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.group == group and project.created_by == member
    assert project.lead_partner == partner
    # the lead partner is not listed again among the contributors
    assert list(project.contributors.all()) == [pilot_partner]
    assert list(project.needs.all()) == [need]


def test_a_project_cannot_answer_a_need_of_another_group(client, group, seat, member, partner):
    NeedFactory(group=group)  # the group's own need, offered by the form
    foreign_need = NeedFactory(group=WorkingGroupFactory())
    client.force_login(member)
    response = client.post(
        space(group, "projets/nouveau/"),
        {
            "title": "Détourné",
            "description": "x",
            "lead_partner": partner.pk,
            "status": "idea",
            "needs": [foreign_need.pk],
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not CoordinatedProject.objects.exists()
    # the service holds the rule too, for callers that bypass the form
    with pytest.raises(
        ValidationError, match="Un projet répond aux besoins relevés par son groupe"
    ):
        services.project_save(
            project=CoordinatedProject(
                group=group, title="x", description="x", lead_partner=partner
            ),
            by=member,
            needs=[foreign_need],
        )
    assert not CoordinatedProject.objects.exists()


# --- Expertise requests ------------------------------------------------------------------------


def ask(client, group, partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            space(group, "expertise/demander/"),
            {
                "partner": partner.pk,
                "subject": "Jeunes sans ressources",
                "question": "Quels dispositifs pour les 18-25 ans ?",
            },
        )


def test_an_expertise_request_emails_the_institutions_members(
    client, group, seat, member, expert, institution, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(member)
    response = ask(client, group, institution, django_capture_on_commit_callbacks)
    expertise = ExpertiseRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == expertise.get_absolute_url()
    assert expertise.partner == institution and expertise.asked_by == member
    assert [m.to for m in mailoutbox] == [[expert.email]]
    assert mailoutbox[0].subject == (
        "Demande d'expertise du groupe « Accès au logement » : Jeunes sans ressources"
    )
    assert expertise.get_absolute_url() in mailoutbox[0].body


def test_expertise_is_asked_of_institutions_only(
    client,
    group,
    seat,
    member,
    other_partner,
    other_member,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    client.force_login(member)
    response = ask(client, group, other_partner, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    with pytest.raises(ValidationError, match="L'expertise est demandée à un partenaire institu"):
        services.expertise_request_create(
            group=group, partner=other_partner, subject="x", question="x", by=member
        )
    assert not ExpertiseRequest.objects.exists()
    assert mailoutbox == []


@pytest.fixture
def expertise(group, seat, member, institution, expert):
    return services.expertise_request_create(
        group=group, partner=institution, subject="Jeunes", question="Que proposer ?", by=member
    )


def test_the_thread_emails_the_other_side(
    client, group, member, pilot, expert, expertise, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(expert)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(expertise.get_absolute_url(), {"body": "La Garantie jeunes."})
    assert response.status_code == 302
    expertise.refresh_from_db()
    assert expertise.status == "answered"
    answer_recipients = {address for m in mailoutbox for address in m.to}
    assert {member.email, pilot.email} <= answer_recipients
    assert expert.email not in answer_recipients
    assert mailoutbox[0].subject == "Nouveau message : Jeunes"
    assert "Mission Locale a écrit" in mailoutbox[0].body

    mailoutbox.clear()
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(expertise.get_absolute_url(), {"body": "Merci, et pour les mineurs ?"})
    assert [m.to for m in mailoutbox] == [[expert.email]]
    assert "Le groupe « Accès au logement » a écrit" in mailoutbox[0].body
    assert [m.from_expert for m in expertise.messages.order_by("pk")] == [True, False]


def test_someone_outside_both_sides_cannot_post_in_the_thread(
    client, expertise, other_member, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(other_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(expertise.get_absolute_url(), {"body": "Je m'invite."})
    assert response.status_code == 404
    assert not ExpertiseMessage.objects.exists() and mailoutbox == []


def test_a_closed_thread_takes_no_more_messages(client, member, expertise, mailoutbox):
    expertise.status = "closed"
    expertise.save()
    client.force_login(member)
    response = client.post(expertise.get_absolute_url(), {"body": "Encore une question."})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Cet échange est clos."]
    page = response.content.decode()
    assert "Cet échange est clos : on n'y écrit plus." in page and "Fermer" not in page
    assert "Close" in page  # the status badge, in French
    assert not ExpertiseMessage.objects.exists() and mailoutbox == []


def test_an_institution_that_is_not_active_cannot_be_asked(client, group, seat, member):
    retired = PartnerFactory(kind="institutional", is_active=False)
    client.force_login(member)
    response = client.post(
        space(group, "expertise/demander/"),
        {"partner": retired.pk, "subject": "x", "question": "x"},
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ExpertiseRequest.objects.exists()
