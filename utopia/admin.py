"""Back-office additions that span the apps: personal data requests on accounts."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from utopia import rgpd
from utopia.models import DigestIssue, EmailPreferences

User = get_user_model()


class PersonalDataUserAdmin(SimpleHistoryAdmin, UserAdmin):
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name", "username"]
    ordering = ["email"]
    actions = ["export_personal_data", "erase_personal_data"]

    @admin.action(description=_("RGPD : exporter les données personnelles (JSON)"))
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

    @admin.action(description=_("RGPD : effacer les données personnelles (anonymiser)"))
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
            rgpd.personal_data_erase(user=user, by=request.user)
            erased += 1
        if erased:
            self.message_user(request, _("%d compte(s) anonymisé(s).") % erased, messages.SUCCESS)
        return None


admin.site.unregister(User)
admin.site.register(User, PersonalDataUserAdmin)


@admin.register(DigestIssue)
class DigestIssueAdmin(admin.ModelAdmin):
    list_display = ["period_start", "period_end", "sent_at", "recipients", "items"]
    readonly_fields = ["period_start", "period_end", "sent_at", "recipients", "items"]

    def has_add_permission(self, request):
        return False  # sent by `manage.py send_digest`, never written by hand


@admin.register(EmailPreferences)
class EmailPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "receives_digest", "updated_at"]
    list_filter = ["receives_digest"]
    search_fields = ["user__email", "user__last_name"]
    autocomplete_fields = ["user"]
