"""Back-office additions that span the apps: personal data requests and two-factor enrolment
links on accounts, and the triage of needs reported by the public.

Every action and workflow button checks a named permission (see the README's list), so that a
staff group can be given exactly the powers it needs; superusers have them all."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.admin import AuditedAdmin
from partners.models import Partner, User
from partners.validators import validate_single_line
from plenaries.models import Theme
from utopia import needs, rgpd, staff, two_factor
from utopia.forms import AccountChangeForm, AccountCreationForm, NeedReportCloseForm
from utopia.models import DigestIssue, EmailPreferences, NeedReport, StaffEnrolment
from workgroups.models import WorkingGroup


class PersonalDataUserAdmin(AuditedAdmin, UserAdmin):
    # The email address, in its written form (partners/emails.py), is the account's identity.
    form = AccountChangeForm
    add_form = AccountCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        *UserAdmin.fieldsets[2:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    # What an agent (a staff account that is not a superuser) may see of an account's powers:
    # whether it is active. Staff and superuser flags, groups and permissions are given by a
    # superuser only, to any account, the agent's own included.
    agent_fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (_("Statut"), {"fields": ("is_active",)}),
        UserAdmin.fieldsets[3],
    )
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    actions = ["export_personal_data", "erase_personal_data", "send_enrolment_link"]

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.agent_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["last_login", "date_joined"]

    def get_list_filter(self, request):
        if request.user.is_superuser:
            return super().get_list_filter(request)
        return ["is_staff", "is_active"]

    def has_change_permission(self, request, obj=None):
        # An agent changes members' accounts and their own; a colleague's or an
        # administrator's account (its address, its password) is read-only for them: changing
        # it would let them into that account.
        if (
            obj is not None
            and staff.is_agent(request.user)
            and obj.is_staff
            and obj.pk != request.user.pk
        ):
            return False
        return super().has_change_permission(request, obj)

    # --- security tasks on an account's page (utopia/staff.py) ----------------------------

    def get_urls(self):
        tasks = [
            ("debloquer", "unlock", self.unlock_view),
            ("supprimer-appareil", "remove_device", self.remove_device_view),
            ("envoyer-lien", "send_enrolment_link", self.send_enrolment_link_view),
        ]
        return [
            *(
                path(
                    f"<path:object_id>/{slug}/",
                    self.admin_site.admin_view(require_POST(view)),
                    name=f"partners_user_{name}",
                )
                for slug, name, view in tasks
            ),
            *super().get_urls(),
        ]

    def _account_task(self, request, object_id, *, permission, run, done):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        user = User.objects.filter(pk=unquote(object_id)).first() if object_id.isdigit() else None
        if user is None:
            raise Http404
        try:
            run(user=user, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done % {"email": user.email}, messages.SUCCESS)
        return redirect(reverse("admin:partners_user_change", args=[user.pk]))

    def unlock_view(self, request, object_id):
        return self._account_task(
            request,
            object_id,
            permission="axes.delete_accessattempt",
            run=staff.account_unlock,
            done=_("%(email)s peut de nouveau se connecter."),
        )

    def remove_device_view(self, request, object_id):
        return self._account_task(
            request,
            object_id,
            permission="otp_totp.delete_totpdevice",
            run=staff.staff_device_remove,
            done=_(
                "L'application d'authentification de %(email)s est supprimée : envoyez-lui un "
                "lien de configuration pour la nouvelle."
            ),
        )

    def send_enrolment_link_view(self, request, object_id):
        return self._account_task(
            request,
            object_id,
            permission="utopia.send_enrolment_link",
            run=two_factor.staff_enrolment_send,
            done=_(
                "Un lien de configuration de la double authentification est envoyé à %(email)s."
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None:
            mine = user.pk == request.user.pk
            has_device = user.is_staff and TOTPDevice.objects.filter(user=user).exists()
            attempts = staff.login_attempts(user)
            extra_context = {
                **(extra_context or {}),
                "account_tasks": {
                    "locked_until": staff.locked_until(user),
                    "failures": max((a.failures_since_start for a in attempts), default=0),
                    "can_unlock": bool(attempts)
                    and request.user.has_perm("axes.delete_accessattempt"),
                    "is_staff_account": user.is_staff,
                    "has_device": has_device,
                    "can_remove_device": has_device
                    and not mine
                    and request.user.has_perm("otp_totp.delete_totpdevice")
                    and (request.user.is_superuser or not user.is_superuser),
                    "can_send_link": user.is_staff
                    and user.is_active
                    and not mine
                    and request.user.has_perm("utopia.send_enrolment_link"),
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_rgpd_export_permission(self, request):
        return request.user.has_perm("partners.rgpd_export")

    def has_rgpd_erase_permission(self, request):
        return request.user.has_perm("partners.rgpd_erase")

    @admin.action(
        description=_("RGPD : exporter les données personnelles (JSON)"),
        permissions=["rgpd_export"],
    )
    def export_personal_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request,
                _("Choisissez une seule personne à la fois pour un export."),
                messages.ERROR,
            )
            return None
        user = queryset.get()
        response = HttpResponse(
            rgpd.personal_data_json(user=user), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="donnees-personnelles-{user.pk}.json"'
        )
        return response

    @admin.action(
        description=_("RGPD : effacer les données personnelles (anonymiser)"),
        permissions=["rgpd_erase"],
    )
    def erase_personal_data(self, request, queryset):
        if request.POST.get("confirm") != "yes":
            return render(
                request,
                "admin/utopia/erase_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Effacer les données personnelles"),
                    "users": queryset,
                    "action": "erase_personal_data",
                    "opts": self.model._meta,
                },
            )
        erased = 0
        for user in queryset:
            if user.pk == request.user.pk:
                self.message_user(
                    request, _("Vous ne pouvez pas effacer votre propre compte."), messages.ERROR
                )
                continue
            if user.is_superuser and not request.user.is_superuser:
                # Erasing an account locks it out: staff could otherwise lock out the
                # superusers, who alone can give back permissions.
                self.message_user(
                    request,
                    _("%(email)s : seul un superutilisateur peut effacer ce compte.")
                    % {"email": user.email},
                    messages.ERROR,
                )
                continue
            rgpd.personal_data_erase(user=user, by=request.user)
            erased += 1
        if erased:
            self.message_user(request, _("%d compte(s) anonymisé(s).") % erased, messages.SUCCESS)
        return None

    @admin.action(
        description=_("Envoyer un lien de configuration de la double authentification"),
        permissions=["send_enrolment_link"],
    )
    def send_enrolment_link(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                two_factor.staff_enrolment_send(user=user, by=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{user.email} : {' '.join(error.messages)}", messages.ERROR
                )
                continue
            sent += 1
        if sent:
            self.message_user(
                request,
                ngettext(
                    "%d lien de configuration envoyé.", "%d liens de configuration envoyés.", sent
                )
                % sent,
                messages.SUCCESS,
            )

    def has_send_enrolment_link_permission(self, request):
        return request.user.has_perm("utopia.send_enrolment_link")


admin.site.register(User, PersonalDataUserAdmin)


@admin.register(DigestIssue)
class DigestIssueAdmin(admin.ModelAdmin):
    list_display = ["month", "period_start", "period_end", "sent_at", "recipients", "items"]
    readonly_fields = ["month", "period_start", "period_end", "sent_at", "recipients", "items"]

    def has_add_permission(self, request):
        return False  # sent by `manage.py send_digest`, never written by hand


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "receives_digest", "updated_at"]
    list_filter = ["receives_digest"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user"]


class NeedReportRoutingForm(forms.ModelForm):
    """Staff triage a report from its page: choose a working group (the report becomes one of
    its needs) or a priority theme; saving routes it through needs.need_report_route."""

    route_group = forms.ModelChoiceField(
        label=_("Orienter vers le groupe de travail"),
        queryset=WorkingGroup.objects.none(),
        required=False,
        help_text=_("Le signalement rejoint les besoins repérés du groupe."),
    )
    route_theme = forms.ModelChoiceField(
        label=_("… ou vers le thème prioritaire"),
        queryset=Theme.objects.none(),
        required=False,
        help_text=_("Quand aucun groupe ne travaille encore sur ce besoin."),
    )
    route_partner = forms.ModelChoiceField(
        label=_("… ou vers le partenaire"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_(
            "Quand le besoin relève de l'action d'un partenaire : ses responsables sont prévenus."
        ),
    )
    need_title = forms.CharField(
        label=_("Intitulé du besoin dans le groupe"),
        max_length=200,
        required=False,
        help_text=_("Facultatif : sinon, le début de la description."),
        validators=[validate_single_line],
    )

    class Meta:
        model = NeedReport
        fields = ["staff_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["route_group"].queryset = WorkingGroup.objects.active().select_related("theme")
        self.fields["route_theme"].queryset = Theme.objects.current()
        self.fields["route_partner"].queryset = Partner.objects.active().order_by("name")

    def clean(self):
        cleaned = super().clean()
        targets = [cleaned.get(name) for name in ("route_group", "route_theme", "route_partner")]
        chosen = [target for target in targets if target]
        if len(chosen) > 1:
            raise ValidationError(
                _(
                    "Choisissez un seul destinataire : un groupe de travail, un thème ou un partenaire."
                )
            )
        if chosen and self.instance.status != NeedReport.Status.NEW:
            raise ValidationError(_("Ce signalement a déjà été traité."))
        return cleaned


@admin.register(NeedReport)
class NeedReportAdmin(AuditedAdmin):
    form = NeedReportRoutingForm
    list_display = ["__str__", "place", "created_at", "status", "routed_to", "handled_at"]
    list_filter = ["status", "routed_group", "routed_theme", "created_at"]
    search_fields = ["description", "place", "staff_note"]
    date_hierarchy = "created_at"
    list_select_related = ["routed_group", "routed_theme", "routed_partner"]
    actions = ["dismiss"]
    readonly_fields = [
        "description",
        "place",
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_consent",
        "contact_erased_at",
        "created_at",
        "status",
        "routed_group",
        "routed_theme",
        "routed_partner",
        "need",
        "handled_by",
        "handled_at",
        "answer",
        "closed_by",
        "closed_at",
        "close_link",
    ]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (_("Signalement"), {"fields": ["description", "place", "created_at"]}),
            (
                _("Coordonnées (effacées après le délai de conservation)"),
                {
                    "fields": [
                        "contact_name",
                        "contact_email",
                        "contact_phone",
                        "contact_consent",
                        "contact_erased_at",
                    ]
                },
            ),
            (
                _("Traitement"),
                {
                    "fields": [
                        "status",
                        "routed_group",
                        "routed_theme",
                        "routed_partner",
                        "need",
                        "handled_by",
                        "handled_at",
                        "staff_note",
                        "answer",
                        "closed_by",
                        "closed_at",
                        "close_link",
                    ]
                },
            ),
        ]
        if (
            obj is not None
            and obj.status == NeedReport.Status.NEW
            and self.has_triage_permission(request)
        ):
            fieldsets.append(
                (
                    _("Orienter"),
                    {"fields": ["route_group", "route_theme", "route_partner", "need_title"]},
                )
            )
        return fieldsets

    @admin.display(description=_("orienté vers"))
    def routed_to(self, report):
        return report.routed_group or report.routed_theme or report.routed_partner or "—"

    @admin.display(description=_("clore avec une réponse"))
    def close_link(self, report):
        if report.pk is None or report.status not in (
            NeedReport.Status.NEW,
            NeedReport.Status.ROUTED,
        ):
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:utopia_needreport_close", args=[report.pk]),
            _("Clore avec une réponse"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/clore/",
                self.admin_site.admin_view(self.close_view),
                name="utopia_needreport_close",
            ),
            *super().get_urls(),
        ]

    def close_view(self, request, pk):
        """The CCAS closes a report with its answer (needs.need_report_close)."""
        if not self.has_triage_permission(request):
            raise PermissionDenied
        report = get_object_or_404(NeedReport, pk=pk)
        form = NeedReportCloseForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                needs.need_report_close(
                    report=report, answer=form.cleaned_data["answer"], by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request, _("Le signalement est clos avec votre réponse."), messages.SUCCESS
                )
                return redirect("admin:utopia_needreport_change", report.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "report": report,
            "form": form,
            "title": _("Clore le signalement avec une réponse"),
            "reporter_told": report.contact_consent and bool(report.contact_email),
        }
        return TemplateResponse(request, "admin/utopia/needreport_close.html", context)

    def has_add_permission(self, request):
        return False  # reports come from the public form, never written by hand

    def has_triage_permission(self, request):
        return request.user.has_perm("utopia.triage_need_report")

    def save_model(self, request, obj, form, change):
        group = form.cleaned_data.get("route_group")
        theme = form.cleaned_data.get("route_theme")
        partner = form.cleaned_data.get("route_partner")
        if group or theme or partner:
            if not self.has_triage_permission(request):
                # The routing fields are declared on the form, so they are read even when
                # the page does not show them: a forged post is refused (and rolled back).
                raise PermissionDenied
            needs.need_report_route(
                report=obj,
                group=group,
                theme=theme,
                partner=partner,
                title=form.cleaned_data.get("need_title", ""),
                note=obj.staff_note,
                by=request.user,
            )
        else:
            super().save_model(request, obj, form, change)

    @admin.action(description=_("Écarter les signalements sélectionnés"), permissions=["triage"])
    def dismiss(self, request, queryset):
        dismissed = 0
        for report in queryset.filter(status=NeedReport.Status.NEW):
            needs.need_report_dismiss(report=report, by=request.user)
            dismissed += 1
        self.message_user(
            request,
            ngettext("%d signalement écarté.", "%d signalements écartés.", dismissed) % dismissed,
            messages.SUCCESS,
        )


@admin.register(StaffEnrolment)
class StaffEnrolmentAdmin(admin.ModelAdmin):
    """The record of two-factor enrolments, for superusers, read-only: links are made by the
    action on accounts or by `manage.py staff_enrolment_link`, never by hand."""

    list_display = ["user", "channel", "created_by", "created_at", "expires_at", "used_at"]
    list_filter = ["channel", "created_at", "used_at"]
    search_fields = ["user__email", "created_by__email"]
    list_select_related = ["user", "created_by"]
    fields = ["user", "channel", "created_by", "created_at", "expires_at", "used_at"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SuperuserOnlyAdmin:
    """A technical list (login attempts, devices, task results, permission groups...): for
    superusers only, whatever permissions an agent holds; the people-facing parts of that work
    are tasks on an account's page. Mixed in front of the list's own admin class."""

    def _superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return self._superuser(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request) and super().has_delete_permission(request, obj)


class LoginAttemptAdmin(AccessAttemptAdmin):
    """django-axes' login attempts, without its clean-up action: that action ran for anyone who
    could see the list, and fails outside a login request (it reads request.axes_attempt_time);
    axes deletes expired attempts itself at each login. Django's delete action stays, with the
    permission to delete attempts."""

    actions = []


admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, LoginAttemptAdmin)


# Every technical list, whoever registered it (Django, django-axes, django-otp, the tasks'
# database backend, this module), is made superuser-only here, after their registrations.
for _model, _model_admin in list(admin.site._registry.items()):
    if _model._meta.label_lower in staff.TECHNICAL_MODELS:
        admin.site.unregister(_model)
        admin.site.register(
            _model,
            type(type(_model_admin).__name__, (SuperuserOnlyAdmin, type(_model_admin)), {}),
        )
