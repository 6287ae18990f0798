"""Members write, preview and submit their partner's actions in "Mon espace"; bad input is
refused with a French message and stores nothing."""

import re

import pytest

from partners.models import Action
from tests import images
from tests.factories import ActionFactory, FieldOfActionFactory

pytestmark = pytest.mark.django_db


def form_data(partner, **overrides):
    data = {
        "partner": partner.pk,
        "kind": "event",
        "title": "Repair café",
        "summary": "On répare ensemble petits appareils et vêtements.",
        "body": "Apportez vos objets **cassés**.",
        "starts_at": "2030-03-14T14:00",
        "ends_at": "2030-03-14T17:30",
        "place_name": "Salle des fêtes",
        "address": "1 place de l'Exemple",
        "postal_code": "57100",
        "city": "Thionville",
        "is_accessible": "true",
        "audience": "Tout public",
        "contact": "03 82 00 00 00",
        "registration_url": "",
        "image_alt": "",
    }
    data.update(overrides)
    return data


def errors_of(response):
    return response.context["form"].errors


def test_member_creates_a_draft_previews_and_submits_it(
    client, member, partner, staff, mailoutbox, django_capture_on_commit_callbacks
):
    field = FieldOfActionFactory(name="Lien social", slug="lien-social")
    client.force_login(member)
    assert client.get("/mon-espace/actions/nouvelle/").status_code == 200
    response = client.post(
        "/mon-espace/actions/nouvelle/",
        form_data(
            partner,
            fields_of_action=[field.pk],
            image=images.png_upload(size=(900, 600)),
            image_alt="Des bénévoles réparent un grille-pain",
        ),
    )
    action = Action.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mon-espace/actions/{action.pk}/"
    assert action.status == Action.Status.DRAFT
    assert action.slug == "repair-cafe"
    assert action.is_accessible is True
    assert list(action.fields_of_action.all()) == [field]
    assert (action.image_width, action.image_height) == (900, 600)
    assert action.thumbnail_width == 640

    preview = client.get(response["Location"]).content.decode()
    assert "Brouillon" in preview
    assert "<strong>cassés</strong>" in preview
    assert 'alt="Des bénévoles réparent un grille-pain"' in preview
    # Not public yet.
    assert client.get("/actions/repair-cafe/").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/mon-espace/actions/{action.pk}/soumettre/")
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Action.Status.SUBMITTED
    assert [mail.to for mail in mailoutbox] == [[staff.email]]
    page = client.get(f"/mon-espace/actions/{action.pk}/").content.decode()
    assert "En attente de relecture" in page
    assert "Soumettre au CCAS" not in page


def test_member_sees_the_ccas_message_in_the_history(client, member, partner, staff):
    from partners import services

    action = ActionFactory(partner=partner, status=Action.Status.SUBMITTED)
    services.action_request_changes(action=action, by=staff, message="Ajoutez le lieu exact.")
    client.force_login(member)
    page = client.get(f"/mon-espace/actions/{action.pk}/").content.decode()
    assert "Modifications demandées" in page
    assert "Ajoutez le lieu exact." in page
    assert "Soumettre de nouveau au CCAS" in page


def test_slug_is_made_unique_from_the_title(client, member, partner):
    ActionFactory(slug="repair-cafe")
    client.force_login(member)
    client.post("/mon-espace/actions/nouvelle/", form_data(partner))
    assert Action.objects.filter(slug="repair-cafe-2").exists()


def test_the_address_is_never_asked_and_stays_when_the_title_changes(client, member, partner):
    client.force_login(member)
    page = client.get("/mon-espace/actions/nouvelle/").content.decode()
    assert 'name="slug"' not in page and "identifiant" not in page and "Markdown" not in page
    client.post("/mon-espace/actions/nouvelle/", form_data(partner, slug="choisi-a-la-main"))
    action = Action.objects.get()
    assert action.slug == "repair-cafe"
    client.post(
        f"/mon-espace/actions/{action.pk}/modifier/", form_data(partner, title="Repair café géant")
    )
    action.refresh_from_db()
    assert (action.title, action.slug) == ("Repair café géant", "repair-cafe")


