"""Documents shared in a group: the type is read from the file's first bytes (and, for office
files, from the inside of the archive), never from its name or from what the browser says."""

import zipfile
import zlib
from pathlib import PurePosixPath
from xml.etree import ElementTree

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from partners.sizes import megabytes, size_label
from workgroups.compound_files import inspect_compound_file

MAX_BYTES = megabytes(20)

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Names in [Content_Types].xml that only a document carrying code declares: docm/xlsm/pptm and
# their templates ("macroEnabled"), the VBA project part, Excel 4.0 macro sheets.
OOXML_MACRO_MARKERS = ("macroenabled", "vbaproject", "macrosheet")
OOXML_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
OPC_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
# What the relationships parts of a package may add up to, once inflated (a long document with
# thousands of links has a few hundred kilobytes of them).
RELATIONSHIPS_LIMIT = 8 * 1024 * 1024
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
            % {"size": size_label(upload.size), "limit": size_label(MAX_BYTES)},
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
    """Word, Excel or PowerPoint 97-2003 without macros nor password (see
    workgroups.compound_files), or a ValidationError in French."""
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    try:
        found = inspect_compound_file(content)
    except Exception:
        # olefile and oletools parse a hostile file: whatever way they fail, the file is refused,
        # never let through unread.
        raise ValidationError(
            _(
                "Ce fichier est un conteneur Microsoft (OLE2) endommagé ou illisible : "
                "il est refusé."
            ),
            code="type",
        ) from None
    if found.encrypted:
        raise ValidationError(
            _(
                "Ce document est protégé par un mot de passe : son contenu ne peut pas être "
                "vérifié, il est refusé. Enregistrez-le sans mot de passe puis déposez-le à "
                "nouveau."
            ),
            code="encrypted",
        )
    if found.macros:
        raise _macros_refused()
    if found.detected is None:
        raise ValidationError(
            _(
                "Ce fichier est un conteneur Microsoft (OLE2) qui n'est ni un document Word, ni "
                "un classeur Excel, ni une présentation PowerPoint (un programme d'installation, "
                "par exemple) : il est refusé, quel que soit son nom."
            ),
            code="type",
        )
    return found.detected


def _office_archive_type(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            _refuse_duplicate_members(names)
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
                _refuse_remote_template(archive, names)
                for prefix, detected in OOXML_TYPES.items():
                    if any(name.startswith(prefix) for name in names):
                        return detected
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        RuntimeError,
        ValueError,
        ElementTree.ParseError,
    ):
        # RuntimeError: an encrypted member; NotImplementedError (a RuntimeError): an unknown
        # compression. Either way, not a document we can vouch for.
        return None
    finally:
        upload.seek(0)
    return None


def _refuse_duplicate_members(names):
    """A zip may hold two members of the same name (the central directory is a list): Word reads
    one `[Content_Types].xml` and a checker another. Part names are compared as Office compares
    them: without case, with either slash."""
    seen = set()
    for name in names:
        key = name.replace("\\", "/").lstrip("/").lower()
        if key in seen:
            raise ValidationError(
                _(
                    "Ce document contient deux fois la même partie (« %(name)s ») : selon le "
                    "logiciel qui l'ouvre, l'une ou l'autre serait lue. Il est refusé."
                )
                % {"name": name[:100]},
                code="duplicate",
            )
        seen.add(key)


def _refuse_remote_template(archive, names):
    """Word loads a document's attached template (`attachedTemplate`, in
    word/_rels/settings.xml.rels) when it opens the document, from wherever its target says: a
    template with macros on someone else's server (template injection), or a network share that
    receives the reader's Windows credentials. A template outside the document is refused, in
    whichever relationships part it is declared (the settings part may be named anything). The
    parts read add up to RELATIONSHIPS_LIMIT at most: past it, a ValueError (the package is not
    one we can vouch for), rather than gigabytes of XML from a few kilobytes compressed."""
    budget = RELATIONSHIPS_LIMIT
    for name in names:
        if not name.lower().endswith(".rels"):
            continue
        content = _read_small(archive, name)
        budget -= len(content)
        if budget < 0:
            raise ValueError("relationships parts add up past the limit")
        relationships = ElementTree.fromstring(content)
        for relationship in relationships.iter(f"{{{OPC_RELATIONSHIPS}}}Relationship"):
            kind = relationship.get("Type", "").lower()
            external = relationship.get("TargetMode", "").lower() == "external"
            if external and kind.endswith("/attachedtemplate"):
                raise ValidationError(
                    _(
                        "Ce document s'appuie sur un modèle extérieur au fichier "
                        "(« %(target)s »), que Word chargerait à l'ouverture : il est refusé. "
                        "Rattachez-le au modèle Normal (Développeur > Modèle de document) ou "
                        "copiez son contenu dans un nouveau document, puis déposez-le à nouveau."
                    )
                    % {"target": relationship.get("Target", "")[:100]},
                    code="remote_template",
                )


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
