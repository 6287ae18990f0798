"""Needs reported by the public ("Signaler un besoin"): what is stored, what is refused
(honeypot, rate limit, bad input), the staff triage (routing to a group or a theme,
dismissal), the purge of contact details, who sees what, and how many queries it takes."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from partners.models import RateLimitCounter
from tests.concurrency import concurrently
from tests.factories import (
    GroupMembershipFactory,
    NeedReportFactory,
    RepresentativeFactory,
    ThemeFactory,
    WorkingGroupFactory,
)
from utopia import needs
from utopia.models import NeedReport
from workgroups.models import Need, WorkingGroup

pytestmark = pytest.mark.django_db

URL = "/signaler-un-besoin/"
VALID = {
    "description": "Aucun accueil de jour le dimanche pour les personnes à la rue.",
    "place": "Centre-ville",
}


def post(client, data=None, address="203.0.113.7", **extra):
    return client.post(URL, {**VALID, **(data or {})}, REMOTE_ADDR=address, **extra)


# --- The public form ----------------------------------------------------------------------------


def test_form_page_has_the_rgpd_notice_and_the_hidden_honeypot(client):
    page = client.get(URL).content.decode()
    assert "<h1>Signaler un besoin</h1>" in page
    assert "Vos données personnelles" in page
    assert "au plus tard 365 jours après son traitement" in page
    assert '<input type="text" name="website" autocomplete="off" tabindex="-1"' in page
    honeypot = page[
        page.index('class="honeypot"') : page.index("</fieldset>", page.index('class="honeypot"'))
    ]
    assert 'aria-hidden="true"' in honeypot and 'name="website"' in honeypot
    assert "style=" not in page


def test_report_without_contact_is_stored_and_staff_alerted(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client)
    assert response.status_code == 302
    assert response["Location"] == "/signaler-un-besoin/merci/"
    report = NeedReport.objects.get()
    assert report.description == VALID["description"]
    assert report.place == "Centre-ville"
    assert report.status == NeedReport.Status.NEW
    assert not report.has_contact and not report.contact_consent
    assert [mail.to for mail in mailoutbox] == [[staff.email]]
    assert "Centre-ville" in mailoutbox[0].subject
    assert f"/admin/utopia/needreport/{report.pk}/change/" in mailoutbox[0].body
    assert "n'a pas laissé de coordonnées" in mailoutbox[0].body
    assert client.get(response["Location"]).status_code == 200


def test_report_with_contact_and_consent_keeps_the_contact_out_of_the_email(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            {
                "contact_name": "Camille Martin",
                "contact_email": "camille@exemple.fr",
                "contact_phone": "03 82 00 00 00",
                "contact_consent": "on",
            },
        )
    report = NeedReport.objects.get()
    assert (report.contact_name, report.contact_email, report.contact_phone) == (
        "Camille Martin",
        "camille@exemple.fr",
        "03 82 00 00 00",
    )
    assert report.contact_consent
    assert "camille@exemple.fr" not in mailoutbox[0].body
    assert "accepte d'être recontactée" in mailoutbox[0].body


def test_contact_without_consent_is_refused_in_french(client):
    response = post(client, {"contact_email": "camille@exemple.fr"})
    assert response.status_code == 200
    assert "Cochez cette case pour que le CCAS garde vos coordonnées" in response.content.decode()
    assert not NeedReport.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": ""}, "Décrivez le besoin que vous avez constaté."),
        ({"description": "   "}, "Décrivez le besoin que vous avez constaté."),
        ({"description": "é" * 3001}, "La description compte 3001 caractères ; 3000 au plus."),
        ({"place": "x" * 201}, "Le lieu compte 201 caractères ; 200 au plus."),
        (
            {"contact_name": "n" * 151, "contact_consent": "on"},
            "Le nom compte 151 caractères ; 150 au plus.",
        ),
        (
            {"contact_email": "pas-une-adresse", "contact_consent": "on"},
            "Saisissez une adresse électronique valide.",
        ),
        (
            {"contact_phone": "appelez-moi", "contact_consent": "on"},
            "Saisissez un numéro de téléphone",
        ),
        ({"contact_phone": "12", "contact_consent": "on"}, "trop court"),
    ],
)
def test_missing_or_overlong_fields_give_french_errors(client, data, message):
    response = post(client, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NeedReport.objects.exists()


def test_filled_honeypot_is_refused_and_nothing_stored(
    client, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, {"website": "https://spam.exemple"})
    assert response.status_code == 302  # told the same as a person: a robot learns nothing
    assert not NeedReport.objects.exists()
    assert mailoutbox == []


def test_fifty_one_reports_in_a_minute_are_refused_and_the_count_stays_at_the_limit(
    client, settings, staff, mailoutbox, django_capture_on_commit_callbacks
):
    assert settings.UTOPIA_NEED_REPORT_LIMIT == 3
    statuses = []
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(51):
            statuses.append(post(client, {"description": f"Besoin numéro {number}"}).status_code)
    assert statuses[:3] == [302, 302, 302]
    assert set(statuses[3:]) == {429}
    assert NeedReport.objects.count() == 3
    assert len(mailoutbox) == 3
    refused = post(client, {"description": "Des familles sans garde le samedi"})
    assert refused.status_code == 429
    page = refused.content.decode()
    # The form again, with what was typed and why it was not sent.
    assert "Trop de signalements viennent d&#x27;être envoyés" in page
    assert "réessayez dans 10 minutes" in page and "data-error-summary" in page
    assert "Des familles sans garde le samedi</textarea>" in page
    # Another address is not held back by the first one.
    assert post(client, address="198.51.100.9").status_code == 302
    assert NeedReport.objects.count() == 4


def test_honeypot_robots_count_towards_the_limit(client):
    for _ in range(3):
        post(client, {"website": "spam"})
    assert post(client).status_code == 429
    assert not NeedReport.objects.exists()


def test_the_limit_window_ends(client, settings):
    for _ in range(3):
        post(client)
    assert post(client).status_code == 429
    # What the clock does at the end of the window.
    RateLimitCounter.objects.update(window_ends_at=timezone.now())
    assert post(client).status_code == 302
    assert post(client).status_code == 302
    assert NeedReport.objects.count() == 5


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_from_one_address_store_no_more_than_the_limit(
    settings, staff, mailoutbox
):
    # Issue 11: 25 concurrent posts from one address stored 17 reports (limit 3), each one
    # emailing every agent: the limit was read, then counted after the report was stored.
    assert settings.UTOPIA_NEED_REPORT_LIMIT == 3

    def report(number):
        return post(Client(), {"description": f"Besoin numéro {number}"}).status_code

    statuses = concurrently(25, report)
    assert sorted(statuses) == [302] * 3 + [429] * 22
    assert NeedReport.objects.count() == 3
    assert len(mailoutbox) == 3


def test_footer_and_site_map_link_to_the_form(client):
    assert f'href="{URL}"' in client.get("/").content.decode()
    assert f'href="{URL}"' in client.get("/plan-du-site/").content.decode()


def test_privacy_page_describes_the_processing(client, settings):
    settings.UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS = 90
    page = client.get("/donnees-personnelles/").content.decode()
    assert "Signalements de besoins" in page
    assert "au plus tard 90 jours après son traitement" in page


# --- Triage: routing and dismissal --------------------------------------------------------------


@pytest.fixture
def group():
    return WorkingGroupFactory(name="Accès aux droits", slug="acces-aux-droits")


def test_routing_to_a_group_creates_the_need_there(staff, group):
    report = NeedReportFactory(description="  Pas de permanence juridique   gratuite le soir.  ")
    routed = needs.need_report_route(report=report, group=group, by=staff)
    need = Need.objects.get()
    assert routed.need == need
    assert need.group == group
    assert need.title == "Pas de permanence juridique gratuite le soir."
    assert need.seen_where == "Côte des Roses"
    assert need.recorded_by == staff
    assert need.status == Need.Status.OPEN
    report.refresh_from_db()
    assert report.status == NeedReport.Status.ROUTED
    assert (report.routed_group, report.routed_theme) == (group, None)
    assert report.handled_by == staff and report.handled_at is not None


def test_routed_need_shows_on_the_groups_needs_page(client, staff, group, member, partner):
    seat = GroupMembershipFactory(group=group, partner=partner)
    RepresentativeFactory(seat=seat, membership=member.memberships.get())
    report = NeedReportFactory()
    needs.need_report_route(report=report, group=group, title="Garde le samedi", by=staff)
    client.force_login(member)
    page = client.get(f"/groupes/{group.slug}/espace/besoins/").content.decode()
    assert "Garde le samedi" in page
    assert report.description in page


def test_long_description_gives_a_shortened_title(staff, group):
    report = NeedReportFactory(description="mot " * 100)
    need = needs.need_report_route(report=report, group=group, by=staff).need
    assert len(need.title) == needs.NEED_TITLE_LENGTH
    assert need.title.endswith("…")


def test_routing_to_a_theme_creates_no_need(staff):
    theme = ThemeFactory()
    report = needs.need_report_route(report=NeedReportFactory(), theme=theme, by=staff)
    assert report.routed_theme == theme and report.need is None
    assert not Need.objects.exists()


def test_routing_needs_exactly_one_target(staff, group):
    report = NeedReportFactory()
    with pytest.raises(ValidationError, match="un seul destinataire"):
        needs.need_report_route(report=report, group=group, theme=ThemeFactory(), by=staff)
    with pytest.raises(ValidationError, match="un seul destinataire"):
        needs.need_report_route(report=report, by=staff)
    report.refresh_from_db()
    assert report.status == NeedReport.Status.NEW


def test_routing_to_a_closed_group_is_refused_and_changes_nothing(staff, group):
    WorkingGroup.objects.filter(pk=group.pk).update(
        status=WorkingGroup.Status.CLOSED, closed_on=timezone.localdate()
    )
    group.refresh_from_db()
    report = NeedReportFactory()
    with pytest.raises(ValidationError, match="Ce groupe est clos"):
        needs.need_report_route(report=report, group=group, by=staff)
    report.refresh_from_db()
    assert report.status == NeedReport.Status.NEW
    assert not Need.objects.exists()


def test_a_handled_report_cannot_be_routed_or_dismissed_again(staff, group):
    report = NeedReportFactory()
    needs.need_report_dismiss(report=report, by=staff, note="Hors du champ du réseau.")
    report.refresh_from_db()
    assert report.status == NeedReport.Status.DISMISSED
    assert report.staff_note == "Hors du champ du réseau."
    with pytest.raises(ValidationError, match="déjà été traité"):
        needs.need_report_route(report=report, group=group, by=staff)
    with pytest.raises(ValidationError, match="déjà été traité"):
        needs.need_report_dismiss(report=report, by=staff)
    assert not Need.objects.exists()


def test_database_refuses_contact_without_consent_and_routing_to_two_places(group):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        NeedReport.objects.create(description="x", contact_email="a@exemple.fr")
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedReport.objects.create(
            description="x",
            status=NeedReport.Status.ROUTED,
            handled_at=timezone.now(),
            routed_group=group,
            routed_theme=group.theme,
        )


# --- Back-office --------------------------------------------------------------------------------


def test_admin_routes_a_report_to_a_group_from_its_page(client, staff, group):
    report = NeedReportFactory()
    client.force_login(staff)
    url = f"/admin/utopia/needreport/{report.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="route_group"' in page and 'name="route_theme"' in page
    response = client.post(
        url,
        {"staff_note": "Vu avec la pilote.", "route_group": group.pk, "need_title": "Juridique"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == NeedReport.Status.ROUTED
    assert report.routed_group == group
    assert report.need.title == "Juridique"
    assert report.staff_note == "Vu avec la pilote."
    assert report.handled_by == staff
    # Once routed, the page no longer offers to route it.
    assert 'name="route_group"' not in client.get(url).content.decode()


def test_admin_refuses_a_group_and_a_theme_at_once(client, staff, group):
    report = NeedReportFactory()
    client.force_login(staff)
    response = client.post(
        f"/admin/utopia/needreport/{report.pk}/change/",
        {"staff_note": "", "route_group": group.pk, "route_theme": ThemeFactory().pk},
    )
    assert response.status_code == 200
    assert "un seul destinataire" in response.content.decode()
    report.refresh_from_db()
    assert report.status == NeedReport.Status.NEW


def test_admin_saves_a_note_without_routing(client, staff):
    report = NeedReportFactory()
    client.force_login(staff)
    client.post(f"/admin/utopia/needreport/{report.pk}/change/", {"staff_note": "À revoir."})
    report.refresh_from_db()
    assert (report.staff_note, report.status) == ("À revoir.", NeedReport.Status.NEW)


def test_admin_dismiss_action(client, staff, group):
    first, second = NeedReportFactory(), NeedReportFactory()
    routed = needs.need_report_route(report=NeedReportFactory(), group=group, by=staff)
    client.force_login(staff)
    response = client.post(
        "/admin/utopia/needreport/",
        {"action": "dismiss", "_selected_action": [first.pk, second.pk, routed.pk]},
        follow=True,
    )
    assert "2 signalements écartés." in response.content.decode()
    statuses = dict(NeedReport.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "dismissed", second.pk: "dismissed", routed.pk: "routed"}


def test_reports_are_not_added_by_hand(client, staff):
    client.force_login(staff)
    assert client.get("/admin/utopia/needreport/add/").status_code == 403


def test_history_records_who_routed_but_never_the_contact(client, staff, group):
    report = NeedReportFactory(contact_email="camille@exemple.fr", contact_consent=True)
    client.force_login(staff)
    client.post(
        f"/admin/utopia/needreport/{report.pk}/change/",
        {"staff_note": "", "route_group": group.pk},
    )
    record = NeedReport.history.filter(id=report.pk).latest()
    assert (record.status, record.history_user) == ("routed", staff)
    fields = {field.name for field in NeedReport.history.model._meta.fields}
    assert not fields & {"contact_name", "contact_email", "contact_phone"}
    history = client.get(f"/admin/utopia/needreport/{report.pk}/history/")
    assert history.status_code == 200


# --- Purge of contact details -------------------------------------------------------------------


def test_purge_command_erases_old_contacts_only(settings):
    settings.UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS = 30
    now = timezone.now()
    contact = {
        "contact_name": "Camille",
        "contact_email": "camille@exemple.fr",
        "contact_phone": "0382000000",
        "contact_consent": True,
    }
    old_handled = NeedReportFactory(
        **contact,
        status=NeedReport.Status.DISMISSED,
        created_at=now - datetime.timedelta(days=60),
        handled_at=now - datetime.timedelta(days=31),
    )
    recently_handled = NeedReportFactory(
        **contact,
        status=NeedReport.Status.DISMISSED,
        created_at=now - datetime.timedelta(days=60),
        handled_at=now - datetime.timedelta(days=5),
    )
    old_untouched = NeedReportFactory(**contact, created_at=now - datetime.timedelta(days=40))
    recent = NeedReportFactory(**contact)
    out = io.StringIO()
    call_command("purge_need_report_contacts", stdout=out)
    assert "Coordonnées effacées dans 2 signalement(s)" in out.getvalue()
    for report in (old_handled, old_untouched):
        report.refresh_from_db()
        assert not report.has_contact and not report.contact_consent
        assert report.contact_erased_at is not None
        assert report.description  # the need itself stays
    for report in (recently_handled, recent):
        report.refresh_from_db()
        assert report.contact_email == "camille@exemple.fr"
    out = io.StringIO()
    call_command("purge_need_report_contacts", stdout=out)
    assert "dans 0 signalement(s)" in out.getvalue()


# --- Who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "url", "expected"),
    [
        ("anonymous", URL, 200),
        ("anonymous", URL + "merci/", 200),
        ("anonymous", "/admin/utopia/needreport/", 302),
        ("anonymous", "/admin/utopia/needreport/{pk}/change/", 302),
        ("member", URL, 200),
        ("member", "/admin/utopia/needreport/", 302),
        ("member", "/admin/utopia/needreport/{pk}/change/", 302),
        ("other_member", "/admin/utopia/needreport/", 302),
        ("staff", URL, 200),
        ("staff", "/admin/utopia/needreport/", 200),
        ("staff", "/admin/utopia/needreport/{pk}/change/", 200),
    ],
)
def test_permission_matrix(client, role, url, expected, member, other_member, staff):
    report = NeedReportFactory()
    user = {"anonymous": None, "member": member, "other_member": other_member, "staff": staff}[role]
    if user:
        client.force_login(user)
    assert client.get(url.format(pk=report.pk)).status_code == expected


@pytest.mark.parametrize("role", ["anonymous", "member"])
def test_anyone_may_post_a_report(client, role, member):
    if role == "member":
        client.force_login(member)
    assert post(client).status_code == 302
    assert NeedReport.objects.count() == 1


# --- Query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 30])
def test_form_page_and_post_queries_do_not_grow(client, size, django_assert_num_queries):
    NeedReportFactory.create_batch(size)
    with django_assert_num_queries(0):
        assert client.get(URL).status_code == 200
    # The limit's counter (read, then created under a lock, old counters purged), the database
    # constraints checked by the form and by full_clean(), the insert and its history row:
    # nothing that depends on how many reports there are.
    with django_assert_num_queries(30):
        assert post(client).status_code == 302


@pytest.mark.parametrize("size", [1, 30])
def test_admin_changelist_queries_do_not_grow(
    client, staff, group, size, django_assert_num_queries
):
    for index in range(size):
        report = NeedReportFactory()
        if index % 2:
            needs.need_report_route(report=report, group=group, by=staff)
    client.force_login(staff)
    client.get("/admin/utopia/needreport/")  # saves the session (utopia.sessions)
    with django_assert_num_queries(9):
        assert client.get("/admin/utopia/needreport/").status_code == 200


# --- Demo ---------------------------------------------------------------------------------------


def test_demo_loads_reports_once_with_one_routed_into_the_housing_group(settings):
    settings.UTOPIA_DEMO_ALLOWED = True
    call_command("import_charter", stdout=io.StringIO())
    for _ in range(2):
        call_command("load_demo", stdout=io.StringIO())
    assert NeedReport.objects.count() == 4
    routed = NeedReport.objects.get(status=NeedReport.Status.ROUTED)
    assert routed.need.group.slug == "acces-au-logement"
    assert routed.need.title == "Sorties d'hôpital sans hébergement"
    assert NeedReport.objects.to_triage().count() == 2
