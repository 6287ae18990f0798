"""The content checks of group documents, on files built from the published formats
(tests/office_files.py): legacy Office files read with olefile and oletools, within bounds; Office
Open XML packages that would load a remote template or hide a part behind another."""

import contextlib
import os
import sys
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import office_files
from workgroups.compound_files import INFLATE_LIMIT
from workgroups.documents import detect_document_type


def detected(content: bytes, name="document"):
    return detect_document_type(SimpleUploadedFile(name, content))


def refusal(content: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        detected(content)
    return refused.value


# --- Legacy Office: macros found by oletools ----------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        office_files.excel_97_with_macro_sheet(),
        # the sheet list says "worksheet"; the sheet's own stream says "Excel 4.0 macro sheet"
        office_files.excel_97_with_macro_sheet(substream_types=[0x0010, 0x0040]),
        # Excel 5/95 names its stream Book
        office_files.compound_file(
            [("Book", office_files.workbook_stream([("Macro1", office_files.MACRO_SHEET)]))]
        ),
        # the Visual Basic module sheets of Excel 5/95
        office_files.compound_file(
            [("Workbook", office_files.workbook_stream([("Module1", office_files.VB_MODULE)]))]
        ),
        # a Word document carrying a workbook with a macro sheet
        office_files.compound_file(
            [
                ("WordDocument", None),
                (
                    "ObjectPool",
                    [
                        (
                            "_1234",
                            [
                                (
                                    "Workbook",
                                    office_files.workbook_stream(
                                        [("Macro1", office_files.MACRO_SHEET)]
                                    ),
                                )
                            ],
                        )
                    ],
                ),
            ]
        ),
        office_files.powerpoint_97([office_files.excel_97_with_macro_sheet()]),
    ],
    ids=[
        "macro-sheet",
        "macro-sheet-by-its-bof",
        "excel-5-book",
        "vb-module-sheet",
        "embedded-in-word",
        "embedded-in-powerpoint",
    ],
)
def test_excel_4_macro_sheets_are_refused_whatever_the_root_clsid(content):
    assert refusal(content).code == "macros"


@pytest.mark.parametrize(
    "content",
    [
        office_files.word_97_with_vba(),
        # the project in a storage of another name: olevba looks for its streams, not the name
        office_files.word_97_with_vba(storage="Projet"),
        office_files.powerpoint_97([office_files.vba_storage()]),
        # olevba gives up on a presentation with a malformed VBA info record, VBA unseen
        office_files.powerpoint_97(
            [office_files.vba_storage()], before=office_files.vba_info(version=99)
        ),
        # and on one whose root holds a storage
        office_files.powerpoint_97(
            [office_files.vba_storage()], root_extra=[("Dossier", [("Flux", b"x")])]
        ),
    ],
    ids=[
        "word",
        "word-project-elsewhere",
        "powerpoint",
        "powerpoint-malformed-vba-info",
        "powerpoint-storage-at-root",
    ],
)
def test_vba_projects_are_refused_in_word_and_powerpoint_97_files(content):
    assert refusal(content).code == "macros"


def test_a_password_protected_legacy_document_is_refused_as_unreadable():
    error = refusal(office_files.excel_97_protected())
    assert error.code == "encrypted"
    assert "protégé par un mot de passe" in error.messages[0]


# --- Legacy Office: parsing held within bounds --------------------------------------------------


def test_streams_sharing_their_sectors_are_refused_before_they_are_read_again_and_again():
    # 300 streams over the same megabyte: olevba would read 300 MB looking for VBA source.
    content = office_files.word_97_with_shared_sectors(copies=300)
    started = time.monotonic()
    error = refusal(content)
    assert time.monotonic() - started < 5
    assert "endommagé ou illisible" in error.messages[0]


def test_a_presentation_whose_storages_inflate_past_the_limit_is_refused_quickly():
    inflated = office_files.compound_file([("Flux", bytes(INFLATE_LIMIT + 4096))])
    content = office_files.powerpoint_97([inflated])
    assert len(content) < 1024 * 1024
    started = time.monotonic()
    error = refusal(content)
    assert time.monotonic() - started < 5
    assert "endommagé ou illisible" in error.messages[0]


