"""Back-office of the working groups. Workflows (deciding a join request, closing an election,
recording a pilot designated at a meeting) go through workgroups.services, like the site.

Ballots are not registered: what was chosen is only ever shown as counts, after the close."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from partners.admin import AuditedAdmin, LabelledTabularInline
from workgroups import services
from workgroups.models import (
    Candidate,
    CoordinatedProject,
    Document,
    Election,
    ExpertiseMessage,
    ExpertiseRequest,
    GroupMembership,
    Meeting,
    Need,
    Participation,
    PilotTerm,
    Representative,
    WorkingGroup,
)


def _run(modeladmin, request, queryset, action, done_message):
    done = 0
    for obj in queryset:
        try:
            action(obj)
        except ValidationError as error:
            modeladmin.message_user(request, f"{obj} : {' '.join(error.messages)}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)


class GroupMembershipAdminForm(forms.ModelForm):
    """The seat's role, said where it is chosen; the model's clean() refuses an institutional
    partner as a voting member, in this form as in the group's inline."""

    class Meta:
        model = GroupMembership
        fields = ["group", "partner", "role", "specialty"]  # the admin adds its own
        help_texts = {
            "role": _(
                "Un partenaire institutionnel siège toujours comme expert, avec sa spécialité : "
                "seuls les membres votent et peuvent être pilotes."
            )
        }


class GroupMembershipInline(LabelledTabularInline):
    model = GroupMembership
    form = GroupMembershipAdminForm
    extra = 0
    fields = ["partner", "role", "specialty", "status", "joined_on", "left_on"]
    readonly_fields = ["status", "joined_on", "left_on"]
    autocomplete_fields = ["partner"]
    show_change_link = True


class PilotTermInline(LabelledTabularInline):
    model = PilotTerm
    extra = 0
    fields = ["user", "partner", "started_on", "ended_on", "source", "minutes_reference"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WorkingGroup)
