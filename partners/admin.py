from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from partners import services
from partners.exports import DIRECTORY_HEADER, csv_response, directory_rows
from partners.images import SafeImageField
from partners.models import (
    AccessRequest,
    Action,
    ActionTransition,
    BulletinPost,
    Charter,
    FieldOfAction,
    Invitation,
    Membership,
    Neighbourhood,
    Partner,
    Signature,
)

admin.site.site_header = _("UTOPIA — back-office du CCAS de Thionville")
admin.site.site_title = _("Back-office UTOPIA")
admin.site.index_title = _("Gestion du réseau")


def labelled(form_class):
    """`form_class`, whose file inputs have an accessible name: Django's admin renders them in
    a fieldset with a legend, and no label element (axe: label). A tabular inline's rows have
    none either (LabelledTabularInline)."""

    class Labelled(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            for field in self.fields.values():
                if isinstance(field.widget, forms.ClearableFileInput):
                    field.widget.attrs.setdefault("aria-label", str(field.label))

    Labelled.__name__ = form_class.__name__
    return Labelled


class LabelledTabularInline(admin.TabularInline):
    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)  # the row's "Supprimer" box comes here
                for field in form.fields.values():
                    field.widget.attrs.setdefault("aria-label", str(field.label))

        return LabelledFormSet


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin with the audit history (who changed what, and when) of django-simple-history.

    The history is a record, read-only: restoring an old version would bypass the services'
    rules (reopen a closed election, undo a convocation's sequence), so reverting is refused.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def get_form(self, request, obj=None, **kwargs):
        return labelled(super().get_form(request, obj, **kwargs))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(FieldOfAction)
class FieldOfActionAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class SignatureInline(LabelledTabularInline):
    model = Signature
    extra = 0
    fields = [
        "charter",
        "civility",
        "signatory_name",
        "signatory_role",
        "signed_on",
        "withdrawn_on",
        "mandate_ended_on",
        "needs_review",
    ]


class MembershipInline(LabelledTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class ConfirmationFilter(admin.SimpleListFilter):
    title = _("confirmation de la fiche")
    parameter_name = "confirmation"

    def lookups(self, request, model_admin):
        return [("overdue", _("non confirmée depuis plus d'un an"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.confirmation_overdue()
        return queryset


@admin.register(Partner)
class PartnerAdmin(AuditedAdmin):
    list_display = [
        "name",
        "acronym",
        "kind",
        "neighbourhood",
        "is_active",
        "is_trusted",
        "last_confirmed_at",
    ]
    list_filter = [
        "kind",
        "is_active",
        "is_trusted",
        ConfirmationFilter,
        "fields_of_action",
        "neighbourhood",
    ]
    search_fields = ["name", "acronym", "email", "search_text"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["fields_of_action"]
    inlines = [SignatureInline, MembershipInline]
    actions = ["export_csv", "mark_confirmed"]
    readonly_fields = ["created_at", "updated_at", "correspondent_digest"]
    formfield_overrides = {}
    fieldsets = [
        (None, {"fields": ["kind", "name", "acronym", "slug", "is_active", "is_trusted"]}),
        (
            _("Présentation"),
            {"fields": ["summary", "description", "fields_of_action", "logo", "logo_alt"]},
        ),
        (
            _("Accueil du public"),
            {"fields": ["public_served", "access_conditions", "opening_hours"]},
        ),
        (
            _("Coordonnées"),
            {
                "fields": [
                    "address",
                    "postal_code",
                    "city",
                    "neighbourhood",
                    "phone",
                    "email",
                    "website",
                ]
            },
        ),
        (_("Identification"), {"fields": ["register_number", "siren"]}),
        (
            _("Correspondant pour le réseau (non public)"),
            {
                "fields": [
                    "correspondent_name",
                    "correspondent_email",
                    "correspondent_address",
                    "correspondent_digest",
                ],
                "description": _(
                    "Reçoit les convocations et le courrier du réseau pour le partenaire, "
                    "avec ou sans compte. Vide : l'adresse publique de la fiche, sinon une "
                    "lettre à imprimer."
                ),
            },
        ),
        (_("Suivi"), {"fields": ["last_confirmed_at", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("reçoit la lettre mensuelle"), boolean=True)
    def correspondent_digest(self, obj):
        return obj.correspondent_receives_digest if obj and obj.correspondent_email else None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "logo":
            # The same checks and re-encoding as in "Mon espace".
            return SafeImageField(
                label=db_field.verbose_name,
                required=False,
                widget=AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("neighbourhood")

    def has_export_permission(self, request):
        return request.user.has_perm("partners.export_partners")

    @admin.action(description=_("Exporter l'annuaire en CSV"), permissions=["export"])
    def export_csv(self, request, queryset):
        partners = queryset.select_related("neighbourhood").prefetch_related("fields_of_action")
        return csv_response("annuaire-utopia", DIRECTORY_HEADER, directory_rows(partners))

    @admin.action(description=_("Marquer les fiches comme confirmées"), permissions=["change"])
    def mark_confirmed(self, request, queryset):
        for partner in queryset:
            services.partner_confirm(partner=partner, by=request.user)
        self.message_user(
            request,
            ngettext("%d fiche confirmée.", "%d fiches confirmées.", queryset.count())
            % queryset.count(),
        )


@admin.register(Charter)
class CharterAdmin(AuditedAdmin):
    list_display = ["version", "title", "adopted_on"]


@admin.register(Signature)
class SignatureAdmin(AuditedAdmin):
    list_display = [
        "partner",
        "civility",
        "signatory_name",
        "signatory_role",
        "signed_on",
        "withdrawn_on",
        "mandate_ended_on",
        "name_hidden_on",
        "needs_review",
    ]
    list_filter = [
        "charter",
        "needs_review",
        ("withdrawn_on", admin.EmptyFieldListFilter),
        ("mandate_ended_on", admin.EmptyFieldListFilter),
        ("name_hidden_on", admin.EmptyFieldListFilter),
    ]
    search_fields = ["signatory_name", "partner__name"]
    autocomplete_fields = ["partner"]
    list_select_related = ["partner"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "partner", "role", "created_at"]
    list_filter = ["role"]
    search_fields = [
        "user__email",
        "user__first_name",
        "user__last_name",
        "partner__name",
        "partner__acronym",
    ]
    autocomplete_fields = ["user", "partner"]
    list_select_related = ["user", "partner"]


@admin.register(Invitation)
class InvitationAdmin(AuditedAdmin):
    list_display = [
        "email",
        "partner",
        "role",
        "invited_by",
        "created_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "partner__name"]
    autocomplete_fields = ["partner"]
    readonly_fields = ["invited_by", "created_at", "accepted_at", "revoked_at"]
    list_select_related = ["partner", "invited_by"]
    actions = ["revoke"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # A new invitation made here is emailed like one made in "Mon espace".
        try:
            invitation = services.invitation_create(
                partner=obj.partner, email=obj.email, role=obj.role, by=request.user
            )
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        obj.pk = invitation.pk

    @admin.action(description=_("Annuler les invitations sélectionnées"), permissions=["change"])
    def revoke(self, request, queryset):
        for invitation in queryset:
            services.invitation_revoke(invitation=invitation, by=request.user)


@admin.register(AccessRequest)
class AccessRequestAdmin(AuditedAdmin):
    list_display = ["full_name", "email", "partner", "organisation_name", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["full_name", "email", "organisation_name"]
    autocomplete_fields = ["partner"]
    # The status changes only through the actions below, which need the permission to decide
    # and send the invitation or the refusal; editing the form cannot decide silently.
    readonly_fields = ["status", "created_at", "decided_at", "decided_by"]
    list_select_related = ["partner"]
    actions = ["approve", "refuse"]

    def has_decide_permission(self, request):
        return request.user.has_perm("partners.decide_access_request")

    # --- the decision page: accept or refuse, each its own button ---------------------------

    DECISIONS = {
        "approve": (
            _("Accepter et envoyer une invitation"),
            services.access_request_approve,
            _("Demande de %(name)s acceptée : une invitation est envoyée à %(email)s."),
        ),
        "refuse": (
            _("Refuser"),
            services.access_request_refuse,
            _("Demande de %(name)s refusée : la personne en est informée."),
        ),
    }

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decider/",
                self.admin_site.admin_view(self.decide_view),
                name="partners_accessrequest_decide",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("décision"))
    def decision_link(self, access_request):
        if access_request.status != AccessRequest.Status.PENDING:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:partners_accessrequest_decide", args=[access_request.pk]),
            _("Décider"),
        )

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown, "decision_link"] if self.has_decide_permission(request) else shown

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id and object_id.isdigit() and self.has_decide_permission(request):
            pending = AccessRequest.objects.filter(
                pk=object_id, status=AccessRequest.Status.PENDING
            ).exists()
            if pending:
                extra_context["decide_url"] = reverse(
                    "admin:partners_accessrequest_decide", args=[object_id]
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id):
        if not self.has_decide_permission(request):
            raise PermissionDenied
        access_request = get_object_or_404(
            AccessRequest.objects.select_related("partner", "decided_by"), pk=object_id
        )
        queue = reverse("admin:partners_accessrequest_changelist") + "?status__exact=pending"
        if request.method == "POST":
            decision = request.POST.get("decision")
            if decision not in self.DECISIONS:
                raise PermissionDenied
            _label, service, done = self.DECISIONS[decision]
            try:
                with transaction.atomic():
                    # Locked, then checked: of two agents deciding at once (or a double
                    # click), the second changes nothing and is told who decided.
                    current = (
                        AccessRequest.objects.select_for_update(of=("self",))
                        .select_related("partner")
                        .get(pk=access_request.pk)
                    )
                    if current.status != AccessRequest.Status.PENDING:
                        self.message_user(
                            request, access_request_already_decided(current), messages.WARNING
                        )
                        return redirect(queue)
                    service(access_request=current, by=request.user)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return redirect(request.path)
            self.message_user(
                request,
                done % {"name": current.full_name, "email": current.email},
                messages.SUCCESS,
            )
            return redirect(queue)
        pending = access_request.status == AccessRequest.Status.PENDING
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Décider de la demande d’accès de %(name)s")
            % {"name": access_request.full_name},
            "access_request": access_request,
            "decisions": [(name, entry[0]) for name, entry in self.DECISIONS.items()]
            if pending
            else [],
            "already": None if pending else access_request_already_decided(access_request),
            "queue_url": queue,
        }
        return TemplateResponse(request, "admin/partners/accessrequest/decide.html", context)

    @admin.action(description=_("Accepter et envoyer une invitation"), permissions=["decide"])
    def approve(self, request, queryset):
        self._decide(request, queryset, services.access_request_approve)

    @admin.action(description=_("Refuser"), permissions=["decide"])
    def refuse(self, request, queryset):
        self._decide(request, queryset, services.access_request_refuse)

    def _decide(self, request, queryset, service):
        done = 0
        for access_request in queryset:
            try:
                service(access_request=access_request, by=request.user)
                done += 1
            except ValidationError as error:
                self.message_user(
                    request, f"{access_request} : {' '.join(error.messages)}", messages.ERROR
                )
        if done:
            self.message_user(
                request, ngettext("%d demande traitée.", "%d demandes traitées.", done) % done
            )


# --- Showcase of actions: the CCAS's moderation queue ------------------------------------------


class ModerationActionForm(helpers.ActionForm):
    """The bulk-action bar with a message: required to request changes or to reject."""

    message = forms.CharField(
        label=_("Message au partenaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text=_("Obligatoire pour demander des modifications ou refuser."),
    )


class ActionTransitionInline(LabelledTabularInline):
    model = ActionTransition
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "by", "message"]
    readonly_fields = fields
    verbose_name_plural = _("historique de modération")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ActionDecisionForm(forms.Form):
    """One decision on the decision page: publish, or ask for changes or refuse with a
    message to the partner (required: the service says so too)."""

    DECISIONS = {
        "publish": _("Publier"),
        "request_changes": _("Demander des modifications"),
        "reject": _("Refuser"),
    }
    message = forms.CharField(
        label=_("Message au partenaire"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, decision: str, **kwargs):
        super().__init__(*args, prefix=decision, **kwargs)
        self.decision = decision
        if decision == "publish":
            self.fields["message"].label = _("Message au partenaire (facultatif)")

    def clean(self):
        cleaned = super().clean()
        decision, message = self.decision, (cleaned.get("message") or "").strip()
        if decision == "request_changes" and not message:
            self.add_error(
                "message",
                _("Expliquez au partenaire ce qu'il doit modifier : le message est obligatoire."),
            )
        if decision == "reject" and not message:
            self.add_error(
                "message",
                _("Donnez au partenaire la raison du refus : le message est obligatoire."),
            )
        cleaned["message"] = message
        return cleaned


def access_request_already_decided(access_request: AccessRequest) -> str:
    by = access_request.decided_by
    return _(
        "Cette demande a déjà été traitée : %(status)s par %(by)s le %(at)s. Rien n'a été changé."
    ) % {
        "status": access_request.get_status_display().lower(),
        "by": (by.get_full_name() or by.email) if by else _("quelqu'un"),
        "at": date_format(timezone.localtime(access_request.decided_at), "j F Y à H:i")
        if access_request.decided_at
        else "—",
    }


def _last_decision(action: Action):
    return action.transitions.select_related("by").order_by("-at", "-pk").first()


def already_decided(action: Action) -> str:
    """What the agent who comes second is told: who decided, when, and what."""
    step = _last_decision(action)
    if step is None:
        return _("Cette action n'attend pas de décision (statut : %(status)s).") % {
            "status": action.get_status_display()
        }
    by = step.by.get_full_name() or step.by.email if step.by else _("quelqu'un")
    return _(
        "Cette action a déjà été traitée : %(status)s par %(by)s le %(at)s. Rien n'a été changé."
    ) % {
        "status": step.get_to_status_display().lower(),
        "by": by,
        "at": date_format(timezone.localtime(step.at), "j F Y à H:i"),
    }


def decided(action: Action):
    if action.status == Action.Status.PUBLISHED:
        return format_html(
            _('« {title} » est publiée : <a href="{url}">voir la page publique</a>.'),
            title=action.title,
            url=action.get_absolute_url(),
        )
    if action.status == Action.Status.CHANGES_REQUESTED:
        text = _("Modifications demandées pour « %(title)s » : le partenaire est prévenu.")
    else:
        text = _("« %(title)s » est refusée : le partenaire est prévenu.")
    return text % {"title": action.title}


MODERATION_SERVICES = {
    "submit": lambda *, action, by, message: services.action_submit(action=action, by=by),
    "publish": services.action_publish,
    "request_changes": services.action_request_changes,
    "reject": services.action_reject,
}


@admin.register(BulletinPost)
class BulletinPostAdmin(AuditedAdmin):
    list_display = ["title", "partner", "kind", "author", "created_at", "removed_at"]
    list_filter = ["kind", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "body", "partner__name"]
    list_select_related = ["partner", "author"]
    readonly_fields = ["author", "created_at", "removed_at", "removed_by"]
    actions = ["remove"]

    def has_moderate_permission(self, request):
        return request.user.has_perm("partners.moderate_bulletin_post")

    @admin.action(
        description=_("Retirer les messages choisis du fil du réseau"), permissions=["moderate"]
    )
    def remove(self, request, queryset):
        done = 0
        for post in queryset.filter(removed_at__isnull=True):
            services.bulletin_post_remove(post=post, by=request.user)
            done += 1
        self.message_user(
            request, ngettext("%d message retiré.", "%d messages retirés.", done) % done
        )


@admin.register(Action)
class ActionAdmin(AuditedAdmin):
    list_display = [
        "title",
        "partner",
        "kind",
        "status",
        "starts_at",
        "submitted_at",
        "published_at",
    ]
    list_filter = [
        "status",
        "kind",
        ("partner", admin.RelatedOnlyFieldListFilter),
        "fields_of_action",
        "partner__is_trusted",
    ]
    search_fields = ["title", "slug", "partner__name", "partner__acronym", "search_text"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner", "co_organisers"]
    filter_horizontal = ["fields_of_action"]
    inlines = [ActionTransitionInline]
    action_form = ModerationActionForm
    actions = ["publish_selected", "request_changes_selected", "reject_selected"]
    date_hierarchy = "starts_at"
    readonly_fields = [
        "status",
        "created_by",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
    ]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (_("Modération"), {"fields": ["status", "submitted_at", "published_at"]}),
        (
            None,
            {"fields": ["partner", "co_organisers", "kind", "title", "slug", "summary", "body"]},
        ),
        (_("Classement"), {"fields": ["fields_of_action"]}),
        (
            _("Quand et où"),
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "place_name",
                    "address",
                    "postal_code",
                    "city",
                    "is_accessible",
                ]
            },
        ),
        (_("Public et contact"), {"fields": ["audience", "contact", "registration_url"]}),
        (_("Image"), {"fields": ["image", "image_alt"]}),
        (_("Suivi"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def get_ordering(self, request):
        # The queue first: submitted actions, the oldest submission first.
        queue = Case(
            When(status=Action.Status.SUBMITTED, then=Value(0)),
            When(status=Action.Status.CHANGES_REQUESTED, then=Value(1)),
            default=Value(2),
        )
        return [queue.asc(), F("submitted_at").asc(nulls_last=True), "-pk"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "image":
            return SafeImageField(
                label=db_field.verbose_name,
                required=False,
                widget=AdminFileWidget(attrs={"accept": "image/jpeg,image/png,image/webp"}),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # Written through the services so that the history is kept; the many-to-many fields
        # are saved by save_related() right after.
        if change:
            services.action_update(action=obj, by=request.user)
        else:
            services.action_create(action=obj, by=request.user)

    def has_moderate_permission(self, request):
        return request.user.has_perm("partners.moderate_action")

    # --- the decision page: deciding is never the change form's Save button -------------------

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decider/",
                self.admin_site.admin_view(self.decide_view),
                name="partners_action_decide",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("décision"))
    def decision_link(self, action):
        if action.status != Action.Status.SUBMITTED:
            return ""
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:partners_action_decide", args=[action.pk]),
            _("Décider"),
        )

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return [*shown, "decision_link"] if self.has_moderate_permission(request) else shown

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = extra_context or {}
        if object_id and self.has_moderate_permission(request):
            action = Action.objects.filter(pk=object_id).first()
            if action is not None and services.action_allowed_transitions(action) & set(
                ActionDecisionForm.DECISIONS
            ):
                extra_context["decide_url"] = reverse(
                    "admin:partners_action_decide", args=[action.pk]
                )
        return super().changeform_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id):
        """One screen to moderate an action: the action as the public will see it, its history
        of decisions, and three different decisions (each its own form and button)."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        action = get_object_or_404(
            Action.objects.select_related("partner").prefetch_related(
                "co_organisers", "fields_of_action"
            ),
            pk=object_id,
        )
        queue = reverse("admin:partners_action_changelist") + "?status__exact=submitted"
        forms_by_decision = {
            name: ActionDecisionForm(decision=name) for name in ActionDecisionForm.DECISIONS
        }
        if request.method == "POST":
            decision = request.POST.get("decision")
            if decision not in ActionDecisionForm.DECISIONS:
                raise PermissionDenied
            form = ActionDecisionForm(request.POST, decision=decision)
            forms_by_decision[decision] = form
            if form.is_valid():
                with transaction.atomic():
                    # The status this agent saw, checked on the locked row: of two agents
                    # deciding at once (or a double click), the second changes nothing.
                    current = Action.objects.select_for_update().get(pk=action.pk)
                    if current.status != request.POST.get("seen"):
                        self.message_user(request, already_decided(current), messages.WARNING)
                        return redirect(queue)
                    MODERATION_SERVICES[decision](
                        action=current, by=request.user, message=form.cleaned_data["message"]
                    )
                current.refresh_from_db()
                self.message_user(request, decided(current), messages.SUCCESS)
                return redirect(queue)
        allowed = services.action_allowed_transitions(action)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Décider de l’action « %(title)s »") % {"title": action.title},
            "action": action,
            "decision_forms": [
                (name, label, forms_by_decision[name])
                for name, label in ActionDecisionForm.DECISIONS.items()
                if name in allowed
            ],
            "already": None
            if allowed & set(ActionDecisionForm.DECISIONS)
            else already_decided(action),
            "transitions": action.transitions.select_related("by"),
            "queue_url": queue,
        }
        return TemplateResponse(request, "admin/partners/action/decide.html", context)

    @admin.action(description=_("Publier les actions sélectionnées"), permissions=["moderate"])
    def publish_selected(self, request, queryset):
        self._moderate(request, queryset, "publish", request.POST.get("message", ""))

    @admin.action(
        description=_("Demander des modifications (avec le message)"), permissions=["moderate"]
    )
    def request_changes_selected(self, request, queryset):
        self._moderate(request, queryset, "request_changes", request.POST.get("message", ""))

    @admin.action(
        description=_("Refuser les actions sélectionnées (avec le message)"),
        permissions=["moderate"],
    )
    def reject_selected(self, request, queryset):
        self._moderate(request, queryset, "reject", request.POST.get("message", ""))

    def _moderate(self, request, actions, decision, message):
        service = MODERATION_SERVICES[decision]
        done = 0
        for action in actions:
            try:
                service(action=action, by=request.user, message=message)
                done += 1
            except ValidationError as error:
                self.message_user(request, f"{action} : {' '.join(error.messages)}", messages.ERROR)
        if done:
            self.message_user(
                request,
                ngettext("%d action traitée.", "%d actions traitées.", done) % done,
                messages.SUCCESS,
            )
