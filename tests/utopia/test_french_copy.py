"""French plurals, dates and times: "0 partenaire trouvé", "1er janvier", "14 h 30"."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.utils import timezone
from django.utils.translation import ngettext, npgettext

from partners.models import Partner
from tests import plurals
from tests.factories import ActionFactory, PartnerFactory

NBSP = "\u00a0"


def test_the_plural_catalogue_is_up_to_date():
    """Run `make messages` when this fails: a plural message was added or changed."""
    assert plurals.CATALOGUE.read_text(encoding="utf-8") == plurals.catalogue_text()


@pytest.mark.parametrize("message", sorted(plurals.plural_messages(), key=str))
def test_every_plural_takes_the_singular_for_zero_and_one(message):
    context, singular, plural = message
    if context:
        forms = [npgettext(context, singular, plural, n) for n in (0, 1, 2)]
    else:
        forms = [ngettext(singular, plural, n) for n in (0, 1, 2)]
    assert forms == [singular, singular, plural]


def test_the_collector_finds_plurals_in_code_and_templates():
    singulars = {singular for _, singular, _ in plurals.plural_messages()}
    assert "%(counter)s partenaire trouvé" in singulars  # a template's {% plural %}
    assert "%d fiche confirmée." in singulars  # ngettext in Python


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("count", "text"), [(0, "0 partenaire trouvé"), (1, "1 partenaire trouvé")]
)
def test_directory_count_is_singular_for_zero_and_one(client, count, text):
    for _ in range(count):
        PartnerFactory()
    assert text in client.get("/partenaires/").content.decode()


@pytest.mark.django_db
def test_home_counts_one_institutional_partner_in_the_singular(client):
    PartnerFactory(kind=Partner.Kind.INSTITUTIONAL)
    page = " ".join(client.get("/").content.decode().split())
    assert "et 1 institutionnel, autour du CCAS" in page
    assert "0 associatif " in page


def render(source, **context):
    return Template(source).render(Context(context))


def test_dates_say_1er_for_the_first_of_the_month():
    first, twelfth = datetime.date(2027, 1, 1), datetime.date(2027, 1, 12)
    assert render('{{ d|date:"j F Y" }}', d=first) == "1er janvier 2027"
    assert render('{{ d|date:"l j F Y" }}', d=first) == "vendredi 1er janvier 2027"
    assert render("{{ d|date }}", d=first) == "1er janvier 2027"
    assert render('{{ d|date:"j F Y" }}', d=twelfth) == "12 janvier 2027"
    assert render('{{ d|date:"d/m/Y" }}', d=first) == "01/01/2027"  # no day number: untouched
    assert render('{{ d|date:"\\j j" }}', d=first) == "j 1er"  # an escaped j stays a letter


def test_one_time_format_whatever_the_template_writes():
    at = datetime.time(14, 30)
    expected = f"14{NBSP}h{NBSP}30"
    assert render("{{ t|time }}", t=at) == expected
    assert render('{{ t|time:"H:i" }}', t=at) == expected
    assert render('{{ t|time:"H\\hi" }}', t=at) == expected
    assert render('{{ t|time:"H:i" }}', t=datetime.time(9, 5)) == f"9{NBSP}h{NBSP}05"


@pytest.mark.django_db
def test_action_dates_use_the_same_formats():
    tz = timezone.get_current_timezone()
    action = ActionFactory(
        starts_at=datetime.datetime(2027, 5, 1, 14, 30, tzinfo=tz),
        ends_at=datetime.datetime(2027, 5, 1, 17, 0, tzinfo=tz),
    )
    assert action.dates_display == (f"samedi 1er mai 2027, 14{NBSP}h{NBSP}30 à 17{NBSP}h{NBSP}00")


def test_machine_dates_have_no_microseconds():
    at = datetime.datetime(2027, 1, 1, 14, 30, 5, 123456, tzinfo=datetime.UTC)
    assert re.fullmatch(r"2027-01-01T\d\d:30:05[+-]\d\d:\d\d", render('{{ d|date:"c" }}', d=at))
