"""Public pages, membership, documents and the discussion board."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import office_files
from tests.factories import (
    CoordinatedProjectFactory,
    GroupMembershipFactory,
    MembershipFactory,
    NeedFactory,
    PartnerFactory,
)
from workgroups import services
from workgroups.models import Document, GroupMembership, Need, NotificationSetting, Representative

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_public_pages_show_theme_pilot_members_experts_and_public_projects_only(
    client, group, seat, pilot, expert
):
    CoordinatedProjectFactory(group=group, lead_partner=seat.partner, title="Accueil partagé")
    CoordinatedProjectFactory(
        group=group, lead_partner=seat.partner, title="Idée secrète", is_public=False
    )
    listing = client.get("/groupes/").content.decode()
    assert group.theme.name in listing and "Emergence" in listing and pilot.last_name in listing
    page = client.get(group.get_absolute_url()).content.decode()
    assert "Accueil partagé" in page and "Idée secrète" not in page
    assert "Insertion des jeunes" in page  # the expert's specialty
    assert pilot.last_name in page


def test_a_partner_page_lists_its_groups_and_projects(client, group, seat, partner):
    CoordinatedProjectFactory(
        group=group, lead_partner=PartnerFactory(), title="Projet commun"
    ).contributors.add(partner)
    page = client.get(partner.get_absolute_url()).content.decode()
    assert group.name in page and "Projet commun" in page


def test_the_home_page_shows_the_groups(client, group):
    assert group.name in client.get("/").content.decode()


def test_join_request_accepted_by_the_pilot_names_the_requester_representative(
    client,
    group,
    pilot,
    other_member,
    other_partner,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    client.force_login(other_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/groupes/{group.slug}/rejoindre/",
            {"partner": other_partner.pk, "motivation": "Nous accueillons des familles."},
        )
    assert response.status_code == 302
    request = GroupMembership.objects.get(partner=other_partner)
    assert request.status == "pending"
    assert pilot.email in {m.to[0] for m in mailoutbox}
    client.force_login(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/groupes/{group.slug}/espace/membres/{request.pk}/decision/", {"decision": "accept"}
        )
    request.refresh_from_db()
    assert request.status == "active" and request.joined_on
    assert Representative.objects.filter(seat=request, membership__user=other_member).exists()
    assert other_member.email in {m.to[0] for m in mailoutbox}


def test_an_institution_joins_as_an_expert_with_its_specialty(group, institution, expert):
    partner = PartnerFactory(kind="institutional")
    user = MembershipFactory(partner=partner).user
    with pytest.raises(Exception, match="spécialité"):
        services.membership_request(group=group, partner=partner, by=user)
    seat = services.membership_request(group=group, partner=partner, by=user, specialty="Santé")
    assert seat.role == "expert" and seat.specialty == "Santé"


def test_an_agent_seats_any_partner_only_with_the_permission_to_add_seats(
    group, other_partner, agent_with
):
    with pytest.raises(Exception, match="un partenaire dont vous êtes membre"):
        services.membership_add(
            group=group, partner=other_partner, by=agent_with("workgroups.change_workinggroup")
        )
    assert not group.memberships.filter(partner=other_partner).exists()
    seat = services.membership_add(
        group=group, partner=other_partner, by=agent_with("workgroups.add_groupmembership")
    )
    assert seat.status == GroupMembership.Status.ACTIVE


def test_a_second_request_for_the_same_partner_is_refused(group, seat, member, partner):
    with pytest.raises(Exception, match="déjà dans ce groupe"):
        services.membership_request(group=group, partner=partner, by=member)


def test_leaving_is_recorded_with_its_date_and_ends_that_partners_pilot_term(
    client, group, pilot, pilot_partner, staff
):
    client.force_login(pilot)
    seat = group.memberships.get(partner=pilot_partner)
    client.post(
        f"/groupes/{group.slug}/espace/membres/{seat.pk}/depart/",
        {"left_on": "2026-11-20", "reason": "Fin d'activité"},
    )
    seat.refresh_from_db()
    assert seat.status == "left" and str(seat.left_on) == "2026-11-20"
    assert group.pilot_terms.get().ended_on is not None


def test_representatives_are_chosen_among_the_partners_own_users(
    client, group, seat, member, other_member, partner
):
    MembershipFactory(partner=partner)  # a colleague who could be named
    client.force_login(member)
    url = f"/groupes/{group.slug}/espace/membres/{seat.pk}/representants/"
    response = client.post(url, {"membership": other_member.memberships.get().pk})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert seat.representatives.count() == 1


# --- Documents -------------------------------------------------------------------------------


def upload(client, group, name, content, content_type="application/pdf"):
    return client.post(
        f"/groupes/{group.slug}/espace/documents/deposer/",
        {
            "title": "Compte rendu",
            "file": SimpleUploadedFile(name, content, content_type=content_type),
        },
    )


def test_a_pdf_is_stored_privately_and_served_as_a_download(
    client, group, seat, member, settings, tmp_path
):
    client.force_login(member)
    assert upload(client, group, "cr.pdf", PDF).status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf" and document.file.name.endswith(".pdf")
    assert not str(document.file.path).startswith(str(settings.MEDIA_ROOT))
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("rapport.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # a Windows program
        ("rapport.pdf", b"#!/bin/sh\nrm -rf /\n"),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 100),  # a zip that is no office file
    ],
    ids=["exe-renamed-pdf", "script", "html", "bare-zip"],
)
def test_a_file_that_lies_about_its_type_is_refused(client, group, seat, member, name, content):
    client.force_login(member)
    response = upload(client, group, name, content)
    assert response.status_code == 200
    assert "ne correspond pas à un type accepté" in response.content.decode()
    assert not Document.objects.exists()


def test_a_file_over_20_mb_is_refused(client, group, seat, member):
    client.force_login(member)
    response = upload(client, group, "gros.pdf", PDF + b"0" * (20 * 1024 * 1024))
    assert "la limite est de 20" in response.content.decode()
    assert not Document.objects.exists()


def test_an_office_document_is_recognised_from_its_content(client, group, seat, member):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    client.force_login(member)
    assert (
        upload(
            client, group, "notes.bin", buffer.getvalue(), "application/octet-stream"
        ).status_code
        == 302
    )
    document = Document.objects.get()
    assert document.extension == "docx"


@pytest.mark.parametrize(
    ("name", "content", "extension", "content_type"),
    [
        ("cr.doc", office_files.word_97(), "doc", "application/msword"),
        ("budget.doc", office_files.excel_97(), "xls", "application/vnd.ms-excel"),
        (
            "cr.doc",
            office_files.compound_file([("WordDocument", None)], version=4),
            "doc",
            "application/msword",
        ),
        # past 109 sectors of allocation table, the rest of it is listed in DIFAT sectors
        (
            "cr.doc",
            office_files.compound_file([("WordDocument", bytes(7_200_000))]),
            "doc",
            "application/msword",
        ),
        (
            "budget.xls",
            office_files.compound_file([("Workbook", office_files.workbook_stream())]),
            "xls",
            "application/vnd.ms-excel",
        ),
        (
            "diaporama.ppt",
            office_files.powerpoint_97([office_files.embedded_workbook()]),
            "ppt",
            "application/vnd.ms-powerpoint",
        ),
        # the last directory sector cut within its unused slots, as some writers leave it
        ("cr.doc", office_files.word_97()[:-100], "doc", "application/msword"),
    ],
    ids=[
        "word-97",
        "excel-97-named-doc",
        "4096-byte-sectors",
        "table-listed-in-difat",
        "excel-97-without-macros",
        "powerpoint-97-with-an-embedded-workbook",
        "short-last-sector",
    ],
)
def test_a_legacy_office_document_is_recognised_from_its_main_stream(
    client, group, seat, member, name, content, extension, content_type
):
    client.force_login(member)
    assert upload(client, group, name, content, "application/octet-stream").status_code == 302
    document = Document.objects.get()
    assert document.extension == extension and document.content_type == content_type


@pytest.mark.parametrize("name", ["rapport.pdf", "rapport.doc"])
def test_an_installer_renamed_pdf_or_doc_is_refused_despite_its_ole2_magic(
    client, group, seat, member, name
):
    content = office_files.msi_installer()
    assert content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    client.force_login(member)
    response = upload(client, group, name, content)
    assert response.status_code == 200
    assert "ni un document Word, ni un classeur Excel" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "content",
    [
        office_files.OLE2_MAGIC + b"\x00" * 600,  # the magic bytes and nothing behind them
        office_files.word_97()[:700],  # the directory cut off
    ],
    ids=["magic-only", "truncated"],
)
def test_a_broken_ole2_container_is_refused(client, group, seat, member, content):
    client.force_login(member)
    response = upload(client, group, "cr.doc", content)
    assert "endommagé ou illisible" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.docx", office_files.ooxml(["word/document.xml", "word/vbaProject.bin"])),
        (
            "notes.docx",
            office_files.ooxml(
                ["word/document.xml"],
                '<Types><Override PartName="/word/document.xml" ContentType="application/'
                'vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
            ),
        ),
        ("budget.xlsx", office_files.ooxml(["xl/workbook.xml", "xl/vbaProject.bin"])),
        ("cr.doc", office_files.word_97_with_macros()),
        ("cr.doc", office_files.word_97_with_vba()),
        # Excel 4.0 macros: a workbook made of its Workbook stream alone, one sheet a macro sheet
        ("budget.xls", office_files.excel_97_with_macro_sheet()),
        # PowerPoint 97-2003 keeps its VBA project inside the presentation's main stream
        ("diaporama.ppt", office_files.powerpoint_97([office_files.vba_storage()])),
        ("cr.odt", office_files.odf(parts=["Basic/Standard/Module1.xml"])),
        (
            "budget.ods",
            office_files.odf(
                "application/vnd.oasis.opendocument.spreadsheet",
                ["Scripts/python/calcul.py"],
            ),
        ),
    ],
    ids=[
        "docx-with-vba-project",
        "docm-content-type",
        "xlsm",
        "word-97-macros",
        "word-97-vba-project",
        "excel-97-macro-sheet",
        "powerpoint-97-vba-project",
        "odt-basic-module",
        "ods-python-script",
    ],
)
def test_a_document_carrying_macros_is_refused(client, group, seat, member, name, content):
    client.force_login(member)
    response = upload(client, group, name, content, "application/octet-stream")
    assert response.status_code == 200
    assert "contient des macros" in response.content.decode()
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("cr.odt", office_files.odf(), "odt"),
        (
            "budget.ods",
            office_files.odf("application/vnd.oasis.opendocument.spreadsheet"),
            "ods",
        ),
        # An empty Basic library, which LibreOffice writes for some documents: no code in it.
        (
            "cr.odt",
            office_files.odf(parts=["Basic/script-lc.xml", "Basic/Standard/script-lb.xml"]),
            "odt",
        ),
    ],
    ids=["odt", "ods", "odt-empty-basic-library"],
)
def test_a_libreoffice_document_without_code_is_accepted(
    client, group, seat, member, name, content, extension
):
    client.force_login(member)
    response = upload(client, group, name, content, "application/octet-stream")
    assert response.status_code == 302
    assert Document.objects.get().file.name.endswith(f".{extension}")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (office_files.docx_with_template("https://exemple.org/modele.dotm"), "modèle extérieur"),
        (office_files.docx_with_two_content_types(), "deux fois la même partie"),
    ],
    ids=["remote-template", "two-content-types"],
)
def test_a_docx_that_loads_a_remote_template_or_hides_a_part_is_refused(
    client, group, seat, member, content, message
):
    client.force_login(member)
    response = upload(client, group, "notes.docx", content, "application/octet-stream")
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()


# --- Discussions -----------------------------------------------------------------------------


def test_a_reply_notifies_members_except_those_who_switched_off(
    client, group, seat, member, pilot, expert, django_capture_on_commit_callbacks, mailoutbox
):
    topic = services.topic_create(group=group, title="Hiver", body="Des places ?", by=member)
    client.force_login(expert)
    client.post(f"/groupes/{group.slug}/espace/discussions/courriels/", {})  # box unticked: off
    assert NotificationSetting.objects.get(user=expert).email_on_discussion is False
    client.force_login(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(topic.get_absolute_url(), {"body": "Dix places chez nous."})
    recipients = {m.to[0] for m in mailoutbox}
    assert member.email in recipients
    assert expert.email not in recipients and pilot.email not in recipients
    assert topic.replies.count() == 1


def test_hostile_html_in_a_discussion_is_shown_as_text(client, group, seat, member):
    client.force_login(member)
    client.post(
        f"/groupes/{group.slug}/espace/discussions/nouvelle/",
        {"title": "x", "body": "<script>alert(1)</script>"},
    )
    topic = group.topics.get()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_group_space_figures_read_with_the_group_are_right(client, group, pilot):
    for _ in range(2):
        GroupMembershipFactory(
            group=group, partner=PartnerFactory(), status=GroupMembership.Status.PENDING
        )
    NeedFactory(group=group)
    NeedFactory(group=group, status=Need.Status.ANSWERED)
    NeedFactory()  # another group's
    client.force_login(pilot)
    body = client.get(f"/groupes/{group.slug}/espace/").content.decode()
    assert "2 demandes d'entrée attendent votre décision." in body
    assert "1 besoin repéré reste à traiter." in body
