"""Where uploads are stored: never under a name the uploader chose."""

import uuid
from pathlib import PurePosixPath

from django.utils.deconstruct import deconstructible


@deconstructible
class random_upload_path:
    """upload_to callable: `<folder>/<random hex>.<extension of the re-encoded file>`."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        extension = PurePosixPath(filename).suffix.lower()[:10]
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, random_upload_path) and other.folder == self.folder
