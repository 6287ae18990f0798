"""Documents shared in a group: the type is read from the file's first bytes (and, for office
files, from the inside of the archive), never from its name or from what the browser says."""

import struct
import zipfile
import zlib
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

MAX_BYTES = 20 * 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream each Office program reads first, directly under the root of the compound file.
OLE2_MAIN_STREAMS = {
    "worddocument": ("doc", "application/msword"),
    "workbook": ("xls", "application/vnd.ms-excel"),
    "book": ("xls", "application/vnd.ms-excel"),  # Excel 5/95
    "powerpoint document": ("ppt", "application/vnd.ms-powerpoint"),
}
# Where Word ("Macros") and Excel ("_VBA_PROJECT_CUR") keep a VBA project. PowerPoint 97-2003
# keeps its one inside the "PowerPoint Document" stream, which we do not parse.
OLE2_MACRO_STORAGES = {"macros", "_vba_project_cur", "vba"}
# Names in [Content_Types].xml that only a document carrying code declares: docm/xlsm/pptm and
# their templates ("macroEnabled"), the VBA project part, Excel 4.0 macro sheets.
OOXML_MACRO_MARKERS = ("macroenabled", "vbaproject", "macrosheet")
OOXML_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
# Where LibreOffice keeps code in an OpenDocument file: Basic modules (Basic/<library>/<module>.xml,
# beside the library descriptors script-lb.xml and script-lc.xml), and Python, JavaScript or
# BeanShell scripts under Scripts/.
ODF_LIBRARY_DESCRIPTORS = {"script-lb.xml", "script-lc.xml"}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
IMAGE_TYPES = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
ACCEPTED = gettext_lazy(
    "PDF, documents bureautiques (Word, Excel, PowerPoint, LibreOffice) ou images (JPEG, PNG, WebP)"
)


