from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from partners.sizes import megabytes, size_label

MAX_PDF_BYTES = megabytes(20)


def validate_pdf(upload) -> None:
    """A PDF by its content, not by its name, and of a size an email can carry."""
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("Le fichier pèse %(size)s ; la limite est de %(limit)s.")
            % {"size": size_label(upload.size), "limit": size_label(MAX_PDF_BYTES)},
            code="too_big",
        )
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError(
            _("Ce fichier n'est pas un PDF. Déposez le document enregistré au format PDF."),
            code="not_pdf",
        )
