"""The network bulletin: members share news with the network, never with the public."""

import html

import pytest
from django.core.exceptions import ValidationError

from partners import services
from partners.models import BulletinPost
from tests.factories import BulletinPostFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "/reseau/"
CREATE = "/reseau/publier/"


def post_data(partner, **overrides):
    return {
        "partner": partner.pk,
        "kind": "job",
        "title": "Poste de travailleur social",
        "body": "CDI à temps plein, candidatures avant le 15 décembre.",
        **overrides,
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", 302),
        ("outsider", 404),
        ("member", 200),
        ("other_member", 200),
        ("staff", 200),
        ("agent", 404),  # staff given no permission
    ],
)
def test_permission_matrix_of_the_bulletin(
    client, role, expected, member, other_member, staff, agent
):
    users = {
        "anonymous": None,
        "outsider": UserFactory(),  # an account attached to no partner
        "member": member,
        "other_member": other_member,
        "staff": staff,
        "agent": agent,
    }
    if users[role]:
        client.force_login(users[role])
    for path in (LIST, CREATE):
        response = client.get(path)
        assert response.status_code == expected, path
        if expected == 302:
            assert response["Location"].startswith("/compte/connexion/")


def test_member_posts_in_the_name_of_their_partner(client, member, partner):
    client.force_login(member)
    response = client.post(CREATE, post_data(partner))
    assert response.status_code == 302
    post = BulletinPost.objects.get()
    assert (post.partner, post.author, post.kind) == (partner, member, "job")
    page = client.get(LIST).content.decode()
    assert "Poste de travailleur social" in page
    assert "Offre d&#x27;emploi ou de bénévolat" in page


def test_posts_are_never_public(client, partner):
    BulletinPostFactory(partner=partner, title="Réservé au réseau")
    response = client.get(LIST)
    assert response.status_code == 302
    assert "Réservé au réseau" not in client.get("/").content.decode()
    assert "Réservé au réseau" not in client.get(partner.get_absolute_url()).content.decode()


def test_anonymous_post_is_refused_and_nothing_stored(client, partner):
    response = client.post(CREATE, post_data(partner))
    assert response.status_code == 302
    assert not BulletinPost.objects.exists()


def test_member_cannot_post_in_the_name_of_another_partner(client, member, other_partner):
    client.force_login(member)
    response = client.post(CREATE, post_data(other_partner))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in html.unescape(response.content.decode())
    assert not BulletinPost.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 151, "au plus 150 caractères"),
        ("body", "x" * 5001, "au plus 5000 caractères"),
        ("title", "   ", "Ce champ est obligatoire."),
        ("kind", "spam", "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_is_refused_in_french(client, member, partner, field, value, message):
    client.force_login(member)
    response = client.post(CREATE, post_data(partner, **{field: value}))
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode()).replace("\u202f", " ")
    assert not BulletinPost.objects.exists()


def test_hostile_html_is_shown_inert(client, member, partner):
    client.force_login(member)
    client.post(
        CREATE,
        post_data(partner, body='<script>alert(1)</script><a href="javascript:x">lien</a>'),
    )
    page = client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in page


def test_author_and_partner_manager_may_remove_a_post_others_get_404(
    client, member, manager, other_member, partner
):
    post = BulletinPostFactory(partner=partner, author=member)
    client.force_login(other_member)
    assert client.post(f"/reseau/{post.pk}/retirer/").status_code == 404
    post.refresh_from_db()
    assert post.removed_at is None

    client.force_login(manager)
    assert client.post(f"/reseau/{post.pk}/retirer/").status_code == 302
    post.refresh_from_db()
    assert post.removed_by == manager
    assert post.title not in client.get(LIST).content.decode()
    # Already removed: not found any more.
    assert client.post(f"/reseau/{post.pk}/retirer/").status_code == 404


def test_an_agent_removes_any_post_with_the_moderation_permission(
    client, member, partner, agent_with
):
    post = BulletinPostFactory(partner=partner, author=member)
    client.force_login(agent_with("partners.view_bulletinpost", "partners.delete_bulletinpost"))
    page = client.get(LIST).content.decode()
    assert post.title in page
    assert f"/reseau/{post.pk}/retirer/" not in page
    assert client.post(f"/reseau/{post.pk}/retirer/").status_code == 404
    post.refresh_from_db()
    assert post.removed_at is None

    moderator = agent_with("partners.view_bulletinpost", "partners.moderate_bulletin_post")
    client.force_login(moderator)
    assert f"/reseau/{post.pk}/retirer/" in client.get(LIST).content.decode()
    assert client.post(f"/reseau/{post.pk}/retirer/").status_code == 302
    post.refresh_from_db()
    assert post.removed_by == moderator


def test_an_agent_posts_for_any_partner_with_the_permission_to_add_posts(
    client, partner, agent_with
):
    client.force_login(agent_with("partners.view_bulletinpost"))
    assert CREATE not in client.get(LIST).content.decode()
    assert client.post(CREATE, post_data(partner)).status_code == 404
    with pytest.raises(ValidationError, match="dont vous êtes membre"):
        services.bulletin_post_create(
            post=BulletinPost(partner=partner, kind="job", title="Poste", body="CDI"),
            by=agent_with("partners.view_bulletinpost"),
        )
    assert not BulletinPost.objects.exists()

    client.force_login(agent_with("partners.view_bulletinpost", "partners.add_bulletinpost"))
    assert CREATE in client.get(LIST).content.decode()
    assert client.post(CREATE, post_data(partner)).status_code == 302
    assert BulletinPost.objects.get().partner == partner


def test_remove_requires_post(client, member, partner):
    post = BulletinPostFactory(partner=partner, author=member)
    client.force_login(member)
    assert client.get(f"/reseau/{post.pk}/retirer/").status_code == 405