def test_a_title_made_of_a_reserved_word_gets_a_free_address(client, member, partner):
    client.force_login(member)
    client.post("/mon-espace/actions/nouvelle/", form_data(partner, title="Flux"))
    assert Action.objects.get().slug == "flux-action"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"ends_at": "2030-03-14T10:00"}, "ends_at", "La fin ne peut pas précéder le début."),
        ({"starts_at": ""}, "starts_at", "Indiquez le début"),
        ({"starts_at": "", "ends_at": ""}, "starts_at", "Un événement a une date"),
        ({"starts_at": "2030-13-45T25:00"}, "starts_at", "Saisissez une date et une heure valides"),
        ({"title": "x" * 201}, "title", "Assurez-vous que cette valeur comporte au plus 200"),
        ({"summary": ""}, "summary", "Ce champ est obligatoire."),
        (
            {"registration_url": "javascript:alert(1)"},
            "registration_url",
            "Saisissez une URL valide.",
        ),
        ({"image": "png"}, "image_alt", "Décrivez l'image en quelques mots"),
        ({"image": "not_an_image"}, "image", "n'est pas une image lisible"),
        ({"image": "svg"}, "image", "Les images SVG ne sont pas acceptées"),
        ({"image": "oversized"}, "image", "la limite est de"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_stored(
    client, member, partner, overrides, field, message
):
    taken = ActionFactory(slug="repair-cafe")
    uploads = {
        "png": images.png_upload,
        "not_an_image": images.not_an_image_upload,
        "svg": images.svg_upload,
        "oversized": images.oversized_upload,
    }
    if "image" in overrides:
        overrides = {**overrides, "image": uploads[overrides["image"]]()}
    client.force_login(member)
    response = client.post("/mon-espace/actions/nouvelle/", form_data(partner, **overrides))
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response)[field]), errors_of(response)
    assert "data-error-summary" in response.content.decode()
    assert list(Action.objects.all()) == [taken]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<script>alert(1)</script>", "balises HTML"),
        ('Bonjour <img src=x onerror="alert(2)">', "balises HTML"),
        ('<a href="https://exemple.fr/" onclick="alert(4)">site</a>', "balises HTML"),
        ("[lien](javascript:alert(3))", "n'est pas accepté"),
        ("[lien](JaVaScRiPt:alert(3))", "n'est pas accepté"),
        ("![image](data:image/svg+xml;base64,PHN2Zz4=)", "n'est pas accepté"),
    ],
)
def test_hostile_html_in_the_body_is_refused_in_french_and_nothing_stored(
    client, member, partner, body, message
):
    client.force_login(member)
    response = client.post("/mon-espace/actions/nouvelle/", form_data(partner, body=body))
    assert response.status_code == 200
    assert any(message in error for error in errors_of(response)["body"]), errors_of(response)
    assert not Action.objects.exists()


def test_markdown_and_plain_text_with_angle_brackets_are_accepted(client, member, partner):
    body = (
        "Pour les **familles** : 2 < 3 et 5 > 4, voir <https://exemple.fr/> "
        "ou [le site](https://exemple.fr/aide) ; &eacute;crire à <contact@exemple.fr>."
    )
    client.force_login(member)
    response = client.post("/mon-espace/actions/nouvelle/", form_data(partner, body=body))
    assert response.status_code == 302, errors_of(response)
    assert Action.objects.get().body == body


def test_hostile_title_and_summary_are_shown_as_typed_never_interpreted(client, member, partner):
    summary = '<b onclick="alert(5)">Gras ?</b> <script>alert(6)</script>'
    client.force_login(member)
    response = client.post(
        "/mon-espace/actions/nouvelle/",
        form_data(partner, title='<script>alert("t")</script>', summary=summary),
    )
    assert response.status_code == 302  # plain text: escaped wherever it is shown
    action = Action.objects.get()
    assert action.summary == summary
    page = client.get(action.get_manage_url()).content.decode()
    for dangerous in ("<script>alert", 'onclick="', "<b "):
        assert dangerous not in page
    assert "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in page
    assert (
        '<p class="lead">&lt;b onclick=&quot;alert(5)&quot;&gt;Gras ?&lt;/b&gt; '
        "&lt;script&gt;alert(6)&lt;/script&gt;</p>"
    ) in page


