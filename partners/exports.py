"""CSV exports for CCAS staff: UTF-8 with a byte-order mark so that spreadsheet software
opens accented names correctly."""

import csv
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone

NO_STORE = "private, no-store"


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # Contacts, answers, attendance: never kept by a browser's or a shared proxy's cache.
    response["Cache-Control"] = NO_STORE
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else _neutralise(value) for value in row])
    return response


def _neutralise(value):
    """A cell starting with = + - @ would run as a formula in a spreadsheet: quote it."""
    text = str(value)
    if text[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + text
    return text


def directory_rows(partners):
    for partner in partners:
        yield [
            partner.name,
            partner.acronym,
            partner.get_kind_display(),
            ", ".join(field.name for field in partner.fields_of_action.all()),
            partner.address,
            partner.postal_code,
            partner.city,
            partner.neighbourhood.name if partner.neighbourhood else "",
            partner.phone,
            partner.email,
            partner.website,
            partner.register_number,
            partner.siren,
            "oui" if partner.is_active else "non",
            timezone.localtime(partner.last_confirmed_at).date().isoformat()
            if partner.last_confirmed_at
            else "",
        ]


DIRECTORY_HEADER = [
    "Nom",
    "Sigle",
    "Type",
    "Domaines d'action",
    "Adresse",
    "Code postal",
    "Commune",
    "Quartier",
    "Téléphone",
    "Courriel",
    "Site internet",
    "Registre des associations",
    "SIREN",
    "Actif",
    "Fiche confirmée le",
]
