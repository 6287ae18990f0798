"""Needs found on the ground, coordinated projects, and expertise asked of institutions."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, UpdateView

from partners.models import Action
from partners.permissions import ScopedPermissionRequiredMixin
from partners.rules import has_portal_perm, member_partner_ids
from workgroups import services
from workgroups.forms import ExpertiseMessageForm, ExpertiseRequestForm, NeedForm, ProjectForm
from workgroups.models import CoordinatedProject, Need

from .base import SPACE_SECTIONS, ContributeMixin, GroupMixin, SpaceMixin


class NeedListView(SpaceMixin, ListView):
    template_name = "workgroups/need_list.html"
    context_object_name = "needs"
    space_section = "needs"
    page_title = gettext_lazy("Besoins repérés")
    paginate_by = 30

    def get_queryset(self):
        return self.group.needs.prefetch_related("projects")

    def get_context_data(self, **kwargs):
        # Blocks from the shell (the public's reports routed to the group's theme), wired
        # through settings so that this app imports nothing above it.
        extra_blocks = [
            import_string(path)(self.request, self.group)
            for path in settings.UTOPIA_GROUP_NEEDS_SECTIONS
        ]
        return super().get_context_data(extra_blocks=extra_blocks, **kwargs)


class NeedFormMixin(ContributeMixin):
    template_name = "workgroups/need_form.html"
    form_class = NeedForm
    space_section = "needs"

    def form_valid(self, form):
        form.instance.group = self.group
        try:
            services.need_save(need=form.instance, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Le besoin est enregistré."))
        return redirect("workgroups:need_list", slug=self.group.slug)


class NeedCreateView(NeedFormMixin, FormView):
    page_title = gettext_lazy("Relever un besoin")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Need(group=self.group)}


class NeedUpdateView(NeedFormMixin, UpdateView):
    page_title = gettext_lazy("Modifier le besoin")

    def get_queryset(self):
        return self.group.needs.all()


class ProjectListView(SpaceMixin, ListView):
    template_name = "workgroups/coordinatedproject_list.html"
    context_object_name = "projects"
    space_section = "projects"
    page_title = gettext_lazy("Projets coordonnés")
    paginate_by = 30

    def get_queryset(self):
        return self.group.projects.select_related("lead_partner").prefetch_related(
            "contributors", "needs"
        )


class ProjectDetailView(SpaceMixin, DetailView):
    template_name = "workgroups/coordinatedproject_detail.html"
    context_object_name = "project"
    space_section = "projects"

    def get_queryset(self):
        return self.group.projects.select_related("lead_partner").prefetch_related(
            "contributors",
            "needs",
            Prefetch("actions", queryset=Action.objects.published().order_by("title")),
        )

    def get_page_title(self):
        return self.object.title


class ProjectFormMixin(ContributeMixin):
    template_name = "workgroups/coordinatedproject_form.html"
    form_class = ProjectForm
    space_section = "projects"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.group}

    def form_valid(self, form):
        form.instance.group = self.group
        data = form.cleaned_data
        try:
            project = services.project_save(
                project=form.instance,
                by=self.request.user,
                contributors=data["contributors"],
                needs=data["needs"],
                actions=data["actions"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Le projet est enregistré."))
        return redirect(project)


class ProjectCreateView(ProjectFormMixin, FormView):
    page_title = gettext_lazy("Nouveau projet coordonné")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": CoordinatedProject(group=self.group)}


class ProjectUpdateView(ProjectFormMixin, UpdateView):
    page_title = gettext_lazy("Modifier le projet")

    def get_queryset(self):
        return self.group.projects.all()


class ExpertiseListView(SpaceMixin, ListView):
    template_name = "workgroups/expertiserequest_list.html"
    context_object_name = "expertise_requests"
    space_section = "expertise"
    page_title = gettext_lazy("Demandes d'expertise")
    paginate_by = 30

    def get_queryset(self):
        return self.group.expertise_requests.select_related("partner")


class ExpertiseCreateView(ContributeMixin, FormView):
    template_name = "workgroups/expertiserequest_form.html"
    form_class = ExpertiseRequestForm
    space_section = "expertise"
    page_title = gettext_lazy("Demander une expertise")

    def form_valid(self, form):
        try:
            expertise_request = services.expertise_request_create(
                group=self.group, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("La demande est envoyée au partenaire."))
        return redirect(expertise_request)


class ExpertiseDetailView(ScopedPermissionRequiredMixin, GroupMixin, FormView):
    """The thread, seen by the group's members and by the asked partner's members."""

    permission_required = "workgroups.view_expertise"
    template_name = "workgroups/expertiserequest_detail.html"
    form_class = ExpertiseMessageForm

    @cached_property
    def expertise_request(self):
        return get_object_or_404(
            self.group.expertise_requests.select_related("partner", "asked_by"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.expertise_request

    def get_permission_required(self):
        # Reading the thread is not writing in it (staff who may only read the groups).
        if self.request.method == "POST":
            return ("workgroups.view_expertise", "workgroups.write_expertise")
        return super().get_permission_required()

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_view_space = has_portal_perm(user, "workgroups.view_space", self.group)
        return super().get_context_data(
            group=self.group,
            expertise_request=self.expertise_request,
            thread=self.expertise_request.messages.select_related("author"),
            page_title=self.expertise_request.subject,
            space_section="expertise",
            space_sections=SPACE_SECTIONS,
            can_view_space=can_view_space,
            can_write=has_portal_perm(user, "workgroups.write_expertise", self.expertise_request),
            **kwargs,
        )

    def form_valid(self, form):
        # Not has_perm: superusers hold every permission, and CCAS staff do not speak for the
        # asked partner.
        from_expert = self.expertise_request.partner_id in member_partner_ids(self.request.user)
        try:
            services.expertise_message_post(
                expertise_request=self.expertise_request,
                body=form.cleaned_data["body"],
                by=self.request.user,
                from_expert=from_expert,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Votre message est envoyé."))
        return redirect(self.expertise_request)