def test_a_directory_chain_that_loops_is_read_in_bounded_time():
    # olefile reads a chain at most as many sectors long as the file has: the loop ends there.
    started = time.monotonic()
    with contextlib.suppress(ValidationError):
        detected(office_files.word_97_with_directory_loop())
    assert time.monotonic() - started < 5


def test_a_directory_too_deep_to_walk_is_refused_not_crashed_on():
    siblings = [(f"S{n}", None) for n in range(sys.getrecursionlimit() + 100)]
    assert refusal(office_files.compound_file([("WordDocument", None), *siblings])).code == "type"


# What the checks may not do, recorded through Python's audit events while they run: the hook
# stays installed for the session (audit hooks cannot be removed) and records only while the test
# below switches it on.
_recording: list = []
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND
_ACTIONS = (
    "socket.",
    "urllib.",
    "http.",
    "os.mkdir",
    "os.remove",
    "os.rename",
    "shutil.",
    "tempfile.",
)


def _record_action(event, args):
    if not _recording:
        return
    writes = event == "open" and (
        any(letter in str(args[1] or "") for letter in "wax+") or (args[2] or 0) & _WRITING
    )
    if writes or event.startswith(_ACTIONS):
        _recording.append((event, args[:2]))


sys.addaudithook(_record_action)


def test_the_office_checks_connect_nowhere_and_write_no_file():
    samples = [
        office_files.word_97_with_vba(),
        office_files.excel_97_with_macro_sheet(),
        office_files.excel_97_protected(),
        office_files.powerpoint_97([office_files.vba_storage(), office_files.embedded_workbook()]),
        office_files.docx_with_template("https://exemple.org/modele.dotm"),
        office_files.word_97(),
    ]
    _recording.append(("recording", ()))
    try:
        for content in samples:
            with contextlib.suppress(ValidationError):
                detected(content)
    finally:
        recorded = _recording[1:]
        _recording.clear()
    assert recorded == []


# --- Office Open XML ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "https://exemple.org/modeles/rapport.dotm",
        "http://192.0.2.1/x.dotm",
        "\\\\serveur\\partage\\rapport.dotm",
        "file://serveur/partage/rapport.dotm",
        "file:///C:/Modeles/rapport.dotx",
    ],
    ids=["https", "http", "unc", "file-on-a-server", "file-on-a-disk"],
)
def test_a_docx_attached_to_a_template_outside_it_is_refused(target):
    error = refusal(office_files.docx_with_template(target))
    assert error.code == "remote_template"
    assert target[:40] in error.messages[0]


def test_a_template_relationship_is_refused_in_any_relationships_part():
    relationships = office_files.relationships(
        ("rId9", "attachedTemplate", "https://exemple.org/x.dotm", True)
    )
    content = office_files.docx(extra=[("word/_rels/document.xml.rels", relationships)])
    # the part replaced a member of the same name: refused for that first
    assert refusal(content).code == "duplicate"
    content = office_files.docx(extra=[("word/_rels/footer1.xml.rels", relationships)])
    assert refusal(content).code == "remote_template"


def test_relationships_parts_inflating_past_the_limit_are_refused_quickly():
    # Nine well-formed parts of about 1 MB, a few kilobytes each once compressed.
    part = office_files.relationships(
        *[(f"rId{n}", "hyperlink", f"https://exemple.org/{n:060}", True) for n in range(4400)]
    )
    assert 900_000 < len(part) < 1024 * 1024
    content = office_files.docx(extra=[(f"word/_rels/p{n}.xml.rels", part) for n in range(9)])
    assert len(content) < 1024 * 1024
    started = time.monotonic()
    assert refusal(content).code == "type"
    assert time.monotonic() - started < 5


def test_a_plain_docx_is_accepted():
    assert detected(office_files.docx())[0] == "docx"


@pytest.mark.parametrize(
    "duplicate",
    ["[Content_Types].xml", "[content_types].xml", "word/document.xml", "word\\document.xml"],
    ids=["same-name", "other-case", "a-part", "backslash"],
)
def test_a_package_holding_two_members_of_one_name_is_refused(duplicate):
    content = office_files.docx(extra=[(duplicate, "<x/>")])
    error = refusal(content)
    assert error.code == "duplicate"
    assert "deux fois la même partie" in error.messages[0]


def test_a_macro_enabled_docx_hidden_behind_a_second_content_types_is_refused():
    assert refusal(office_files.docx_with_two_content_types()).code == "duplicate"