def detect_document_type(upload) -> tuple[str, str]:
    """(extension, content type) of an accepted document, or a ValidationError in French."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("Le fichier pèse %(size)s ; la limite est de %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf", "application/pdf"
    if head.startswith(OLE2_MAGIC):
        return _legacy_office_type(upload)
    if head.startswith(b"PK\x03\x04"):
        detected = _office_archive_type(upload)
        if detected:
            return detected
    try:
        image = Image.open(upload)
        image.verify()
    except Exception:
        image = None
    finally:
        upload.seek(0)
    if image is not None and image.format in IMAGE_TYPES:
        return IMAGE_TYPES[image.format]
    raise ValidationError(
        _(
            "Le contenu de ce fichier ne correspond pas à un type accepté (%(accepted)s), "
            "quel que soit son nom."
        )
        % {"accepted": ACCEPTED},
        code="type",
    )


def _macros_refused():
    return ValidationError(
        _(
            "Ce document contient des macros (du code exécutable) : il est refusé. "
            "Enregistrez-le sans macros (.docx, .xlsx, .pptx, ou .odt, .ods, .odp sans "
            "macros Basic ni scripts) puis déposez-le à nouveau."
        ),
        code="macros",
    )


def _legacy_office_type(upload):
    """Word, Excel or PowerPoint 97-2003, told apart by the main stream of the compound file.

    The OLE2 magic bytes only say "compound file": Windows installers (.msi, .msp), Outlook
    messages, thumbnail caches and encrypted documents share them. We do not trust the root
    entry's CLSID either: writers other than Microsoft Office often leave it blank, so an allow
    list would refuse real documents, and a deny list (MSI's CLSID) would let every other kind
    of container through. What a document cannot lack is the stream its program reads first
    (WordDocument, Workbook, PowerPoint Document) directly under the root; we read the
    compound file's directory, following its allocation table, to find it."""
    contents = _ole2_directory(upload)
    if contents is None:
        raise ValidationError(
            _(
                "Ce fichier est un conteneur Microsoft (OLE2) endommagé ou illisible : "
                "il est refusé."
            ),
            code="type",
        )
    root_streams, all_names = contents
    if all_names & OLE2_MACRO_STORAGES:
        raise _macros_refused()
    for stream, detected in OLE2_MAIN_STREAMS.items():
        if stream in root_streams:
            return detected
    raise ValidationError(
        _(
            "Ce fichier est un conteneur Microsoft (OLE2) qui n'est ni un document Word, ni un "
            "classeur Excel, ni une présentation PowerPoint (un programme d'installation, par "
            "exemple) : il est refusé, quel que soit son nom."
        ),
        code="type",
    )


FREE_OR_END = 0xFFFFFFFA  # sector numbers from here on are markers, not sectors
NO_ENTRY = 0xFFFFFFFF


def _ole2_directory(upload):
    """(names of the streams directly under the root, names of every entry), lower-cased, or
    None when the compound file is malformed. Every sector number read from the file is checked
    against its size and every chain against loops: the file is hostile until proven not."""
    upload.seek(0)
    try:
        header = upload.read(512)
        if len(header) < 512:
            return None
        major, byte_order, shift = struct.unpack_from("<HHH", header, 0x1A)
        if byte_order != 0xFFFE or (major, shift) not in {(3, 9), (4, 12)}:
            return None
        sector_size = 1 << shift
        # Some writers leave the last sector short: it counts, padded, as other readers do.
        sector_count = max(0, -(-(upload.size - sector_size) // sector_size))
        per_sector = sector_size // 4

        def sector(number):
            if number >= sector_count:
                raise ValueError("sector outside the file")
            upload.seek((number + 1) * sector_size)
            return upload.read(sector_size).ljust(sector_size, b"\x00")

        fat_count, first_directory = struct.unpack_from("<II", header, 0x2C)
        first_difat, difat_count = struct.unpack_from("<II", header, 0x44)
        fat_sectors = [n for n in struct.unpack_from("<109I", header, 0x4C) if n < FREE_OR_END]
        seen = set()
        next_difat = first_difat
        while next_difat < FREE_OR_END and len(seen) < difat_count:
            if next_difat in seen:
                return None
            seen.add(next_difat)
            entries = struct.unpack(f"<{per_sector}I", sector(next_difat))
            fat_sectors += [n for n in entries[:-1] if n < FREE_OR_END]
            next_difat = entries[-1]
        fat_sectors = fat_sectors[:fat_count]
        fat_cache = {}

        def next_in_chain(number):
            index, offset = divmod(number, per_sector)
            if index >= len(fat_sectors):
                raise ValueError("sector outside the allocation table")
            if index not in fat_cache:
                fat_cache[index] = struct.unpack(f"<{per_sector}I", sector(fat_sectors[index]))
            return fat_cache[index][offset]

        directory = []
        chain = set()
        number = first_directory
        while number < FREE_OR_END:
            if number in chain:
                return None
            chain.add(number)
            data = sector(number)
            directory += [data[i : i + 128] for i in range(0, sector_size, 128)]
            number = next_in_chain(number)
    except (ValueError, struct.error, OSError):
        return None
    finally:
        upload.seek(0)

    entries = []
    for raw in directory:
        name_length = struct.unpack_from("<H", raw, 0x40)[0]
        name = raw[: max(0, min(name_length, 64) - 2)].decode("utf-16-le", "replace").lower()
        kind = raw[0x42]
        left, right, child = struct.unpack_from("<III", raw, 0x44)
        entries.append((name, kind, left, right, child))
    if not entries or entries[0][1] != 5:  # the first entry is the root storage
        return None
    root_streams = set()
    visited = set()
    pending = [entries[0][4]]
    while pending:  # the root's children form a tree through their left and right siblings
        index = pending.pop()
        if index == NO_ENTRY or index >= len(entries) or index in visited:
            continue
        visited.add(index)
        name, kind, left, right, _child = entries[index]
        if kind == 2:
            root_streams.add(name)
        pending += [left, right]
    all_names = {name for name, kind, *_ in entries if kind in {1, 2}}
    return root_streams, all_names


def _office_archive_type(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = _read_small(archive, "mimetype").decode("ascii", "replace").strip()
                if mimetype in ODF_TYPES:
                    if any(_is_odf_code(name) for name in names):
                        raise _macros_refused()
                    return ODF_TYPES[mimetype], mimetype
            if "[Content_Types].xml" in names:
                declared = _read_small(archive, "[Content_Types].xml").decode("utf-8", "replace")
                if any(
                    PurePosixPath(name).name.lower() == "vbaproject.bin" for name in names
                ) or any(marker in declared.lower() for marker in OOXML_MACRO_MARKERS):
                    raise _macros_refused()
                for prefix, detected in OOXML_TYPES.items():
                    if any(name.startswith(prefix) for name in names):
                        return detected
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError):
        # RuntimeError: an encrypted member; NotImplementedError (a RuntimeError): an unknown
        # compression. Either way, not a document we can vouch for.
        return None
    finally:
        upload.seek(0)
    return None


def _is_odf_code(name: str) -> bool:
    path = PurePosixPath(name)
    top = path.parts[0].lower() if path.parts else ""
    if top == "scripts":
        return not name.endswith("/")
    return top == "basic" and path.suffix == ".xml" and path.name not in ODF_LIBRARY_DESCRIPTORS


def _read_small(archive, name, limit=1024 * 1024):
    """An archive member's first bytes: enough to read a declaration, never a zip bomb."""
    with archive.open(name) as member:
        return member.read(limit)


class DocumentFileField(forms.FileField):
    """A form field that accepts a document only if its content is of an accepted type; the
    stored file is renamed with the extension of what it really is."""

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        extension, content_type = detect_document_type(upload)
        upload.detected_extension = extension
        upload.detected_content_type = content_type
        upload.original_name = PurePosixPath(upload.name or "document").name[:200]
        upload.name = f"document.{extension}"
        return upload
