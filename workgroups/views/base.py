"""What every page of a group space shares: the group from the URL, the permission check
(anonymous -> login, outside the group -> 404), the space's navigation."""

from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from partners.permissions import ScopedPermissionRequiredMixin
from partners.rules import has_portal_perm
from workgroups.models import PilotTerm, WorkingGroup

SPACE_SECTIONS = [
    ("overview", "workgroups:space", _("Vue d'ensemble")),
    ("members", "workgroups:members", _("Membres")),
    ("meetings", "workgroups:meeting_list", _("Réunions")),
    ("documents", "workgroups:document_list", _("Documents")),
    ("topics", "workgroups:topic_list", _("Discussions")),
    ("elections", "workgroups:election_list", _("Pilote et élections")),
    ("needs", "workgroups:need_list", _("Besoins")),
    ("projects", "workgroups:project_list", _("Projets")),
    ("expertise", "workgroups:expertise_list", _("Expertise")),
]


class GroupMixin:
    def get_group_queryset(self):
        return WorkingGroup.objects.select_related("theme").annotate(
            current_pilot_user_id=Subquery(
                PilotTerm.objects.current()
                .filter(group=OuterRef("pk"))
                .order_by("-started_on")
                .values("user_id")[:1]
            )
        )

    @cached_property
    def group(self):
        group = get_object_or_404(self.get_group_queryset(), slug=self.kwargs["slug"])
        # Read with the group: the permission checks ask for it (workgroups.rules).
        group._current_pilot_id = group.current_pilot_user_id
        return group


class SpaceMixin(ScopedPermissionRequiredMixin, GroupMixin):
    """A page of the group space: members of the group (and staff) only."""

    permission_required = "workgroups.view_space"
    space_section = "overview"
    page_title = ""

    def get_permission_object(self):
        return self.group

    def get_page_title(self):
        return self.page_title

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            group=self.group,
            page_title=self.get_page_title(),
            space_section=self.space_section,
            space_sections=SPACE_SECTIONS,
            can_view_space=True,
            can_manage=has_portal_perm(user, "workgroups.manage_group", self.group),
            can_contribute=has_portal_perm(user, "workgroups.contribute", self.group),
        )
        return context


class ContributeMixin(SpaceMixin):
    """Pages that write in the space (a form): its members, and staff who may change groups;
    staff who may only read it get the same 404 as outside the group."""

    permission_required = ("workgroups.view_space", "workgroups.contribute")


class ManageMixin(SpaceMixin):
    """Pages for the pilot and staff; anyone else gets the same 404 as outside the group."""

    permission_required = ("workgroups.view_space", "workgroups.manage_group")
