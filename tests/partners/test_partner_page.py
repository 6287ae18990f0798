"""A member keeps their partner's page current: the form, the logo upload and hostile input."""

import pytest
from PIL import Image

from partners.markup import render_markdown
from tests import images

pytestmark = pytest.mark.django_db


def page_data(**overrides):
    data = {
        "acronym": "",
        "summary": "Accueil de jour.",
        "description": "Texte",
        "public_served": "",
        "access_conditions": "",
        "opening_hours": "",
        "address": "12 rue de l'Exemple",
        "postal_code": "57100",
        "city": "Thionville",
        "phone": "03 82 00 00 20",
        "email": "contact@exemple.fr",
        "website": "",
        "register_number": "Volume 40, folio 12",
        "siren": "",
        "logo_alt": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def edit(client, member, partner):
    client.force_login(member)
    url = f"/partenaires/{partner.slug}/modifier/"

    def post(**overrides):
        return client.post(url, page_data(**overrides))

    return post


def test_member_updates_the_page_and_it_is_confirmed(edit, partner):
    partner.last_confirmed_at = None
    partner.save()
    response = edit(summary="Accueil de jour, douches et domiciliation.")
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.summary == "Accueil de jour, douches et domiciliation."
    assert partner.last_confirmed_at is not None


@pytest.mark.parametrize(
    ("make_upload", "fmt"),
    [(images.png_upload, "PNG"), (images.jpeg_upload, "JPEG"), (images.webp_upload, "WEBP")],
)
def test_real_images_are_accepted_and_reencoded_under_a_random_name(
    edit, partner, make_upload, fmt
):
    upload = make_upload(size=(2400, 1200))
    response = edit(logo=upload, logo_alt="Logo d'Emergence")
    assert response.status_code == 302, response.context["form"].errors
    partner.refresh_from_db()
    assert partner.logo.name.startswith("partners/logos/")
    assert upload.name not in partner.logo.name
    with Image.open(partner.logo.path) as stored:
        assert stored.format == fmt
        assert max(stored.size) == 1600  # re-encoded and bounded
    assert (partner.logo_width, partner.logo_height) == (1600, 800)


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [
        (images.not_an_image_upload, "n'est pas une image lisible"),
        (images.truncated_upload, "n'est pas une image lisible"),
        (images.oversized_upload, "la limite est de 5\u00a0Mo"),
        (images.decompression_bomb_upload, "millions de pixels"),
        (images.svg_upload, "SVG ne sont pas acceptées"),
        (images.svg_renamed_png_upload, "SVG ne sont pas acceptées"),
    ],
    ids=["not-an-image", "truncated", "oversized", "bomb", "svg", "svg-renamed"],
)
def test_bad_uploads_are_refused_in_french_and_nothing_is_stored(
    edit, partner, settings, make_upload, message
):
    response = edit(logo=make_upload(), logo_alt="Logo", summary="Ne doit pas être enregistré")
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["logo"])
    assert message in errors
    partner.refresh_from_db()
    assert not partner.logo
    assert partner.summary != "Ne doit pas être enregistré"
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_logo_without_alternative_text_is_refused(edit, partner):
    response = edit(logo=images.png_upload(), logo_alt="")
    assert response.status_code == 200
    assert "Décrivez le logo" in " ".join(response.context["form"].errors["logo_alt"])
    partner.refresh_from_db()
    assert not partner.logo


@pytest.mark.parametrize(
    ("siren", "valid"),
    [("732829320", True), ("732 829 320", True), ("732829321", False), ("12345", False)],
)
def test_siren_is_optional_but_checked_by_its_check_digit(edit, partner, siren, valid):
    response = edit(siren=siren)
    if valid:
        assert response.status_code == 302
        partner.refresh_from_db()
        assert partner.siren == "732829320"
    else:
        assert response.status_code == 200
        assert "SIREN" in " ".join(response.context["form"].errors["siren"])