def test_member_cannot_post_for_another_partner(client, member, other_partner):
    client.force_login(member)
    response = client.post("/mon-espace/actions/nouvelle/", form_data(other_partner))
    assert response.status_code == 200
    assert "partner" in errors_of(response)
    assert not Action.objects.exists()


def test_member_of_another_partner_cannot_touch_an_action(client, partner, other_member):
    action = ActionFactory(partner=partner, status=Action.Status.DRAFT, title="Original")
    client.force_login(other_member)
    assert client.get(action.get_manage_url()).status_code == 404
    assert client.get(f"/mon-espace/actions/{action.pk}/modifier/").status_code == 404
    response = client.post(
        f"/mon-espace/actions/{action.pk}/modifier/", form_data(partner, title="Piraté")
    )
    assert response.status_code == 404
    assert client.post(f"/mon-espace/actions/{action.pk}/soumettre/").status_code == 404
    action.refresh_from_db()
    assert (action.title, action.status) == ("Original", Action.Status.DRAFT)


def test_submitting_twice_says_why_in_french(client, member, partner):
    action = ActionFactory(partner=partner, status=Action.Status.SUBMITTED)
    client.force_login(member)
    response = client.post(f"/mon-espace/actions/{action.pk}/soumettre/", follow=True)
    assert (
        "Seul un brouillon ou une action à modifier peut être soumis" in response.content.decode()
    )


def test_submit_is_post_only(client, member, partner):
    action = ActionFactory(partner=partner, status=Action.Status.DRAFT)
    client.force_login(member)
    assert client.get(f"/mon-espace/actions/{action.pk}/soumettre/").status_code == 405
    action.refresh_from_db()
    assert action.status == Action.Status.DRAFT


def test_editing_a_published_action_warns_then_sends_it_back(client, member, partner):
    action = ActionFactory(partner=partner, slug="repair-cafe", title="Repair café")
    client.force_login(member)
    page = client.get(f"/mon-espace/actions/{action.pk}/modifier/").content.decode()
    assert "elle sera retirée du site" in page
    response = client.post(
        f"/mon-espace/actions/{action.pk}/modifier/",
        form_data(partner, slug="repair-cafe", summary="Résumé corrigé"),
        follow=True,
    )
    assert "n&#x27;est plus en ligne" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.SUBMITTED
    assert action.summary == "Résumé corrigé"


def test_my_actions_lists_owned_and_co_organised_actions_only(
    client, member, partner, other_partner
):
    ActionFactory(partner=partner, title="La nôtre", status=Action.Status.DRAFT)
    ActionFactory(partner=other_partner, co_organisers=[partner], title="Avec nous")
    ActionFactory(partner=other_partner, title="Pas la nôtre", status=Action.Status.DRAFT)
    client.force_login(member)
    page = client.get("/mon-espace/actions/").content.decode()
    assert "La nôtre" in page and "Avec nous" in page
    assert "Pas la nôtre" not in page
    space = client.get("/mon-espace/").content.decode()
    assert "La nôtre" in space
    assert "Proposer une action" in space


def test_co_organiser_member_sees_the_moderation_but_cannot_edit(
    client, partner, other_partner, other_member
):
    action = ActionFactory(
        partner=partner, co_organisers=[other_partner], status=Action.Status.DRAFT
    )
    client.force_login(other_member)
    page = client.get(action.get_manage_url()).content.decode()
    assert "Brouillon" in page
    assert "Modifier l'action" not in page
    assert "Soumettre au CCAS" not in page


def test_co_organiser_list_escapes_names_and_keeps_the_choice_after_an_error(member, partner):
    from partners.forms import ActionForm
    from tests.factories import PartnerFactory

    hostile = PartnerFactory(name='<script>alert("x")</script> & Cie')
    other = PartnerFactory(name="Maison des solidarités")
    form = ActionForm(data={"co_organisers": [str(hostile.pk)]}, user=member)
    assert not form.is_valid()
    html = str(form["co_organisers"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "&amp; Cie" in html
    assert re.search(rf'value="{hostile.pk}" id="id_co_organisers_\d+" checked>', html)
    assert re.search(rf'value="{other.pk}" id="id_co_organisers_\d+">', html)
    assert "Maison des solidarités</label>" in html
