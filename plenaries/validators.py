from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_PDF_BYTES = 20 * 1024 * 1024


def validate_pdf(upload) -> None:
    """A PDF by its content, not by its name, and of a size an email can carry."""
    if upload.size > MAX_PDF_BYTES:
        raise ValidationError(_("Ce fichier dépasse 20 Mo."), code="too_big")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(5)
    upload.seek(position)
    if head != b"%PDF-":
        raise ValidationError(
            _("Ce fichier n'est pas un PDF. Déposez le document enregistré au format PDF."),
            code="not_pdf",
        )
