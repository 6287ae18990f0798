"""The CCAS back-office: Django's admin, with two-factor authentication for staff.

With UTOPIA_STAFF_2FA on (production), a staff account enters the back-office only once
verified by its TOTP device (django-otp), as its powers on the portal wait for it too
(partners.rules.has_staff_powers); it enrols that device at /compte/double-authentification/
through a one-time link (utopia.two_factor).
"""

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django_otp.admin import OTPAdminAuthenticationForm
from django_otp.plugins.otp_totp.models import TOTPDevice

from utopia import dashboard, exports


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
            "can_export": bool(exports.allowed(request.user)),
        }
        return super().index(request, extra_context)

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
