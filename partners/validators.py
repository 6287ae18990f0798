from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^\+?[0-9 .()-]{6,20}$",
    _("Saisissez un numéro de téléphone valide, par exemple 03 82 00 00 00."),
)


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def validate_siren(value: str) -> None:
    """A SIREN is nine digits whose Luhn check digit is right (spaces are tolerated)."""
    digits = value.replace(" ", "")
    if not (len(digits) == 9 and digits.isdigit()):
        raise ValidationError(_("Un numéro SIREN compte exactement 9 chiffres."), code="format")
    if not luhn_is_valid(digits):
        raise ValidationError(
            _("Ce numéro SIREN n'est pas valide (sa clé de contrôle est fausse)."),
            code="checksum",
        )