def test_no_rna_number_is_asked_for(client, member, partner):
    client.force_login(member)
    form = client.get(f"/partenaires/{partner.slug}/modifier/").context["form"]
    labels = " ".join(str(field.label) for field in form.fields.values())
    assert "RNA" not in labels
    assert "registre des associations" in labels
    assert not form.fields["register_number"].required
    assert not form.fields["siren"].required


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>Bonjour",
        '<img src="x" onerror="alert(1)">Bonjour',
        "[Bonjour](javascript:alert(1))",
        '<a href="javascript:alert(1)">Bonjour</a>',
        "<iframe src='https://exemple.fr'></iframe>Bonjour",
        '<p style="background:url(javascript:alert(1))">Bonjour</p>',
    ],
)
def test_hostile_html_in_description_is_refused_in_french_and_nothing_changes(
    edit, partner, hostile
):
    before = partner.description
    response = edit(description=hostile)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["description"])
    assert "ne peut pas contenir de balises HTML" in errors or "n'est pas accepté" in errors
    partner.refresh_from_db()
    assert partner.description == before


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert('x')</script>Bonjour",
        '<img src="x" onerror="alert(1)">Bonjour',
        "[Bonjour](javascript:alert(1))",
        '<p style="background:url(javascript:alert(1))">Bonjour</p>',
    ],
)
def test_hostile_html_that_never_went_through_a_form_is_still_rendered_inert(
    client, partner, hostile
):
    partner.description = hostile
    partner.save()  # a script or a shell, not a form: no validation
    html = partner.description_html
    for forbidden in ["<script", "onerror", "javascript:", "<iframe", "style="]:
        assert forbidden not in html.lower()
    page = client.get(partner.get_absolute_url()).content.decode()
    assert "alert(" not in page.split('<main id="contenu"')[1]


def test_markdown_links_get_safe_rel_and_headings_start_at_level_two():
    html = render_markdown("# Titre\n\n[Site](https://exemple.fr)")
    assert "<h2>Titre</h2>" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_invalid_phone_and_email_are_refused(edit, partner):
    response = edit(phone="appelez-nous", email="pas-une-adresse")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "téléphone" in " ".join(errors["phone"])
    assert "adresse de courriel valide" in " ".join(errors["email"])


def test_overlong_summary_is_refused(edit, partner):
    response = edit(summary="x" * 301)
    assert response.status_code == 200
    assert "300" in " ".join(response.context["form"].errors["summary"])


def blank_partner():
    from tests.factories import PartnerFactory

    return PartnerFactory(summary="", description="", public_served="", opening_hours="")


def test_a_page_its_partner_has_not_written_invites_the_partner_to_complete_it(client):
    partner = blank_partner()
    html = client.get(partner.get_absolute_url()).content.decode()
    assert f"{partner.name} n'a pas encore complété sa fiche" in html
    assert (
        "/demande-acces/" in html
        and f"/compte/connexion/?next=/partenaires/{partner.slug}/" in html
    )
    assert 'id="presentation"' not in html and 'id="accueil"' not in html


def test_its_members_are_asked_to_complete_it_with_a_link_to_the_form(client):
    from tests.factories import MembershipFactory

    partner = blank_partner()
    client.force_login(MembershipFactory(partner=partner, role="manager").user)
    html = client.get(partner.get_absolute_url()).content.decode()
    assert "Compléter la fiche" in html and f"/partenaires/{partner.slug}/modifier/" in html


def test_a_written_page_has_no_invitation(client, partner):
    html = client.get(partner.get_absolute_url()).content.decode()
    assert "pas encore complété sa fiche" not in html


def test_a_partner_without_logo_gets_the_pictogram_of_its_field_of_action(client):
    from tests.factories import FieldOfActionFactory

    partner = blank_partner()
    html = client.get(partner.get_absolute_url()).content.decode()
    assert "/static/img/pictograms/reseau.svg" in html
    partner.fields_of_action.add(FieldOfActionFactory(name="Handicap", slug="handicap"))
    html = client.get(partner.get_absolute_url()).content.decode()
    assert "/static/img/pictograms/handicap.svg" in html
