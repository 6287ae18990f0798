"""Where the groups' private documents live: outside MEDIA_ROOT, which the web server may
publish under /media/. They are only ever sent by the download view, after its permission check."""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
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
