"""Public pages: the groups by theme, a group's page; and the join request."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from partners.models import Action, Partner
from partners.permissions import ScopedPermissionRequiredMixin
from partners.rules import has_portal_perm, member_partner_ids
from workgroups import services
from workgroups.forms import JoinRequestForm
from workgroups.models import CoordinatedProject, GroupMembership, PilotTerm, WorkingGroup
from workgroups.rules import group_partner_ids

from .base import GroupMixin


def current_seats():
    return Prefetch(
        "memberships",
        queryset=GroupMembership.objects.active()
        .select_related("partner")
        .order_by("partner__name"),
        to_attr="current_memberships",
    )


def current_pilots():
    return Prefetch(
        "pilot_terms",
        queryset=PilotTerm.objects.current().select_related("user", "partner"),
        to_attr="current_pilot_terms",
    )


class GroupListView(ListView):
    template_name = "workgroups/workinggroup_list.html"
    context_object_name = "groups"
    paginate_by = 30

    def get_queryset(self):
        return (
            WorkingGroup.objects.active()
            .select_related("theme")
            .prefetch_related(current_seats(), current_pilots())
            .order_by("theme__name", "name")
        )


class GroupDetailView(DetailView):
    template_name = "workgroups/workinggroup_detail.html"
    context_object_name = "group"

    def get_queryset(self):
        return WorkingGroup.objects.select_related("theme", "created_at_plenary").prefetch_related(
            current_seats(),
            Prefetch(
                "pilot_terms",
                queryset=PilotTerm.objects.select_related("user", "partner").order_by(
                    "-started_on", "-pk"
                ),
                to_attr="all_pilot_terms",
            ),
            Prefetch(
                "projects",
                queryset=CoordinatedProject.objects.public()
                .select_related("lead_partner")
                .prefetch_related(
                    "contributors",
                    Prefetch("actions", queryset=Action.objects.published().order_by("title")),
                ),
                to_attr="public_projects",
            ),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.object
        user = self.request.user
        seats = group.current_memberships
        pilot_ids = set(
            PilotTerm.objects.current().filter(group=group).values_list("pk", flat=True)
        )
        context.update(
            members=[s for s in seats if s.role == GroupMembership.Role.MEMBER],
            experts=[s for s in seats if s.role == GroupMembership.Role.EXPERT],
            pilot_term=next((t for t in group.all_pilot_terms if t.pk in pilot_ids), None),
            can_view_space=has_portal_perm(user, "workgroups.view_space", group),
            can_request_join=has_portal_perm(user, "workgroups.request_join", group)
            and bool(member_partner_ids(user) - group_partner_ids(user, group)),
        )
        return context


class JoinRequestView(ScopedPermissionRequiredMixin, GroupMixin, FormView):
    """A member of the network asks for one of their partners to join the group."""

    permission_required = "workgroups.request_join"
    template_name = "workgroups/groupmembership_form.html"
    form_class = JoinRequestForm

    def get_permission_object(self):
        return self.group

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["partners"] = (
            Partner.objects.active()
            .filter(pk__in=member_partner_ids(self.request.user))
            .exclude(
                group_memberships__group=self.group,
                group_memberships__status__in=[
                    GroupMembership.Status.PENDING,
                    GroupMembership.Status.ACTIVE,
                ],
            )
            .order_by("name")
        )
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(group=self.group, **kwargs)

    def form_valid(self, form):
        try:
            services.membership_request(
                group=self.group,
                partner=form.cleaned_data["partner"],
                by=self.request.user,
                motivation=form.cleaned_data["motivation"],
                specialty=form.cleaned_data["specialty"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Votre demande est envoyée : le pilote du groupe ou le CCAS vous répondra."),
        )
        return redirect(self.group)
