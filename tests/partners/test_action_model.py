"""What the database itself holds about actions: constraints refuse bad rows even when a
form or a service is bypassed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partners.models import Action
from tests.factories import ActionFactory, FieldOfActionFactory, PartnerFactory

pytestmark = pytest.mark.django_db


def test_end_before_start_is_refused_by_the_database():
    start = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(starts_at=start, ends_at=start - datetime.timedelta(hours=1))


def test_end_before_start_gets_a_french_message_from_full_clean():
    start = timezone.now() + datetime.timedelta(days=3)
    action = ActionFactory.build(
        partner=PartnerFactory(), starts_at=start, ends_at=start - datetime.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "La fin ne peut pas précéder le début" in str(error.value)


def test_event_needs_a_start_but_a_service_does_not():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(kind=Action.Kind.EVENT, starts_at=None)
    assert ActionFactory(kind=Action.Kind.SERVICE, starts_at=None).pk


def test_image_without_alternative_text_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=ActionFactory().pk).update(image="actions/x.png", image_alt="")


def test_published_action_has_a_publication_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(status=Action.Status.PUBLISHED, published_at=None)


def test_slug_is_unique_with_a_french_message():
    ActionFactory(slug="repair-cafe")
    duplicate = ActionFactory.build(partner=PartnerFactory(), slug="repair-cafe")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "Une autre action utilise déjà cet identifiant" in str(error.value)


def test_body_markdown_is_rendered_without_scripts():
    action = ActionFactory(body="**Bienvenue** <script>alert(1)</script> [x](javascript:alert(2))")
    assert "<strong>Bienvenue</strong>" in action.body_html
    assert "<script" not in action.body_html
    assert "javascript:" not in action.body_html


HOSTILE_BODY = (
    "**Bienvenue** <script>alert(1)</script>\n\n"
    '<p onclick="alert(2)">Cliquez</p>\n\n'
    '<a href="https://exemple.fr/" onclick="alert(3)" onmouseover="alert(4)">site</a> '
    '<img src=x onerror="alert(5)"> <iframe src="https://exemple.fr/"></iframe> '
    '<svg onload="alert(6)"></svg> <a href="JaVaScRiPt:alert(7)">lien</a> '
    '<a href="data:text/html;base64,PHNjcmlwdD4=">donnees</a> '
    "[x](javascript:alert(8)) <style>body{display:none}</style>"
)


def test_hostile_body_is_stored_as_written_and_rendered_inert():
    action = ActionFactory(body=HOSTILE_BODY)
    action.refresh_from_db()
    # The partner's text is kept as typed (they can read and correct it); only the rendering
    # is cleaned, by an allow-list (partners/markup.py).
    assert action.body == HOSTILE_BODY
    rendered = action.body_html.lower()
    for dangerous in ("<script", "alert(", "onclick", "onmouseover", "onerror", "onload"):
        assert dangerous not in rendered
    for dangerous in ("<img", "<iframe", "<svg", "<style", "javascript:", "data:"):
        assert dangerous not in rendered
    assert "<strong>Bienvenue</strong>" in action.body_html
    assert "<p>Cliquez</p>" in action.body_html
    assert (
        '<a href="https://exemple.fr/" rel="noopener noreferrer nofollow">site</a>'
        in action.body_html
    )


def test_a_new_image_gets_a_thumbnail_with_its_size():
    from django.core.files.base import ContentFile

    from tests.images import image_bytes

    action = ActionFactory(
        image=ContentFile(image_bytes("PNG", size=(1200, 800)), name="photo.png"),
        image_alt="Des bénévoles",
    )
    assert (action.image_width, action.image_height) == (1200, 800)
    assert (action.thumbnail_width, action.thumbnail_height) == (640, 427)


def test_upcoming_and_past_split_the_published_actions():
    now = timezone.now()
    soon = ActionFactory(title="Bientôt", starts_at=now + datetime.timedelta(days=2))
    later = ActionFactory(title="Plus tard", starts_at=now + datetime.timedelta(days=20))
    ongoing = ActionFactory(
        title="En cours",
        starts_at=now - datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2),
    )
    service = ActionFactory(title="Permanence", kind=Action.Kind.SERVICE, starts_at=None)
    over = ActionFactory(
        title="Passée",
        starts_at=now - datetime.timedelta(days=10),
        ends_at=now - datetime.timedelta(days=9),
    )
    one_off_yesterday = ActionFactory(
        title="Hier", starts_at=now - datetime.timedelta(days=1, hours=1), ends_at=None
    )
    ActionFactory(title="Brouillon", status=Action.Status.DRAFT)
    upcoming = list(Action.objects.published().upcoming())
    assert upcoming == [ongoing, soon, later, service]
    assert list(Action.objects.published().past()) == [one_off_yesterday, over]
    assert over.is_past and not soon.is_past and not service.is_past


def test_involving_finds_owned_and_co_organised_actions():
    partner, other = PartnerFactory(), PartnerFactory()
    owned = ActionFactory(partner=partner)
    co = ActionFactory(partner=other, co_organisers=[partner])
    ActionFactory(partner=other)
    assert set(Action.objects.involving(partner)) == {owned, co}


def test_search_ignores_accents_and_case():
    field = FieldOfActionFactory()
    found = ActionFactory(title="Café réparation", fields_of_action=[field])
    ActionFactory(title="Atelier couture")
    assert list(Action.objects.search("CAFE reparation")) == [found]
