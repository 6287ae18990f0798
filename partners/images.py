"""Uploaded images are checked from their content, then re-encoded.

Re-encoding drops anything a crafted file could carry besides pixels (metadata, polyglot
payloads) and gives the stored file a name and a format chosen here, never by the uploader.
"""

import io
import warnings
from pathlib import PurePosixPath

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from partners.sizes import megabytes, size_label

ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = megabytes(5)
MAX_PIXELS = 25_000_000


def clean_image_upload(
    upload, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS, max_side: int = 1600
) -> ContentFile:
    """Return a re-encoded copy of `upload`, or raise a ValidationError in French.

    JPEG, PNG and WebP only (SVG can carry scripts); at most `max_bytes` and `max_pixels`;
    the result is at most `max_side` pixels wide or high.
    """
    if upload.size > max_bytes:
        raise ValidationError(
            _("Le fichier pèse %(size)s ; la limite est de %(limit)s.")
            % {"size": size_label(upload.size), "limit": size_label(max_bytes)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    if b"<svg" in head.lower() or head.lstrip().startswith(b"<"):
        raise ValidationError(
            _("Les images SVG ne sont pas acceptées : envoyez un fichier JPEG, PNG ou WebP."),
            code="svg",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            image_format = image.format
            width, height = image.size
            if width * height > max_pixels:
                raise ValidationError(
                    _(
                        "L'image mesure %(width)s × %(height)s pixels ; la limite est de "
                        "%(limit)s millions de pixels."
                    )
                    % {"width": width, "height": height, "limit": max_pixels // 1_000_000},
                    code="too_many_pixels",
                )
            if image_format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _(
                        "Ce format d'image n'est pas accepté : envoyez un fichier JPEG, PNG ou WebP."
                    ),
                    code="format",
                )
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _(
                "Cette image est trop grande pour être traitée : %(limit)s millions de pixels au plus."
            )
            % {"limit": max_pixels // 1_000_000},
            code="too_many_pixels",
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("Ce fichier n'est pas une image lisible (fichier endommagé ou d'un autre type)."),
            code="invalid",
        ) from None

    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_side, max_side))
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = _pixels_only(image.convert("RGBA" if has_alpha else "RGB"))
    output = io.BytesIO()
    if image_format == "JPEG" or not has_alpha:
        extension = "jpg" if image_format == "JPEG" else ACCEPTED_FORMATS[image_format]
        if extension == "png":
            image.save(output, format="PNG", optimize=True)
        elif extension == "webp":
            image.save(output, format="WEBP", quality=85)
        else:
            image.save(output, format="JPEG", quality=85, optimize=True, progressive=True)
    else:
        extension = ACCEPTED_FORMATS[image_format]
        image.save(output, format=image_format, **({"quality": 85} if extension == "webp" else {}))
    stem = PurePosixPath(getattr(upload, "name", "") or "image").stem[:40] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{extension}")


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding `image`'s pixels and nothing else.

    Pillow's encoders copy some of what the decoder read into `info` into the new file (a JPEG's
    comment, a PNG's ICC profile): a comment holding a script was served back. A fresh image has
    an empty `info`, so no comment, EXIF (with its GPS position), XMP, ICC profile or text chunk
    can reach the stored file, whatever Pillow version decides to carry over."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


class SafeImageField(forms.FileField):
    """A form field for uploaded pictures: the file is checked from its content and
    re-encoded by clean_image_upload, with a French message for each refusal."""

    def __init__(
        self,
        *,
        max_bytes: int = MAX_BYTES,
        max_pixels: int = MAX_PIXELS,
        max_side: int = 1600,
        **kwargs,
    ):
        self.max_bytes, self.max_pixels, self.max_side = max_bytes, max_pixels, max_side
        kwargs.setdefault(
            "widget", forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        return clean_image_upload(
            upload, max_bytes=self.max_bytes, max_pixels=self.max_pixels, max_side=self.max_side
        )
