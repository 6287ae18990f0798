"""CSV exports for CCAS staff, gathered on one back-office page (/admin/exports/); the
admin site wraps these views (staff only, with two-factor authentication in production), and
each export needs its own permission, held by the model of the data it lets out: the page
lists only the exports its reader may download.

Every file is UTF-8 with a byte-order mark, `;`-separated, formulas neutralised
(partners.exports.csv_response). Each export streams the whole table in a fixed number of
queries, whatever the size of the network.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.exports import DIRECTORY_HEADER, csv_response, directory_rows
from partners.models import Membership, Partner
from plenaries.models import Attendance
from workgroups.models import GroupMembership, Representative


def _local_date(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def partners_export():
    partners = (
        Partner.objects.select_related("neighbourhood")
        .prefetch_related("fields_of_action")
        .order_by("name")
    )
    return csv_response("partenaires-utopia", DIRECTORY_HEADER, directory_rows(partners))


def contacts_export():
    seats = (
        Membership.objects.filter(user__is_active=True)
        .select_related("user", "partner")
        .order_by("partner__name", "user__last_name", "user__first_name")
    )
    return csv_response(
        "contacts-utopia",
        ["Partenaire", "Prénom", "Nom", "Courriel", "Rôle", "Membre depuis"],
        (
            [
                seat.partner.name,
                seat.user.first_name,
                seat.user.last_name,
                seat.user.email,
                seat.get_role_display(),
                _local_date(seat.created_at),
            ]
            for seat in seats
        ),
    )


def attendance_export():
    attendances = Attendance.objects.select_related("plenary", "partner").order_by(
        "plenary__date", "partner__name"
    )
    return csv_response(
        "presences-plenieres-utopia",
        ["Plénière", "Date", "Partenaire", "Présence", "Personnes présentes"],
        (
            [
                str(attendance.plenary),
                attendance.plenary.date.isoformat(),
                attendance.partner.name,
                attendance.get_status_display(),
                " ; ".join(attendance.persons_present.split("\n")).strip(),
            ]
            for attendance in attendances
        ),
    )


def group_members_export():
    seats = (
        GroupMembership.objects.exclude(status=GroupMembership.Status.REFUSED)
        .select_related("group", "partner")
        .prefetch_related(
            Prefetch(
                "representatives",
                queryset=Representative.objects.select_related("membership__user"),
            )
        )
        .order_by("group__name", "partner__name")
    )
    return csv_response(
        "membres-groupes-utopia",
        [
            "Groupe",
            "Partenaire",
            "Rôle",
            "Spécialité",
            "Statut",
            "Entré le",
            "Parti le",
            "Représentants",
        ],
        (
            [
                seat.group.name,
                seat.partner.name,
                seat.get_role_display(),
                seat.specialty,
                seat.get_status_display(),
                seat.joined_on.isoformat() if seat.joined_on else "",
                seat.left_on.isoformat() if seat.left_on else "",
                " ; ".join(
                    f"{r.membership.user.get_full_name()} <{r.membership.user.email}>".strip()
                    for r in seat.representatives.all()
                ),
            ]
            for seat in seats
        ),
    )


# name -> (label, description, function, permission needed to download it).
EXPORTS = {
    "partenaires": (
        _("Partenaires"),
        _("L'annuaire complet, y compris les partenaires inactifs."),
        partners_export,
        "partners.export_partners",
    ),
    "contacts": (
        _("Contacts"),
        _("Les personnes rattachées à chaque partenaire, avec leur rôle."),
        contacts_export,
        "partners.export_contacts",
    ),
    "presences": (
        _("Présences aux plénières"),
        _("Chaque partenaire à chaque plénière : présent, représenté, excusé ou absent."),
        attendance_export,
        "plenaries.export_attendance",
    ),
    "membres-groupes": (
        _("Membres des groupes de travail"),
        _("Chaque partenaire de chaque groupe, son rôle, ses dates et ses représentants."),
        group_members_export,
        "workgroups.export_group_members",
    ),
}


def allowed(user) -> list[tuple[str, str, str]]:
    """(name, label, description) of the exports that `user` may download."""
    return [
        (name, label, text)
        for name, (label, text, _function, permission) in EXPORTS.items()
        if user.has_perm(permission)
    ]


def index(request, admin_site):
    return render(
        request,
        "admin/utopia/exports.html",
        {
            **admin_site.each_context(request),
            "title": _("Exports CSV"),
            "exports": allowed(request.user),
        },
    )


def download(request, name: str):
    if name not in EXPORTS:
        raise Http404
    _label, _text, export, permission = EXPORTS[name]
    if not request.user.has_perm(permission):
        raise PermissionDenied
    return export()
