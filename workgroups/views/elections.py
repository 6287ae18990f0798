"""Pilots and their election, in the group space."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from partners import french
from partners.models import Partner
from partners.permissions import require_object_permission
from partners.rules import has_portal_perm
from workgroups import services
from workgroups.forms import BallotForm, CandidacyForm, ElectionForm, PilotDesignateForm
from workgroups.models import (
    Ballot,
    Election,
    GroupMembership,
    Participation,
    Representative,
    WorkingGroup,
)
from workgroups.models.election import DEFAULT_TERM_YEARS

from .base import ManageMixin, SpaceMixin


class ElectionListView(SpaceMixin, ListView):
    template_name = "workgroups/election_list.html"
    context_object_name = "elections"
    space_section = "elections"
    page_title = gettext_lazy("Pilote et élections")
    paginate_by = 20

    def get_queryset(self):
        return self.group.elections.select_related("winner__user", "winner__partner")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            pilot_terms=self.group.pilot_terms.select_related("user", "partner"),
            running=self.group.elections.running().exists(),
            can_designate=has_portal_perm(
                self.request.user, "workgroups.designate_pilot", self.group
            ),
            **kwargs,
        )


class ElectionCreateView(ManageMixin, FormView):
    template_name = "workgroups/election_form.html"
    form_class = ElectionForm
    space_section = "elections"
    page_title = gettext_lazy("Ouvrir l'élection du pilote")

    def get_initial(self):
        now = timezone.localtime().replace(second=0, microsecond=0)
        return {
            "opens_at": now,
            "closes_at": now + timezone.timedelta(days=14),
            "term_starts_on": (now + timezone.timedelta(days=15)).date(),
            "tie_rule": Election.TieRule.SENIORITY,
            "term_years": DEFAULT_TERM_YEARS,
        }

    def form_valid(self, form):
        try:
            election = services.election_open(
                group=self.group, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("L'élection est ouverte ; les membres du groupe sont prévenus.")
        )
        return redirect("workgroups:election_detail", slug=self.group.slug, pk=election.pk)


def represented_partners(user, group, *, exclude_voted_in=None):
    """The member partners (not experts) of `group` that `user` represents."""
    partners = Partner.objects.filter(
        pk__in=GroupMembership.objects.active()
        .voting()
        .filter(group=group, representatives__membership__user=user)
        .values("partner_id")
    ).order_by("name")
    if exclude_voted_in is not None:
        partners = partners.exclude(
            pk__in=Participation.objects.filter(election=exclude_voted_in).values("partner_id")
        )
    return partners


class ElectionDetailView(SpaceMixin, TemplateView):
    template_name = "workgroups/election_detail.html"
    space_section = "elections"
    page_title = gettext_lazy("Élection du pilote")

    @cached_property
    def election(self):
        return get_object_or_404(
            self.group.elections.select_related("winner__user", "winner__partner").annotate(
                has_ballots=Exists(Ballot.objects.filter(election=OuterRef("pk")))
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        election = self.election
        user = self.request.user
        candidates = list(election.candidates.select_related("user", "partner"))
        context.update(election=election, candidates=candidates, is_open=election.is_open)
        context["not_yet_open"] = election.not_yet_open
        if election.is_closed:
            return context
        my_partners = list(represented_partners(user, self.group))
        voted = list(election.participations.select_related("partner"))
        voted_ids = {p.partner_id for p in voted}
        context.update(
            my_partners=my_partners,
            voted=voted,
            electorate=list(services.electorate(election)),
            voted_for_me=[p.name for p in my_partners if p.pk in voted_ids],
            can_close=has_portal_perm(user, "workgroups.end_election", self.group),
        )
        if my_partners and not election.has_ballots:
            form = CandidacyForm(partners=represented_partners(user, self.group))
            offer(form.fields["partner"], my_partners)
            form.helper.form_action = _url("workgroups:election_candidacy", self.group, election)
            context["candidacy_form"] = form
        can_vote = [p for p in my_partners if p.pk not in voted_ids]
        if election.is_open and can_vote and candidates:
            form = kwargs.get("ballot_form") or BallotForm(
                partners=represented_partners(user, self.group, exclude_voted_in=election),
                candidates=candidates,
            )
            offer(form.fields["partner"], can_vote)
            form.helper.form_action = _url("workgroups:election_vote", self.group, election)
            context["ballot_form"] = form
        return context


def offer(field, partners):
    """Offers the partners already read for the page as the field's choices, rather than have
    the field read them again (once per rendering); the posted choice is still checked against
    the field's queryset."""
    field.choices = [(partner.pk, field.label_from_instance(partner)) for partner in partners]


