"""Documents shared in a group: the type is read from the file's first bytes (and, for office
files, from the inside of the archive), never from its name or from what the browser says."""

import zipfile
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

MAX_BYTES = 20 * 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OOXML_TYPES = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ppt/": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
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
        # Legacy Word/Excel/PowerPoint: which one is inside the compound file; the extension
        # only labels the download, the content type sent is a generic office one.
        return "doc", "application/msword"
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


def _office_archive_type(upload):
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype in ODF_TYPES:
                    return ODF_TYPES[mimetype], mimetype
            if "[Content_Types].xml" in names:
                for prefix, detected in OOXML_TYPES.items():
                    if any(name.startswith(prefix) for name in names):
                        return detected
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


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
