"""One written form for email addresses, so that accounts are found by exact comparison.

A case-insensitive comparison in the database folds look-alike letters: PostgreSQL's UPPER()
turns the dotless "ı" into "I", so an invitation to `ccas@demo.utopıa.test` (a domain anyone
may register) matched the account `ccas@demo.utopia.test`. An address is therefore stored,
compared (with `=`, never `__iexact`) and shown in one form only: lower case, its domain in
IDNA ("xn--") form, where a look-alike is visibly different (`demo.xn--utopa-q4a.test`). A part
before the "@" that is not ASCII has no such visible form, so it is refused.

This lives in `partners`, the lowest app, so that every app's forms and services can use it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _

INVALID_MESSAGE = _("Saisissez une adresse électronique valide.")


def normalize_email(value: str) -> str:
    """`value` in the one form addresses are stored and compared in; a French ValidationError
    when it cannot have one. Checking the address's syntax is left to EmailValidator."""
    value = (value or "").strip()
    local, at, domain = value.rpartition("@")
    if not (at and local and domain):
        raise ValidationError(INVALID_MESSAGE, code="invalid")
    if not local.isascii():
        raise ValidationError(
            _(
                "Avant le « @ », l'adresse ne peut contenir que des caractères simples (lettres "
                "sans accent, chiffres, signes comme . _ - +) : « %(local)s » est refusé."
            ),
            code="non_ascii_local_part",
            params={"local": local},
        )
    try:
        # Python's IDNA codec applies nameprep (case folding included) to a non-ASCII label
        # and leaves an ASCII one as it is: lower() covers the ASCII ones.
        domain = punycode(domain).lower()
    except UnicodeError:
        raise ValidationError(
            _("Le nom de domaine de cette adresse (après le « @ ») n'est pas valide."),
            code="invalid_domain",
        ) from None
    return f"{local.lower()}@{domain}"


class NormalizedEmailField(forms.EmailField):
    """An address typed to create or find an account (invitation, access request, login,
    password reset, back-office accounts): cleaned into its one written form."""

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_email(value) if value else value