class WorkingGroupAdmin(AuditedAdmin):
    list_display = ["name", "theme", "status", "created_at_plenary"]
    list_filter = ["status", "theme"]
    search_fields = ["name", "mission"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [GroupMembershipInline, PilotTermInline]
    readonly_fields = ["status", "closed_on", "created_at", "updated_at"]
    actions = ["close"]

    def has_close_permission(self, request):
        return request.user.has_perm("workgroups.close_group")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            services.group_announce(group=obj)

    @admin.action(description=_("Clore les groupes sélectionnés"), permissions=["close"])
    def close(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda group: services.group_close(group=group, by=request.user),
            lambda n: ngettext("%d groupe clos.", "%d groupes clos.", n) % n,
        )


@admin.register(GroupMembership)
class GroupMembershipAdmin(AuditedAdmin):
    form = GroupMembershipAdminForm
    list_display = ["partner", "group", "role", "status", "joined_on", "left_on"]
    list_filter = ["status", "role", "group"]
    search_fields = ["partner__name", "group__name"]
    autocomplete_fields = ["partner", "group"]
    readonly_fields = [
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "joined_on",
        "left_on",
    ]
    actions = ["accept", "refuse"]

    def has_decide_permission(self, request):
        return request.user.has_perm("workgroups.decide_join_request")

    @admin.action(description=_("Accepter les demandes sélectionnées"), permissions=["decide"])
    def accept(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda seat: services.membership_decide(seat=seat, accept=True, by=request.user),
            lambda n: ngettext("%d demande acceptée.", "%d demandes acceptées.", n) % n,
        )

    @admin.action(description=_("Refuser les demandes sélectionnées"), permissions=["decide"])
    def refuse(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda seat: services.membership_decide(seat=seat, accept=False, by=request.user),
            lambda n: ngettext("%d demande refusée.", "%d demandes refusées.", n) % n,
        )


@admin.register(Representative)
class RepresentativeAdmin(AuditedAdmin):
    list_display = ["__str__", "seat"]
    search_fields = ["membership__user__email", "seat__partner__name", "seat__group__name"]
    autocomplete_fields = ["seat", "membership"]


@admin.register(PilotTerm)
class PilotTermAdmin(AuditedAdmin):
    list_display = ["user", "group", "partner", "started_on", "ended_on", "source"]
    search_fields = [
        "user__first_name",
        "user__last_name",
        "user__email",
        "partner__name",
        "group__name",
    ]
    list_filter = ["source", "group"]
    readonly_fields = ["election", "recorded_by", "recorded_at"]

    def has_change_permission(self, request, obj=None):
        # Pilots are recorded by the election or by "pilot designated at a meeting" on the
        # group's page, which keep the history consistent.
        return False

    def has_add_permission(self, request):
        return False


class CandidateInline(LabelledTabularInline):
    model = Candidate
    extra = 0
    fields = ["user", "partner", "vote_count"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ParticipationInline(LabelledTabularInline):
    """Who voted, never what: the choice is in Ballot, which has no link to this."""

    model = Participation
    extra = 0
    fields = ["partner", "cast_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Election)
class ElectionAdmin(AuditedAdmin):
    list_display = ["group", "opens_at", "closes_at", "closed_at", "winner"]
    search_fields = ["group__name"]
    list_filter = ["group"]
    inlines = [CandidateInline, ParticipationInline]
    readonly_fields = [
        "group",
        "opens_at",
        "closes_at",
        "term_starts_on",
        "tie_rule",
        "tie_seed_digest",
        "opened_by",
        "opened_at",
        "closed_at",
        "closed_by",
        "winner",
        "tie_broken",
        "blank_count",
        "participation_count",
    ]
    fields = readonly_fields
    actions = ["close"]

    def has_add_permission(self, request):
        return False  # opened from the group's space, by election_open

    def has_delete_permission(self, request, obj=None):
        return False

    def has_close_permission(self, request):
        return request.user.has_perm("workgroups.close_election")

    @admin.action(
        description=_("Clôturer les élections sélectionnées et publier les résultats"),
        permissions=["close"],
    )
    def close(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            lambda election: services.election_close(election=election, by=request.user),
            lambda n: ngettext("%d élection close.", "%d élections closes.", n) % n,
        )


@admin.register(Meeting)
class MeetingAdmin(AuditedAdmin):
    list_display = ["group", "starts_at", "place"]
    search_fields = ["group__name", "place"]
    list_filter = ["group"]
    date_hierarchy = "starts_at"


@admin.register(Document)
class DocumentAdmin(AuditedAdmin):
    list_display = ["title", "group", "content_type", "size", "uploaded_at"]
    search_fields = ["title", "group__name"]
    list_filter = ["group"]
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    exclude = ["file"]  # uploads go through the group space, which checks their content

    def has_add_permission(self, request):
        return False


@admin.register(Need)
class NeedAdmin(AuditedAdmin):
    list_display = ["title", "group", "status", "created_at"]
    list_filter = ["status", "group"]
    search_fields = ["title", "description"]


@admin.register(CoordinatedProject)
class CoordinatedProjectAdmin(AuditedAdmin):
    list_display = ["title", "group", "lead_partner", "status", "is_public"]
    list_filter = ["status", "is_public", "group"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["lead_partner"]
    filter_horizontal = ["contributors", "needs", "actions"]


class ExpertiseMessageInline(admin.StackedInline):
    model = ExpertiseMessage
    extra = 0
    readonly_fields = ["author", "from_expert", "created_at"]


@admin.register(ExpertiseRequest)
class ExpertiseRequestAdmin(AuditedAdmin):
    list_display = ["subject", "group", "partner", "status", "created_at"]
    search_fields = ["subject", "group__name", "partner__name", "partner__acronym"]
    list_filter = ["status", "group"]
    inlines = [ExpertiseMessageInline]
