"""Where private files live (group documents, members-only plenary documents and minutes):
outside MEDIA_ROOT, which the web server may publish under /media/. They are only ever sent by a
download view, after its permission check."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateDocumentStorage(FileSystemStorage):
    """UTOPIA_PRIVATE_MEDIA_ROOT, or a `private` folder beside MEDIA_ROOT (never inside it),
    read at each use so that tests and settings changes apply."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        configured = getattr(settings, "UTOPIA_PRIVATE_MEDIA_ROOT", None)
        return Path(configured) if configured else Path(settings.MEDIA_ROOT).parent / "private"

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private documents have no public URL: use the download view.")


private_storage = PrivateDocumentStorage()


class DownloadViewFieldFile(FieldFile):
    """A private file whose URL is its download view, given by its model's `get_<field>_url()`
    (`get_file_url`, `get_minutes_pdf_url`): the admin's file widget and templates link to the
    view, which checks who asks, never to a path under /media/."""

    @property
    def url(self):
        self._require_file()
        return getattr(self.instance, f"get_{self.field.name}_url")()


class PrivateFileField(models.FileField):
    """A FileField kept in the private storage and linked to its model's download view."""

    attr_class = DownloadViewFieldFile

    def __init__(self, *args, **kwargs):
        kwargs["storage"] = private_storage
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)  # always the private storage: not a choice of the model
        return name, path, args, kwargs
