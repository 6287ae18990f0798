"""The CCAS back-office: Django's admin, with two-factor authentication for staff.

With UTOPIA_STAFF_2FA on (production), a staff account enters the back-office only once
verified by its TOTP device (django-otp), as its powers on the portal wait for it too
(partners.rules.has_staff_powers); it enrols that device at /compte/double-authentification/
through a one-time link (utopia.two_factor).
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.rules import has_portal_perm
from utopia import admin_french, dashboard, exports

# The back-office's index, by the agents' tasks rather than by app: each section's lists in the
# order an agent uses them ("À traiter", the dashboard, comes first, above these). A list
# registered in no section lands in the technical one, shown to superusers only: a new
# network list must be placed here (tests/utopia/test_admin_index.py).
SECTIONS = [
    (
        _("Le réseau"),
        [
            "partners.partner",
            "partners.membership",
            "partners.user",
            "partners.invitation",
            "partners.bulletinpost",
            "partners.charter",
            "partners.signature",
            "partners.fieldofaction",
            "partners.neighbourhood",
            "utopia.emailpreferences",
        ],
    ),
    (
        _("Plénières"),
        [
            "plenaries.plenary",
            "plenaries.registration",
            "plenaries.attendance",
            "plenaries.convocation",
            "plenaries.theme",
        ],
    ),
    (
        _("Groupes de travail"),
        [
            "workgroups.workinggroup",
            "workgroups.groupmembership",
            "workgroups.meeting",
            "workgroups.election",
            "workgroups.pilotterm",
            "workgroups.representative",
            "workgroups.need",
            "workgroups.coordinatedproject",
            "workgroups.expertiserequest",
            "workgroups.document",
        ],
    ),
    (_("Vitrine des actions"), ["partners.action"]),
    (_("Demandes du public"), ["utopia.needreport", "partners.accessrequest"]),
    (_("Exports et bilans"), ["utopia.digestissue"]),
]
TECHNICAL_SECTION = _("Administration technique")


class StaffOTPAuthenticationForm(OTPAdminAuthenticationForm):
    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_token = forms.CharField(
        label=_("Code de votre application d'authentification"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _(
            "Saisissez le code à six chiffres de votre application d'authentification."
        ),
        "invalid_token": _(
            "Ce code n'est pas valide ou a expiré : saisissez le code affiché maintenant."
        ),
        "n_failed_attempts": _("Trop d'essais : attendez un moment avant de réessayer."),
        "verification_not_allowed": _("Vérification impossible pour le moment."),
        "device_required": _(
            "Aucune application d'authentification n'est configurée pour ce compte : "
            "demandez à un autre agent du CCAS de vous envoyer un lien de configuration de la "
            "double authentification."
        ),
    }

    def _chosen_device(self, user):
        # Staff have one authenticator app each (enrolled at /compte/double-authentification/):
        # no device list to choose from, the user's own confirmed device is used.
        return super()._chosen_device(user) or (
            TOTPDevice.objects.filter(user=user, confirmed=True).first()
        )


class UtopiaAdminSite(AdminSite):
    site_header = _("UTOPIA — back-office du CCAS de Thionville")
    site_title = _("Back-office UTOPIA")
    index_title = _("Gestion du réseau")
    index_template = "admin/utopia/index.html"

    def get_urls(self):
        return [
            path(
                "exports/",
                self.admin_view(lambda request: exports.index(request, self)),
                name="utopia_exports",
            ),
            path(
                "exports/<slug:name>.csv",
                self.admin_view(exports.download),
                name="utopia_export",
            ),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "dashboard": dashboard.lines(),
        }
        return super().index(request, extra_context)

    def admin_view(self, view, cacheable=False):
        """Every back-office page, its title in French that agrees with its noun."""
        protected = super().admin_view(view, cacheable)

        @wraps(protected)
        def retitled(request, *args, **kwargs):
            response = protected(request, *args, **kwargs)
            admin_french.retitle(response, request)
            return response

        return retitled

    def get_app_list(self, request, app_label=None):
        """The index's and the side menu's sections by task; an app's own page
        (/admin/<app>/) keeps Django's list of that app's models."""
        if app_label is not None:
            return super().get_app_list(request, app_label)
        models = {
            model_dict["model"]._meta.label_lower: model_dict
            for app in self._build_app_dict(request).values()
            for model_dict in app["models"]
        }
        sections = []
        for title, labels in SECTIONS:
            entries = [models.pop(label) for label in labels if label in models]
            if title == SECTIONS[-1][0]:
                entries = self._report_entries(request) + entries
            sections.append((title, entries))
        sections.append(
            (TECHNICAL_SECTION, sorted(models.values(), key=lambda entry: str(entry["name"])))
        )
        index = reverse("admin:index", current_app=self.name)
        return [
            {
                "name": title,
                "app_label": slugify(str(title)),
                "app_url": f"{index}#{slugify(str(title))}",
                "has_module_perms": True,
                "models": entries,
            }
            for title, entries in sections
            if entries
        ]

    def _report_entries(self, request) -> list[dict]:
        """The pages of "Exports et bilans" that are not lists of a model."""
        entries = []
        if exports.allowed(request.user):
            entries.append(
                {
                    "name": _("Exports CSV"),
                    "object_name": "exports",
                    "admin_url": reverse("admin:utopia_exports", current_app=self.name),
                    "view_only": True,
                }
            )
        if request.user.has_perm("plenaries.view_plenary"):
            entries.append(
                {
                    "name": _("Suivi des semestres"),
                    "object_name": "cadence",
                    "admin_url": reverse("admin:plenaries_plenary_cadence", current_app=self.name),
                    "view_only": True,
                }
            )
        if has_portal_perm(request.user, "utopia.read_yearly_report"):
            entries.append(
                {
                    "name": _("Rapport annuel d'activité"),
                    "object_name": "rapport",
                    "admin_url": reverse("yearly_report_current"),
                    "view_only": True,
                }
            )
        return entries

    def has_permission(self, request):
        allowed = super().has_permission(request)
        if allowed and settings.UTOPIA_STAFF_2FA:
            allowed = request.user.is_verified()
        return allowed

    # Read from the settings at each login, never written on the site: one object serves every
    # request, and a request must not change what the next one sees.
    @property
    def login_form(self):
        return StaffOTPAuthenticationForm if settings.UTOPIA_STAFF_2FA else None

    @property
    def login_template(self):
        return "admin/otp_login.html" if settings.UTOPIA_STAFF_2FA else None
