import re

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


# Line breaks (CR, LF, NEL, the Unicode line and paragraph separators) and the other control
# characters, tab included: none belongs in a field of one line.
_LINE_BREAK_OR_CONTROL = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")


def validate_single_line(value) -> None:
    """A title, a name or a place is one line: it goes into places that are one line by nature
    (an Atom <title>, an email's subject, a CSV cell), where a CR/LF would split or forge what
    follows. Every single-line CharField of the apps carries this validator."""
    if value and _LINE_BREAK_OR_CONTROL.search(str(value)):
        raise ValidationError(
            _("Ce champ ne peut pas contenir de retour à la ligne ni de caractère de contrôle."),
            code="control_character",
        )
