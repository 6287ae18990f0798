from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import DetailView, FormView, TemplateView, UpdateView
from django_filters.views import FilterView

from partners import choices, ratelimit, services
from partners.client_ip import client_ip
from partners.filters import PartnerFilter
from partners.forms import AccessRequestForm, InvitationAcceptForm, InvitationForm, PartnerPageForm
from partners.models import Action, Charter, Partner, Signature
from partners.permissions import (
    OneLookupMixin,
    ScopedPermissionRequiredMixin,
)
from partners.rules import has_portal_perm, has_staff_permission
from partners.views import access


class CharterView(TemplateView):
    template_name = "partners/charter_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        charter = Charter.objects.current()
        context["charter"] = charter
        context["signatures"] = (
            Signature.objects.filter(charter=charter).select_related("partner")
            if charter
            else Signature.objects.none()
        )
        return context


class PartnerListView(FilterView):
    filterset_class = PartnerFilter
    template_name = "partners/partner_list.html"
    paginate_by = 20
    strict = False

    def get_queryset(self):
        return (
            Partner.objects.active()
            .select_related("neighbourhood")
            .prefetch_related("fields_of_action")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_string"] = query.urlencode()
        context["is_filtered"] = any(
            value for key, value in self.request.GET.items() if key != "page"
        )
        if context["is_filtered"] and not context["paginator"].count:
            context.update(self.ways_out(context["filter"]))
        return context

    def ways_out(self, partner_filter) -> dict:
        """When nothing is found: the names closest to the query, and a link without each
        filter that narrowed the search."""
        query = partner_filter.form.cleaned_data.get("q") if partner_filter.form.is_valid() else ""
        suggestions = list(self.get_queryset().similar(query, suggestion=True)[:3]) if query else []
        loosen = []
        for key, label in partner_filter.loosenable():
            without = self.request.GET.copy()
            without.pop(key, None)
            without.pop("page", None)
            loosen.append((label, without.urlencode()))
        return {"suggestions": suggestions, "loosen": loosen}


PARTNER_PAGE_ACTIONS = 6


class PartnerDetailView(DetailView):
    template_name = "partners/partner_detail.html"
    context_object_name = "partner"

    def get_queryset(self):
        queryset = Partner.objects.select_related("neighbourhood").prefetch_related(
            "fields_of_action",
            Prefetch(
                "signatures",
                queryset=Signature.objects.select_related("charter").order_by("signed_on"),
            ),
        )
        # The back-office lists the partners that left too: so does the portal, to those who
        # may read that list.
        if not has_staff_permission(self.request.user, "partners.view_partner"):
            queryset = queryset.active()
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = self.object
        context["can_edit"] = has_portal_perm(
            self.request.user, "partners.edit_partner_page", partner
        )
        context["organization_jsonld"] = organization_jsonld(self.request, partner)
        context["partner_actions"] = (
            Action.objects.published()
            .upcoming()
            .involving(partner)
            .select_related("partner")[:PARTNER_PAGE_ACTIONS]
        )
        # Blocks from the apps above this one (its actions, groups, projects), wired by the
        # shell through settings so that this app imports none of them.
        context["extra_blocks"] = [
            import_string(path)(self.request, partner)
            for path in settings.UTOPIA_PARTNER_PAGE_SECTIONS
        ]
        return context


def organization_jsonld(request, partner) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization"
        if partner.kind == Partner.Kind.COORDINATOR
        else "Organization"
        if partner.kind == Partner.Kind.INSTITUTIONAL
        else "NGO",
        "name": partner.name,
        "url": request.build_absolute_uri(partner.get_absolute_url()),
    }
    if partner.acronym:
        data["alternateName"] = partner.acronym
    if partner.summary:
        data["description"] = partner.summary
    if partner.logo:
        data["logo"] = request.build_absolute_uri(partner.logo.url)
    if partner.email:
        data["email"] = partner.email
    if partner.phone:
        data["telephone"] = partner.phone
    if partner.website:
        data["sameAs"] = [partner.website]
    if partner.address or partner.city:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": partner.address,
            "postalCode": partner.postal_code,
            "addressLocality": partner.city,
            "addressCountry": "FR",
        }
    if partner.siren:
        data["taxID"] = partner.siren
    return data


class PartnerUpdateView(ScopedPermissionRequiredMixin, OneLookupMixin, UpdateView):
    """A member keeps their partner's page current."""

    permission_required = "partners.edit_partner_page"
    form_class = PartnerPageForm
    template_name = "partners/partner_form.html"
    queryset = Partner.objects.active()

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        choices.offer_fields_of_action(form.fields["fields_of_action"])
        choices.offer_neighbourhoods(form.fields["neighbourhood"])
        return form

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["correspondent"] = has_portal_perm(
            self.request.user, "partners.edit_correspondent", self.object
        )
        return kwargs

    def form_valid(self, form):
        services.partner_page_update(
            partner=form.instance,
            by=self.request.user,
            fields_of_action=form.cleaned_data.get("fields_of_action"),
        )
        messages.success(self.request, _("La fiche a été enregistrée."))
        return redirect(form.instance)


