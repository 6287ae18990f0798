"""The CCAS back-office for plenaries. Every workflow goes through plenaries.services, like the
public views, so a rule (deadline, minutes only once held...) is written once."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners.admin import AuditedAdmin, LabelledTabularInline
from partners.exports import csv_response
from partners.models import Partner
from partners.rules import has_portal_perm
from partners.validators import validate_single_line
from plenaries import services
from plenaries.cadence import cadence
from plenaries.forms import AttendanceFormSet
from plenaries.models import (
    AgendaItem,
    Attendance,
    Convocation,
    Decision,
    Plenary,
    PlenaryDocument,
    Registration,
    Theme,
)
from plenaries.steps import plenary_steps
from plenaries.views import REGISTRATION_HEADER, registration_csv_rows


class AgendaItemInline(LabelledTabularInline):
    model = AgendaItem
    extra = 1
    fields = ["order", "title", "speaker", "description"]


class PlenaryDocumentInline(LabelledTabularInline):
    model = PlenaryDocument
    extra = 0
    fields = ["order", "title", "file", "visibility"]


class DecisionAdminForm(forms.ModelForm):
    """A decision, and the priority theme it adopts if it adopts one."""

    theme_name = forms.CharField(
        label=_("adopte le thème prioritaire"),
        required=False,
        max_length=150,
        help_text=_("Laisser vide si la décision n'adopte pas de thème."),
        validators=[validate_single_line],
    )
    theme_description = forms.CharField(
        label=_("description du thème"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Decision
        fields = ["order", "title", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        theme = getattr(self.instance, "theme", None) if self.instance.pk else None
        if theme is not None:
            self.fields["theme_name"].initial = theme.name
            self.fields["theme_name"].disabled = True
            self.fields["theme_description"].initial = theme.description
            self.fields["theme_description"].disabled = True

    def clean(self):
        cleaned = super().clean()
        plenary = getattr(self.instance, "plenary", None)
        if self.has_changed() and plenary is not None and plenary.status != Plenary.Status.HELD:
            raise ValidationError(
                _("Les décisions se saisissent une fois la plénière tenue (statut « Tenue »).")
            )
        name = (cleaned.get("theme_name") or "").strip()
        if (
            name
            and not self.fields["theme_name"].disabled
            and Theme.objects.filter(name__iexact=name).exists()
        ):
            self.add_error("theme_name", _("Un thème porte déjà ce nom."))
        return cleaned


class DecisionInline(admin.StackedInline):
    model = Decision
    form = DecisionAdminForm
    extra = 0
    fields = ["order", "title", "description", "theme_name", "theme_description"]


class PlenaryAdminForm(forms.ModelForm):
    class Meta:
        model = Plenary
        fields = [
            "year",
            "semester",
            "date",
            "start_time",
            "end_time",
            "place",
            "address",
            "introduction",
            "registration_deadline",
            "minutes",
            "minutes_pdf",
            "minutes_visibility",
        ]

    def clean(self):
        cleaned = super().clean()
        instance = self.instance
        moved = {"date", "start_time", "end_time", "place", "address"} & set(self.changed_data)
        date = cleaned.get("date")
        if (
            instance.pk
            and instance.status == Plenary.Status.CONVENED
            and moved
            and date
            and date < timezone.localdate()
        ):
            self.add_error(
                "date", _("Une plénière convoquée ne peut pas être déplacée dans le passé.")
            )
        return cleaned


@admin.register(Plenary)
class PlenaryAdmin(AuditedAdmin):
    form = PlenaryAdminForm
    list_display = [
        "__str__",
        "date",
        "place",
        "status",
        "registration_deadline",
        "minutes_published_on",
    ]
    list_filter = ["status", "year", "semester", "minutes_visibility"]
    date_hierarchy = "date"
    inlines = [AgendaItemInline, PlenaryDocumentInline, DecisionInline]
    readonly_fields = ["status", "convened_at", "convened_by", "sequence", "tools"]
    actions = [
        "convene",
        "cancel",
        "mark_held",
        "publish_minutes",
        "unpublish_minutes",
        "export_registrations",
    ]
    fieldsets = [
        (None, {"fields": ["tools"]}),
        (
            _("Semestre et date"),
            {"fields": ["year", "semester", "date", "start_time", "end_time", "status"]},
        ),
        (_("Lieu"), {"fields": ["place", "address"]}),
        (
            _("Convocation"),
            {
                "fields": [
                    "introduction",
                    "registration_deadline",
                    "convened_at",
                    "convened_by",
                    "sequence",
                ]
            },
        ),
        (
            _("Compte rendu"),
            {
                "fields": [
                    "minutes",
                    "minutes_pdf",
                    "minutes_visibility",
                    "minutes_published_on",
                ]
            },
        ),
    ]
    change_list_template = "admin/plenaries/plenary/change_list.html"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # Publishing goes through the "Publier le compte rendu" action, which checks the rules.
        return [*fields, "minutes_published_on"]

    @admin.display(description=_("Outils"))
    def tools(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        links = [
            (reverse("admin:plenaries_plenary_convene", args=[obj.pk]), _("Convoquer")),
            (
                reverse("admin:plenaries_plenary_attendance", args=[obj.pk]),
                _("Saisir les présences"),
            ),
            (
                reverse("plenaries:registrations", args=[obj.year, obj.semester]),
                _("Réponses des partenaires"),
            ),
            (
                reverse("plenaries:letter", args=[obj.year, obj.semester]),
                _("Convocation imprimable"),
            ),
        ]
        return format_html(
            "{}",
            format_html(
                " · ".join(["<a href='{}'>{}</a>"] * len(links)),
                *[part for link in links for part in link],
            ),
        )

    def get_urls(self):
        return [
            path(
                "suivi/",
                self.admin_site.admin_view(self.cadence_view),
                name="plenaries_plenary_cadence",
            ),
            path(
                "<int:pk>/convoquer/",
                self.admin_site.admin_view(self.convene_view),
                name="plenaries_plenary_convene",
            ),
            path(
                "<int:pk>/presences/",
                self.admin_site.admin_view(self.attendance_view),
                name="plenaries_plenary_attendance",
            ),
            path(
                "<int:pk>/etape/<slug:step>/",
                self.admin_site.admin_view(require_POST(self.step_view)),
                name="plenaries_plenary_step",
            ),
            *super().get_urls(),
        ]

    # The steps run by a button on the plenary's page (plenaries/steps.py), with their service
    # and what the agent is told once it is done.
    STEP_SERVICES = {
        "convoquer": (services.plenary_convene, _("Les partenaires sont convoqués.")),
        "tenue": (services.plenary_mark_held, _("La plénière est marquée comme tenue.")),
        "publier": (services.minutes_publish, _("Le compte rendu est publié.")),
    }

    def step_view(self, request, pk, step):
        if step not in self.STEP_SERVICES:
            raise Http404
        plenary = get_object_or_404(Plenary, pk=pk)
        if not self.has_change_permission(request, plenary):
            raise PermissionDenied
        service, done = self.STEP_SERVICES[step]
        try:
            service(plenary=plenary, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return redirect(reverse("admin:plenaries_plenary_change", args=[plenary.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plenary = Plenary.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if plenary is not None:
            extra_context = {
                **(extra_context or {}),
                "plenary_steps": plenary_steps(plenary),
                "can_run_steps": self.has_change_permission(request, plenary),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        before = Plenary.objects.filter(pk=obj.pk).values_list("sequence", flat=True).first()
        services.plenary_save(plenary=obj, by=request.user)
        if before is not None and obj.sequence > before:
            self.message_user(
                request,
                _("Date, horaire ou lieu modifiés : la mise à jour a été envoyée aux convoqués."),
                messages.WARNING,
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Decision:
            return super().save_formset(request, form, formset, change)
        # Decisions and the themes they adopt go through the services; the admin's history
        # message reads these three lists.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                formset.deleted_objects.append(deleted.instance)
                deleted.instance.delete()
        for decision_form in formset.forms:
            if decision_form in formset.deleted_forms or not decision_form.has_changed():
                continue
            data = decision_form.cleaned_data
            decision = decision_form.instance
            if decision.pk:
                decision.save()
                formset.changed_objects.append((decision, decision_form.changed_data))
            else:
                decision = services.decision_record(
                    plenary=form.instance,
                    title=data["title"],
                    description=data.get("description", ""),
                    order=data.get("order"),
                    by=request.user,
                )
                formset.new_objects.append(decision)
            name = (data.get("theme_name") or "").strip()
            if name and not decision_form.fields["theme_name"].disabled:
                services.theme_adopt(
                    decision=decision,
                    name=name,
                    description=data.get("theme_description", ""),
                    by=request.user,
                )
        return None

    def _each(self, request, queryset, service, done_message, **kwargs):
        done = 0
        for plenary in queryset:
            try:
                service(plenary=plenary, by=request.user, **kwargs)
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{plenary} : {' '.join(error.messages)}", messages.ERROR
                )
        if done:
            self.message_user(request, done_message % {"count": done}, messages.SUCCESS)

    @admin.action(
        description=_("Convoquer les partenaires (courriel et invitation .ics)"),
        permissions=["change"],
    )
    def convene(self, request, queryset):
        self._each(
            request, queryset, services.plenary_convene, _("Convocation envoyée (%(count)d).")
        )

    @admin.action(
        description=_("Annuler la plénière (et prévenir les convoqués)"), permissions=["change"]
    )
    def cancel(self, request, queryset):
        self._each(request, queryset, services.plenary_cancel, _("Plénière annulée (%(count)d)."))

    @admin.action(description=_("Marquer comme tenue"), permissions=["change"])
    def mark_held(self, request, queryset):
        self._each(request, queryset, services.plenary_mark_held, _("Plénière tenue (%(count)d)."))

    @admin.action(description=_("Publier le compte rendu"), permissions=["change"])
    def publish_minutes(self, request, queryset):
        self._each(
            request, queryset, services.minutes_publish, _("Compte rendu publié (%(count)d).")
        )

    @admin.action(description=_("Retirer le compte rendu publié"), permissions=["change"])
    def unpublish_minutes(self, request, queryset):
        self._each(
            request, queryset, services.minutes_unpublish, _("Compte rendu retiré (%(count)d).")
        )

    def has_export_registrations_permission(self, request):
        return request.user.has_perm("plenaries.export_registrations")

    @admin.action(
        description=_("Exporter les réponses aux convocations (CSV)"),
        permissions=["export_registrations"],
    )
    def export_registrations(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choisissez une seule plénière."), messages.ERROR)
            return None
        plenary = queryset.get()
        return csv_response(
            f"reponses-pleniere-{plenary.slug}", REGISTRATION_HEADER, registration_csv_rows(plenary)
        )

    def cadence_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = cadence()
        partners = list(Partner.objects.active().order_by("name").only("name", "slug"))
        rates = services.participation_rates([partner.pk for partner in partners])
        return render(
            request,
            "admin/plenaries/cadence.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Suivi des plénières semestrielles"),
                "opts": self.model._meta,
                "rows": rows,
                "warnings": [warning for row in rows for warning in row.warnings],
                "participation": [(partner, rates[partner.pk]) for partner in partners],
            },
        )

    def convene_view(self, request, pk):
        """Before sending, who the convocation reaches (by email, or to contact by post); the
        button that sends it; after sending, how each partner was reached."""
        plenary = get_object_or_404(Plenary, pk=pk)
        if not self.has_view_permission(request, plenary):
            raise PermissionDenied
        can_convene = has_portal_perm(request.user, "plenaries.convene_plenary", plenary)
        if request.method == "POST":
            if not can_convene:
                raise PermissionDenied
            try:
                convocation = services.plenary_convene(plenary=plenary, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _(
                        "Convocation envoyée. Partenaires joints par courriel : %(email)d sur "
                        "%(total)d ; messages envoyés : %(messages)d ; à contacter par "
                        "courrier : %(letters)d."
                    )
                    % {
                        "email": convocation.partner_count - convocation.letter_count,
                        "total": convocation.partner_count,
                        "messages": convocation.recipient_count,
                        "letters": convocation.letter_count,
                    },
                    messages.SUCCESS,
                )
            return redirect("admin:plenaries_plenary_convene", plenary.pk)
        coverage = services.convocation_coverage()
        last = plenary.convocations.select_related("sent_by").first()
        deliveries = list(last.deliveries.select_related("partner")) if last else []
        return render(
            request,
            "admin/plenaries/convene.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Convoquer la %(plenary)s") % {"plenary": str(plenary).lower()},
                "opts": self.model._meta,
                "original": plenary,
                "plenary": plenary,
                "coverage": coverage,
                "can_convene": can_convene
                and plenary.status in (Plenary.Status.PREPARATION, Plenary.Status.CANCELLED),
                "last": last,
                "deliveries": deliveries,
                "letters_url": reverse("plenaries:letter", args=[plenary.year, plenary.semester])
                + "?courrier=1",
            },
        )

    def attendance_view(self, request, pk):
        """One row per active partner (and any partner already recorded), prefilled from the
        answers to the convocation."""
        if not request.user.has_perm("plenaries.record_attendance"):
            raise PermissionDenied
        plenary = get_object_or_404(Plenary, pk=pk)
        recorded = {a.partner_id: a for a in plenary.attendances.all()}
        answers = {r.partner_id: r for r in plenary.registrations.all()}
        partners = list(
            Partner.objects.filter(Q(is_active=True) | Q(pk__in=set(recorded))).order_by("name")
        )
        initial = []
        for partner in partners:
            attendance = recorded.get(partner.pk)
            answer = answers.get(partner.pk)
            if attendance is not None:
                status, persons = attendance.status, attendance.persons_present
            elif answer is not None:
                status = (
                    Attendance.Status.PRESENT
                    if answer.answer == Registration.Answer.ATTENDING
                    else Attendance.Status.EXCUSED
                )
                persons = answer.attendee_names
            else:
                status, persons = "", ""
            initial.append({"partner": partner, "status": status, "persons_present": persons})
        formset = AttendanceFormSet(request.POST or None, initial=initial)
        if request.method == "POST" and formset.is_valid():
            try:
                saved = services.attendance_sheet_record(
                    plenary=plenary, rows=formset.cleaned_data, by=request.user
                )
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext("%d présence enregistrée.", "%d présences enregistrées.", saved)
                    % saved,
                    messages.SUCCESS,
                )
                return redirect("admin:plenaries_plenary_change", pk)
        rows = list(zip(partners, formset.forms, strict=True))
        return render(
            request,
            "admin/plenaries/attendance.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Présences à la %(plenary)s") % {"plenary": str(plenary).lower()},
                "opts": self.model._meta,
                "original": plenary,
                "plenary": plenary,
                "formset": formset,
                "rows": rows,
            },
        )


@admin.register(Registration)
class RegistrationAdmin(AuditedAdmin):
    list_display = ["partner", "plenary", "answer", "attendee_count", "answered_by", "answered_at"]
    list_filter = ["plenary", "answer"]
    search_fields = ["partner__name", "attendee_names"]
    list_select_related = ["partner", "plenary", "answered_by"]
    readonly_fields = ["answered_by", "answered_at"]
    autocomplete_fields = ["partner"]


@admin.register(Attendance)
class AttendanceAdmin(AuditedAdmin):
    list_display = ["partner", "plenary", "status", "recorded_by", "recorded_at"]
    list_filter = ["plenary", "status"]
    search_fields = ["partner__name", "persons_present"]
    list_select_related = ["partner", "plenary", "recorded_by"]
    readonly_fields = ["recorded_by", "recorded_at"]
    autocomplete_fields = ["partner"]


@admin.register(Convocation)
class ConvocationAdmin(AuditedAdmin):
    list_display = ["plenary", "kind", "sequence", "sent_at", "sent_by", "recipient_count"]
    list_filter = ["kind"]
    list_select_related = ["plenary", "sent_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Theme)
class ThemeAdmin(AuditedAdmin):
    list_display = ["name", "adopted_at", "closed_at", "plenary"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["plenary"]
    readonly_fields = ["decision"]
    actions = ["close"]

    @admin.action(
        description=_("Clore les thèmes sélectionnés (aujourd'hui)"), permissions=["change"]
    )
    def close(self, request, queryset):
        for theme in queryset.filter(closed_at__isnull=True):
            services.theme_close(theme=theme, by=request.user)