def _url(name, group, election):
    return reverse(name, kwargs={"slug": group.slug, "pk": election.pk})


def _election_or_404(request, slug, pk, permission="workgroups.view_space"):
    group = get_object_or_404(WorkingGroup, slug=slug)
    denied = require_object_permission(request, permission, group)
    if denied:
        return group, None, denied
    return group, get_object_or_404(group.elections, pk=pk), None


class CandidacyView(SpaceMixin, FormView):
    """Only POST from the election page's form; a GET shows the election page."""

    form_class = CandidacyForm
    http_method_names = ["post"]

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "partners": represented_partners(self.request.user, self.group),
        }

    @cached_property
    def election(self):
        return get_object_or_404(self.group.elections, pk=self.kwargs["pk"])

    def _back(self):
        return redirect("workgroups:election_detail", slug=self.group.slug, pk=self.election.pk)

    def form_invalid(self, form):
        for errors in form.errors.values():
            for error in errors:
                messages.error(self.request, error)
        return self._back()

    def form_valid(self, form):
        try:
            services.candidacy_submit(
                election=self.election,
                by=self.request.user,
                partner=form.cleaned_data["partner"],
                statement=form.cleaned_data["statement"],
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            messages.success(self.request, _("Votre candidature est enregistrée."))
        return self._back()


@require_POST
def election_vote(request, slug, pk):
    group, election, denied = _election_or_404(request, slug, pk)
    if denied:
        return denied
    candidates = list(election.candidates.select_related("user", "partner"))
    form = BallotForm(
        request.POST,
        partners=Partner.objects.filter(group_memberships__group=group).distinct(),
        candidates=candidates,
    )
    back = redirect("workgroups:election_detail", slug=group.slug, pk=election.pk)
    if not form.is_valid():
        messages.error(
            request, _("Le bulletin n'a pas été déposé : choisissez un partenaire et un choix.")
        )
        return back
    try:
        services.ballot_cast(
            election=election,
            partner=form.cleaned_data["partner"],
            by=request.user,
            candidate=form.chosen_candidate(),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Le bulletin %(of_partner)s est déposé. Il est secret : même vous ne pourrez plus le relire."
            )
            % {"of_partner": french.de(form.cleaned_data["partner"].name)},
        )
    return back


@require_POST
def election_close(request, slug, pk):
    group, election, denied = _election_or_404(request, slug, pk, "workgroups.end_election")
    if denied:
        return denied
    try:
        services.election_close(election=election, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'élection est close ; les résultats sont publiés."))
    return redirect("workgroups:election_detail", slug=group.slug, pk=election.pk)


class PilotDesignateView(SpaceMixin, FormView):
    """The pilot (or staff) record a pilot designated at a meeting (groups that decided
    offline)."""

    permission_required = ("workgroups.view_space", "workgroups.designate_pilot")
    template_name = "workgroups/pilotterm_form.html"
    form_class = PilotDesignateForm
    space_section = "elections"
    page_title = gettext_lazy("Enregistrer un pilote désigné en réunion")

    def get_form_kwargs(self):
        representatives = Representative.objects.filter(
            seat__group=self.group,
            seat__status=GroupMembership.Status.ACTIVE,
            seat__in=GroupMembership.objects.voting(),
        ).select_related("membership__user", "seat__partner")
        return {**super().get_form_kwargs(), "representatives": representatives}

    def form_valid(self, form):
        representative = form.representatives[form.cleaned_data["representative"]]
        try:
            services.pilot_designate(
                group=self.group,
                user=representative.membership.user,
                partner=representative.seat.partner,
                started_on=form.cleaned_data["started_on"],
                minutes_reference=form.cleaned_data["minutes_reference"],
                term_years=form.cleaned_data["term_years"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Le pilote est enregistré."))
        return redirect("workgroups:election_list", slug=self.group.slug)