class InvitationCreateView(ScopedPermissionRequiredMixin, FormView):
    permission_required = "partners.invite_to_partner"
    form_class = InvitationForm
    template_name = "partners/invitation_form.html"

    def get_permission_object(self):
        return self.partner

    @cached_property
    def partner(self):
        return get_object_or_404(Partner.objects.active(), slug=self.kwargs["slug"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partner"] = self.partner
        context["pending_invitations"] = self.partner.invitations.pending()
        context["memberships"] = self.partner.memberships.select_related("user").order_by(
            "user__last_name", "user__first_name", "user__email"
        )
        return context

    def form_valid(self, form):
        # Counted before the invitation is made, refused ones too: a stolen manager's account
        # cannot flood a mailbox.
        if not ratelimit.email_allowed(
            kind=ratelimit.INVITATION,
            email=form.cleaned_data["email"],
            client=client_ip(self.request),
        ):
            minutes = max(settings.UTOPIA_EMAIL_LIMIT_SECONDS // 60, 1)
            form.add_error(
                None,
                ngettext(
                    "Trop d'invitations ont été envoyées depuis votre connexion ou à cette "
                    "adresse. Réessayez dans %(minutes)d minute.",
                    "Trop d'invitations ont été envoyées depuis votre connexion ou à cette "
                    "adresse. Réessayez dans %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            return self.form_invalid(form)
        email = form.cleaned_data["email"]
        replaces = self.partner.invitations.pending().filter(email=email).exists()
        try:
            services.invitation_create(
                partner=self.partner,
                email=email,
                role=form.cleaned_data["role"],
                by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            access.replaced_message(email)
            if replaces
            else _("Invitation envoyée à %(email)s.") % {"email": email},
        )
        return redirect("partners:invite", slug=self.partner.slug)


def invitation_accept(request, token):
    """The emailed link. For an address without an account, the invited person chooses a
    password and joins the partner. For an address with an account, its owner logs in with
    their own password, then joins with one button: the invitation never changes the account
    (password, names, flags). A closed account stays closed: only staff reopen one."""
    try:
        invitation = services.invitation_from_token(token)
        account = services.invitation_account(invitation=invitation)
    except ValidationError as error:
        return _invitation_unusable(request, error)
    if account is None:
        return _invitation_accept_with_new_account(request, invitation)
    context = {"invitation": invitation}
    if not account.is_active:
        return render(request, "partners/invitation_account_closed.html", context, status=403)
    if not request.user.is_authenticated:
        context["login_url"] = f"{reverse('login')}?{urlencode({'next': request.path})}"
        return render(request, "partners/invitation_login.html", context)
    if request.user.pk != account.pk:
        return render(request, "partners/invitation_other_account.html", context, status=403)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, by=request.user)
        except ValidationError as error:
            return _invitation_unusable(request, error)
        messages.success(
            request,
            _("Vous avez rejoint %(partner)s.") % {"partner": invitation.partner},
        )
        return redirect("member_space")
    return render(request, "partners/invitation_join.html", context)


def _invitation_accept_with_new_account(request, invitation):
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept_with_new_account(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            return _invitation_unusable(request, error)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _("Bienvenue ! Votre compte est créé et rattaché à %(partner)s.")
            % {"partner": invitation.partner},
        )
        return redirect("member_space")
    return render(
        request, "partners/invitation_accept.html", {"form": form, "invitation": invitation}
    )


# A link that no longer works (410), one that another account's state stops (409), or one
# that never did (404).
INVITATION_ERROR_STATUS = {
    "expired": 410,
    "used": 410,
    "revoked": 410,
    "account_exists": 409,
    "other_account": 409,
    "account_closed": 409,
}


def _invitation_unusable(request, error):
    return render(
        request,
        "partners/invitation_invalid.html",
        {"message": error.messages[0]},
        # An error about a field (the account's model validation) has no code of its own.
        status=INVITATION_ERROR_STATUS.get(getattr(error, "code", None), 404),
    )


ACCESS_REQUEST = "access-request"
ACCESS_REQUEST_LIMIT = 5  # per address and hour: enough for a person, too few for a robot


class AccessRequestView(FormView):
    form_class = AccessRequestForm
    template_name = "partners/accessrequest_form.html"

    def form_valid(self, form):
        if not form.is_spam:
            # Per visitor (not per proxy), counted before the request is stored.
            if not ratelimit.count_attempt(
                scope=ACCESS_REQUEST,
                key=client_ip(self.request),
                limit=ACCESS_REQUEST_LIMIT,
                seconds=3600,
            ):
                form.add_error(
                    None,
                    _(
                        "Trop de demandes ont été envoyées depuis votre connexion. Réessayez dans une heure."
                    ),
                )
                return self.form_invalid(form)
            data = {
                name: form.cleaned_data[name]
                for name in (
                    "full_name",
                    "email",
                    "partner",
                    "organisation_name",
                    "role_in_organisation",
                    "message",
                )
            }
            services.access_request_create(data=data)
        # A robot is told the same as a person, so it learns nothing.
        messages.success(
            self.request,
            _("Votre demande a été transmise au CCAS. Vous recevrez une réponse par courriel."),
        )
        return redirect(reverse("home"))
