"""Public pages of the plenaries (list, detail, calendar, printable convocation) and the
members' answer to a convocation; staff see the answers and export them."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import DetailView, FormView, ListView

from partners import ical
from partners.exports import csv_response
from partners.models import Partner
from partners.rules import has_portal_perm, member_partner_ids
from plenaries import services
from plenaries.forms import RegistrationForm
from plenaries.models import (
    Attendance,
    Convocation,
    ConvocationDelivery,
    Decision,
    Plenary,
    PlenaryDocument,
    Registration,
)
from plenaries.models.plenary import Visibility


def plenary_or_404(request, year: int, semester: int) -> Plenary:
    plenary = get_object_or_404(Plenary, year=year, semester=semester)
    if not has_portal_perm(request.user, "plenaries.see_plenary", plenary):
        raise Http404
    return plenary


class PlenaryMixin:
    """Looks up the plenary of the URL; `permission` on it, or login / 404."""

    permission = "plenaries.see_plenary"

    @cached_property
    def plenary(self) -> Plenary:
        return plenary_or_404(self.request, self.kwargs["year"], self.kwargs["semester"])

    def dispatch(self, request, *args, **kwargs):
        if self.permission != "plenaries.see_plenary":
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_portal_perm(request.user, self.permission, self.plenary):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plenary"] = self.plenary
        return context


class PlenaryListView(ListView):
    """The next plenary first, then every other announced one, newest first, by year."""

    template_name = "plenaries/plenary_list.html"
    context_object_name = "plenaries"
    paginate_by = 20

    @cached_property
    def next_plenary(self) -> Plenary | None:
        return (
            Plenary.objects.announced()
            .upcoming()
            .prefetch_related("agenda_items")
            .only(*LIST_FIELDS)
            .first()
        )

    def get_queryset(self):
        queryset = Plenary.objects.announced().only(*LIST_FIELDS).order_by("-date")
        if self.next_plenary is not None:
            queryset = queryset.exclude(pk=self.next_plenary.pk)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["next_plenary"] = self.next_plenary
        return context


LIST_FIELDS = [
    "year",
    "semester",
    "date",
    "start_time",
    "end_time",
    "place",
    "address",
    "status",
    "minutes_published_on",
    "minutes_visibility",
    "registration_deadline",
]


class PlenaryDetailView(DetailView):
    template_name = "plenaries/plenary_detail.html"
    context_object_name = "plenary"

    def get_object(self, queryset=None):
        return plenary_or_404(self.request, self.kwargs["year"], self.kwargs["semester"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plenary = self.object
        user = self.request.user
        context["agenda"] = list(plenary.agenda_items.all())
        documents = plenary.documents.all()
        context["documents"] = [
            document
            for document in documents
            if has_portal_perm(user, "plenaries.view_document", document)
        ]
        context["can_read_minutes"] = has_portal_perm(user, "plenaries.read_minutes", plenary)
        context["decisions"] = list(
            Decision.objects.filter(plenary=plenary).select_related("theme")
        )
        context["themes"] = list(plenary.themes.all())
        context["present"] = list(
            Attendance.objects.participating()
            .filter(plenary=plenary)
            .select_related("partner")
            .order_by("partner__name")
        )
        context["can_answer"] = has_portal_perm(user, "plenaries.answer_convocation", plenary)
        context["registration_open"] = plenary.registration_open()
        context["can_view_registrations"] = has_portal_perm(
            user, "plenaries.view_registrations", plenary
        )
        # Who reads every partner's answer is shown the link to them, not their own.
        if user.is_authenticated and not context["can_view_registrations"]:
            context["my_registrations"] = list(
                Registration.objects.filter(
                    plenary=plenary, partner_id__in=member_partner_ids(user)
                ).select_related("partner")
            )
        return context


class RegistrationView(PlenaryMixin, FormView):
    """A member answers the convocation for their partner (staff may answer for any)."""

    permission = "plenaries.answer_convocation"
    template_name = "plenaries/registration_form.html"
    form_class = RegistrationForm

    @cached_property
    def partners(self):
        partners = Partner.objects.active().order_by("name")
        if not has_portal_perm(self.request.user, "plenaries.answer_for_partner"):
            partners = partners.filter(pk__in=member_partner_ids(self.request.user))
        return partners

    @cached_property
    def existing(self) -> dict[int, Registration]:
        return {
            registration.partner_id: registration
            for registration in Registration.objects.filter(
                plenary=self.plenary, partner__in=self.partners
            ).select_related("partner", "answered_by")
        }

    def dispatch(self, request, *args, **kwargs):
        # Superusers pass every permission check: the state rule is repeated here for them.
        if request.user.is_authenticated and self.plenary.status != Plenary.Status.CONVENED:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["partners"] = self.partners
        return kwargs

    def get_initial(self):
        initial = super().get_initial()
        if len(self.existing) == 1 and len(self.partners) == 1:
            registration = next(iter(self.existing.values()))
            initial.update(
                answer=registration.answer,
                attendee_count=registration.attendee_count or None,
                attendee_names=registration.attendee_names,
                comment=registration.comment,
            )
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["registrations"] = [
            self.existing[partner.pk] for partner in self.partners if partner.pk in self.existing
        ]
        context["registration_open"] = self.plenary.registration_open()
        context["agenda"] = list(self.plenary.agenda_items.all())
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.registration_answer(
                plenary=self.plenary,
                partner=data["partner"],
                by=self.request.user,
                answer=data["answer"],
                attendee_count=data.get("attendee_count") or 0,
                attendee_names=data.get("attendee_names", ""),
                comment=data.get("comment", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Votre réponse pour %(partner)s est enregistrée.") % {"partner": data["partner"]},
        )
        return redirect(self.plenary)


def registration_rows(plenary: Plenary):
    """Every active partner with its answer (or none), for staff."""
    answers = {
        registration.partner_id: registration
        for registration in plenary.registrations.select_related("answered_by")
    }
    rows = []
    for partner in Partner.objects.active().order_by("name").only("name", "slug", "acronym"):
        rows.append((partner, answers.pop(partner.pk, None)))
    return rows


class RegistrationListView(PlenaryMixin, ListView):
    permission = "plenaries.view_registrations"
    template_name = "plenaries/registration_list.html"
    context_object_name = "rows"

    def get_queryset(self):
        return registration_rows(self.plenary)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        answered = [registration for _partner, registration in context["rows"] if registration]
        context["attending"] = [r for r in answered if r.answer == Registration.Answer.ATTENDING]
        context["excused"] = [r for r in answered if r.answer == Registration.Answer.EXCUSED]
        context["people"] = sum(r.attendee_count for r in context["attending"])
        context["unanswered"] = len(context["rows"]) - len(answered)
        context["can_download"] = has_portal_perm(
            self.request.user, "plenaries.download_registrations", self.plenary
        )
        return context


REGISTRATION_HEADER = [
    "Partenaire",
    "Réponse",
    "Nombre de personnes",
    "Noms",
    "Message",
    "Répondu par",
    "Répondu le",
]


def registrations_csv(request, year, semester):
    plenary = plenary_or_404(request, year, semester)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_portal_perm(request.user, "plenaries.download_registrations", plenary):
        raise Http404
    return csv_response(
        f"reponses-pleniere-{plenary.slug}", REGISTRATION_HEADER, registration_csv_rows(plenary)
    )


def registration_csv_rows(plenary: Plenary):
    for partner, registration in registration_rows(plenary):
        if registration is None:
            yield [partner.name, "Pas de réponse", "", "", "", "", ""]
            continue
        by = registration.answered_by
        yield [
            partner.name,
            registration.get_answer_display(),
            registration.attendee_count,
            " ; ".join(registration.attendee_names.splitlines()),
            registration.comment,
            (by.get_full_name() or by.email) if by else "lien de la convocation",
            timezone.localtime(registration.answered_at).strftime("%d/%m/%Y %H:%M"),
        ]


def _letter_partners(request, plenary: Plenary) -> list[Partner]:
    """For staff: the partners of `?partenaire=<slug>` (repeatable), or with `?courrier=1`
    every partner the last convocation could reach by post only (its log), by name."""
    if not has_portal_perm(request.user, "plenaries.address_convocation", plenary):
        return []
    if request.GET.get("courrier"):
        sending = plenary.convocations.exclude(kind=Convocation.Kind.CANCELLATION).first()
        if sending is None:
            return []
        return [
            delivery.partner
            for delivery in sending.deliveries.filter(
                channel=ConvocationDelivery.Channel.LETTER
            ).select_related("partner")
        ]
    slugs = request.GET.getlist("partenaire")
    return list(Partner.objects.filter(slug__in=slugs).order_by("name")) if slugs else []


@require_GET
def convocation_letter(request, year, semester):
    """The convocation as a printable letter: the general one, or for staff one personalised
    letter a page per partner (its name and postal address, its answer link), to send by post
    to the partners that no address reaches."""
    plenary = plenary_or_404(request, year, semester)
    if plenary.status not in (Plenary.Status.CONVENED, Plenary.Status.HELD):
        raise Http404
    partners = _letter_partners(request, plenary)
    answering = plenary.registration_open()
    letters = [
        (partner, services.answer_link(plenary, partner) if answering else "")
        for partner in partners
    ] or [(None, "")]
    return render(
        request,
        "plenaries/convocation_letter.html",
        {
            "plenary": plenary,
            "agenda": list(plenary.agenda_items.all()),
            "letters": letters,
            "batch": bool(partners),
        },
    )


@never_cache
def answer_by_link(request, year, semester, token):
    """A partner answers its convocation through the link it received, without an account.
    A link that is altered, void or expired gets a page saying what to do, and records
    nothing."""
    plenary = get_object_or_404(Plenary, year=year, semester=semester)
    try:
        partner = services.partner_from_answer_token(token, plenary=plenary)
    except ValidationError as error:
        return _answer_link_refused(request, plenary, error)
    registration = Registration.objects.filter(plenary=plenary, partner=partner).first()
    initial = {}
    if registration is not None:
        initial = {
            "answer": registration.answer,
            "attendee_count": registration.attendee_count or None,
            "attendee_names": registration.attendee_names,
            "comment": registration.comment,
        }
    form = RegistrationForm(
        request.POST or None,
        initial={"partner": partner, **initial},
        partners=Partner.objects.filter(pk=partner.pk),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.registration_answer_by_link(
                plenary=plenary,
                token=token,
                answer=data["answer"],
                attendee_count=data.get("attendee_count") or 0,
                attendee_names=data.get("attendee_names", ""),
                comment=data.get("comment", ""),
            )
        except ValidationError as error:
            return _answer_link_refused(request, plenary, error)
        messages.success(
            request,
            _(
                "La réponse de %(partner)s est enregistrée. Vous pouvez la modifier avec le "
                "même lien jusqu'à la date limite."
            )
            % {"partner": partner},
        )
        return redirect(request.path)
    return render(
        request,
        "plenaries/answer_link_form.html",
        {
            "plenary": plenary,
            "partner": partner,
            "registration": registration,
            "form": form,
            "agenda": list(plenary.agenda_items.all()),
        },
    )


def _answer_link_refused(request, plenary, error):
    return render(
        request,
        "plenaries/answer_link_invalid.html",
        {"plenary": plenary, "message": error.messages[0]},
        status=400,
    )


@require_GET
def calendar_ics(request):
    plenaries = Plenary.objects.announced().order_by("-date").prefetch_related("agenda_items")[:60]
    content = ical.feed(
        (
            services.plenary_event(
                plenary, url=request.build_absolute_uri(plenary.get_absolute_url())
            )
            for plenary in plenaries
        ),
        name=_("Plénières UTOPIA"),
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="plenieres-utopia.ics"'
    return response


def _file_response(field_file, filename: str, *, public: bool) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if not public:
        # For members only: no shared cache (proxy, CDN) may keep a copy for the next visitor.
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def minutes_pdf(request, year, semester):
    plenary = plenary_or_404(request, year, semester)
    if not plenary.minutes_pdf:
        raise Http404
    if not has_portal_perm(request.user, "plenaries.read_minutes", plenary):
        if not request.user.is_authenticated and plenary.minutes_published:
            return redirect_to_login(request.get_full_path())
        raise Http404
    return _file_response(
        plenary.minutes_pdf,
        f"compte-rendu-pleniere-{plenary.slug}.pdf",
        public=plenary.minutes_public,
    )


@require_GET
def document_download(request, year, semester, pk):
    plenary = plenary_or_404(request, year, semester)
    document = get_object_or_404(PlenaryDocument, plenary=plenary, pk=pk)
    if not has_portal_perm(request.user, "plenaries.view_document", document):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    return _file_response(
        document.file,
        f"pleniere-{plenary.slug}-document-{document.pk}.pdf",
        public=document.visibility == Visibility.PUBLIC,
    )
