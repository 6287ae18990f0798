"""The showcase of actions: public list and pages, and the members' pages to write, preview
and submit their partner's actions. Moderation itself is in the admin (partners/admin.py);
every change of status goes through partners/services.py."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from django_filters.views import FilterView

from partners import choices, services
from partners.filters import ActionFilter
from partners.forms import ActionForm
from partners.models import Action, ActionTransition, Partner
from partners.permissions import (
    OneLookupMixin,
    ScopedPermissionRequiredMixin,
    require_object_permission,
)
from partners.rules import has_portal_perm, member_partner_ids


def public_actions():
    return Action.objects.published().select_related("partner").prefetch_related("fields_of_action")


def filter_query(request) -> str:
    """The list's filters as a query string (without the page), for feed links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


class ActionListView(FilterView):
    filterset_class = ActionFilter
    template_name = "partners/action_list.html"
    paginate_by = 12
    strict = False

    def get_queryset(self):
        return public_actions()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["feed_query"] = filter_query(self.request)
        context["is_filtered"] = any(
            value for key, value in self.request.GET.items() if key != "page"
        )
        context["is_archive"] = self.filterset.is_archive
        form = self.filterset.form
        context["selected_partner"] = form.is_valid() and form.cleaned_data.get("partenaire")
        without_partner = self.request.GET.copy()
        for key in ("partenaire", "page"):
            without_partner.pop(key, None)
        context["without_partner_query"] = without_partner.urlencode()
        return context


class ActionDetailView(DetailView):
    """A published action's public page; any other status is not found here (members
    preview theirs in "Mon espace")."""

    template_name = "partners/action_detail.html"
    context_object_name = "action"

    def get_queryset(self):
        return public_actions().prefetch_related(
            Prefetch("co_organisers", queryset=Partner.objects.active())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.object
        if action.is_event:
            context["event_jsonld"] = event_jsonld(self.request, action)
        return context


def event_jsonld(request, action: Action) -> dict:
    """schema.org Event, as search engines and calendars read it."""
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": action.title,
        "description": action.summary,
        "url": absolute(action.get_absolute_url()),
        "startDate": timezone.localtime(action.starts_at).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "organizer": [
            {
                "@type": "Organization",
                "name": partner.name,
                "url": absolute(partner.get_absolute_url()),
            }
            for partner in [action.partner, *action.co_organisers.all()]
        ],
        "location": {
            "@type": "Place",
            "name": action.place_name or action.city or action.partner.name,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": action.address,
                "postalCode": action.postal_code,
                "addressLocality": action.city,
                "addressCountry": "FR",
            },
        },
    }
    if action.ends_at:
        data["endDate"] = timezone.localtime(action.ends_at).isoformat()
    if action.image:
        data["image"] = [absolute(action.image.url)]
    if action.audience:
        data["audience"] = {"@type": "Audience", "audienceType": action.audience}
    if action.registration_url:
        data["offers"] = {"@type": "Offer", "url": action.registration_url}
    return data


# --- "Mon espace": members write, preview and submit -----------------------------------------


class ActionMineView(LoginRequiredMixin, ListView):
    """The actions of the user's partners (run or co-organised), with their status."""

    template_name = "partners/action_mine.html"
    context_object_name = "actions"
    paginate_by = 20

    def get_queryset(self):
        mine = member_partner_ids(self.request.user)
        co_organised = Action.co_organisers.through.objects.filter(partner_id__in=mine)
        return (
            Action.objects.filter(
                Q(partner_id__in=mine) | Q(pk__in=co_organised.values("action_id"))
            )
            .select_related("partner")
            .order_by("-updated_at", "-pk")
        )


class ActionFormMixin:
    form_class = ActionForm
    template_name = "partners/action_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        choices.offer_fields_of_action(form.fields["fields_of_action"])
        return form

    def form_valid(self, form):
        try:
            action = self.save(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect(action.get_manage_url())


class ActionCreateView(ScopedPermissionRequiredMixin, ActionFormMixin, CreateView):
    permission_required = "partners.post_action"

    def get_initial(self):
        initial = super().get_initial()
        slug = self.request.GET.get("partenaire")
        if slug:
            partner = Partner.objects.filter(slug=slug).first()
            if partner is not None:
                initial["partner"] = partner.pk
        return initial

    def save(self, form):
        action = services.action_create(
            action=form.instance,
            by=self.request.user,
            fields_of_action=form.cleaned_data.get("fields_of_action"),
            co_organisers=form.cleaned_data.get("co_organisers"),
        )
        messages.success(
            self.request,
            _(
                "Le brouillon est enregistré. Relisez-le ci-dessous, puis soumettez-le au CCAS "
                "pour qu'il soit publié."
            ),
        )
        return action


class ActionUpdateView(ScopedPermissionRequiredMixin, OneLookupMixin, ActionFormMixin, UpdateView):
    permission_required = "partners.edit_action"

    def get_queryset(self):
        return Action.objects.select_related("partner").exclude(status=Action.Status.REJECTED)

    def save(self, form):
        was_published = form.instance.status == Action.Status.PUBLISHED
        action = services.action_update(
            action=form.instance,
            by=self.request.user,
            fields_of_action=form.cleaned_data.get("fields_of_action"),
            co_organisers=form.cleaned_data.get("co_organisers"),
        )
        if was_published and action.status == Action.Status.SUBMITTED:
            messages.warning(
                self.request,
                _(
                    "Les modifications sont enregistrées. L'action n'est plus en ligne jusqu'à "
                    "ce que le CCAS les ait relues."
                ),
            )
        else:
            messages.success(self.request, _("Les modifications sont enregistrées."))
        return action


class ActionManageView(ScopedPermissionRequiredMixin, OneLookupMixin, DetailView):
    """The member's view of one action: its preview, status, and the CCAS's messages."""

    permission_required = "partners.view_action_moderation"
    template_name = "partners/action_manage.html"
    context_object_name = "action"

    def get_queryset(self):
        return Action.objects.select_related("partner").prefetch_related(
            "fields_of_action",
            "co_organisers",
            Prefetch("transitions", queryset=ActionTransition.objects.select_related("by")),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        action = self.object
        can_edit = has_portal_perm(self.request.user, "partners.edit_action", action)
        allowed = services.action_allowed_transitions(action)
        context["can_edit"] = can_edit and action.status in services.EDITABLE_STATUSES
        context["can_submit"] = can_edit and "submit" in allowed
        return context


@require_POST
def action_submit(request, pk):
    """The member sends the action to the CCAS for review."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = get_object_or_404(Action.objects.select_related("partner"), pk=pk)
    denied = require_object_permission(request, "partners.edit_action", action)
    if denied:
        return denied
    try:
        services.action_submit(action=action, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("L'action est soumise au CCAS. Vous serez prévenu par courriel de sa décision."),
        )
    return redirect(action.get_manage_url())
