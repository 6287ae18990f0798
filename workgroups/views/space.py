"""The group space: overview, members and representatives, meetings, documents, discussions."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.csp import build_policy
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView, UpdateView

from partners import french, ical
from partners.exports import NO_STORE
from partners.permissions import require_object_permission
from partners.rules import has_portal_perm
from workgroups import services
from workgroups.forms import (
    CalendarFeedForm,
    DocumentForm,
    LeaveForm,
    MeetingForm,
    NotificationForm,
    OrganisationForm,
    ReplyForm,
    RepresentativeForm,
    TopicForm,
)
from workgroups.models import (
    CalendarFeed,
    GroupMembership,
    Meeting,
    Need,
    NotificationSetting,
    Reply,
    Representative,
    WorkingGroup,
)
from workgroups.rules import is_group_member

from .base import ContributeMixin, ManageMixin, SpaceMixin


def _form_error(form, error: ValidationError):
    form.add_error(None, error)
    return form


def _count(queryset):
    """A correlated COUNT of `queryset` (filtered on OuterRef("pk")), 0 when empty."""
    return Coalesce(
        Subquery(queryset.order_by().values("group").annotate(n=Count("pk")).values("n")[:1]),
        0,
    )


class SpaceView(SpaceMixin, TemplateView):
    template_name = "workgroups/workinggroup_space.html"
    page_title = gettext_lazy("Espace du groupe")

    def get_group_queryset(self):
        # The two figures of the overview come with the group rather than as queries of their own.
        return (
            super()
            .get_group_queryset()
            .annotate(
                pending_request_count=_count(
                    GroupMembership.objects.pending().filter(group=OuterRef("pk"))
                ),
                open_need_count=_count(
                    Need.objects.filter(
                        group=OuterRef("pk"),
                        status__in=[Need.Status.OPEN, Need.Status.IN_PROGRESS],
                    )
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        group = self.group
        context.update(
            pending_requests=group.pending_request_count
            if has_portal_perm(self.request.user, "workgroups.decide_membership", group)
            else 0,
            running_election=group.elections.running().first(),
            upcoming_meetings=group.meetings.filter(starts_at__gte=timezone.now()).order_by(
                "starts_at"
            )[:5],
            documents=group.documents.all()[:5],
            topics=group.topics.annotate(reply_count=Count("replies")).order_by(
                "-last_activity_at"
            )[:5],
            open_needs=group.open_need_count,
        )
        return context


class OrganisationView(ManageMixin, UpdateView):
    template_name = "workgroups/workinggroup_organisation.html"
    form_class = OrganisationForm
    space_section = "overview"
    page_title = gettext_lazy("Organisation du groupe")

    def get_object(self, queryset=None):
        return self.group

    def form_valid(self, form):
        try:
            services.group_organisation_update(group=form.instance, by=self.request.user)
        except ValidationError as error:
            return self.form_invalid(_form_error(form, error))
        messages.success(self.request, _("L'organisation du groupe est enregistrée."))
        return redirect(self.group)


class MembersView(SpaceMixin, ListView):
    template_name = "workgroups/groupmembership_list.html"
    context_object_name = "seats"
    space_section = "members"
    page_title = gettext_lazy("Membres du groupe")
    paginate_by = 50

    def get_queryset(self):
        return (
            self.group.memberships.exclude(status=GroupMembership.Status.REFUSED)
            .select_related("partner")
            .prefetch_related(
                Prefetch(
                    "representatives",
                    queryset=Representative.objects.select_related("membership__user"),
                )
            )
            .order_by("status", "partner__name")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_decide=has_portal_perm(
                self.request.user, "workgroups.decide_membership", self.group
            ),
            **kwargs,
        )


@require_POST
def membership_decide(request, slug, pk):
    group = get_object_or_404(WorkingGroup, slug=slug)
    denied = require_object_permission(request, "workgroups.decide_membership", group)
    if denied:
        return denied
    seat = get_object_or_404(group.memberships.select_related("partner"), pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.membership_decide(seat=seat, accept=accept, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if accept:
            messages.success(
                request, _("%(partner)s a rejoint le groupe.") % {"partner": seat.partner}
            )
        else:
            messages.success(
                request,
                _("La demande %(of_partner)s est refusée.")
                % {"of_partner": french.de(seat.partner.name)},
            )
    return redirect("workgroups:members", slug=group.slug)


class SeatMixin(SpaceMixin):
    space_section = "members"

    @cached_property
    def seat(self):
        return get_object_or_404(
            self.group.memberships.select_related("partner"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(seat=self.seat, **kwargs)


class MembershipLeaveView(SeatMixin, FormView):
    template_name = "workgroups/groupmembership_leave.html"
    form_class = LeaveForm

    def get_page_title(self):
        return _("Départ %(of_partner)s") % {"of_partner": french.de(self.seat.partner.name)}

    def has_permission(self):
        return super().has_permission() and has_portal_perm(
            self.request.user, "workgroups.record_leaving", self.seat
        )

    def form_valid(self, form):
        try:
            services.membership_leave(
                seat=self.seat,
                by=self.request.user,
                on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return self.form_invalid(_form_error(form, error))
        messages.success(self.request, _("Le départ est enregistré."))
        return redirect("workgroups:members", slug=self.group.slug)


class RepresentativesView(SeatMixin, FormView):
    template_name = "workgroups/representative_form.html"
    form_class = RepresentativeForm

    def get_page_title(self):
        return _("Représentants %(of_partner)s") % {"of_partner": french.de(self.seat.partner.name)}

    def has_permission(self):
        return super().has_permission() and has_portal_perm(
            self.request.user, "workgroups.manage_seat", self.seat
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "seat": self.seat}

    def get_context_data(self, **kwargs):
        representatives = self.seat.representatives.select_related("membership__user")
        return super().get_context_data(representatives=representatives, **kwargs)

    def form_valid(self, form):
        try:
            services.representative_add(
                seat=self.seat, membership=form.cleaned_data["membership"], by=self.request.user
            )
        except ValidationError as error:
            return self.form_invalid(_form_error(form, error))
        messages.success(self.request, _("Le représentant est nommé."))
        return redirect("workgroups:representatives", slug=self.group.slug, pk=self.seat.pk)


@require_POST
def representative_remove(request, slug, pk, representative_pk):
    group = get_object_or_404(WorkingGroup, slug=slug)
    denied = require_object_permission(request, "workgroups.view_space", group)
    if denied:
        return denied
    seat = get_object_or_404(group.memberships, pk=pk)
    if not has_portal_perm(request.user, "workgroups.manage_seat", seat):
        raise Http404
    representative = get_object_or_404(seat.representatives, pk=representative_pk)
    services.representative_remove(representative=representative, by=request.user)
    messages.success(
        request, _("%(name)s ne représente plus le partenaire.") % {"name": representative}
    )
    return redirect("workgroups:representatives", slug=group.slug, pk=seat.pk)


# --- Meetings ------------------------------------------------------------------------------


class MeetingListView(SpaceMixin, ListView):
    template_name = "workgroups/meeting_list.html"
    context_object_name = "meetings"
    space_section = "meetings"
    page_title = gettext_lazy("Réunions")
    paginate_by = 20

    def get_queryset(self):
        return self.group.meetings.order_by("-starts_at")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            now=timezone.now(),
            can_subscribe=is_group_member(self.request.user, self.group),
            **kwargs,
        )


class MeetingDetailView(SpaceMixin, DetailView):
    template_name = "workgroups/meeting_detail.html"
    context_object_name = "meeting"
    space_section = "meetings"

    def get_queryset(self):
        return self.group.meetings.prefetch_related("documents")

    def get_context_data(self, **kwargs):
        return super().get_context_data(now=timezone.now(), **kwargs)

    def get_page_title(self):
        return _("Réunion du %(date)s") % {
            "date": timezone.localtime(self.object.starts_at).strftime("%d/%m/%Y à %H:%M")
        }


class MeetingFormMixin(ManageMixin):
    template_name = "workgroups/meeting_form.html"
    form_class = MeetingForm
    space_section = "meetings"

    def form_valid(self, form):
        form.instance.group = self.group
        try:
            meeting = services.meeting_save(meeting=form.instance, by=self.request.user)
        except ValidationError as error:
            return self.form_invalid(_form_error(form, error))
        messages.success(self.request, _("La réunion est enregistrée."))
        return redirect(meeting)


class MeetingCreateView(MeetingFormMixin, FormView):
    page_title = gettext_lazy("Programmer une réunion")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Meeting(group=self.group)}


class MeetingUpdateView(MeetingFormMixin, UpdateView):
    page_title = gettext_lazy("Modifier la réunion")

    def get_queryset(self):
        return self.group.meetings.filter(cancelled_at__isnull=True)


@require_POST
def meeting_cancel(request, slug, pk):
    group = get_object_or_404(WorkingGroup, slug=slug)
    denied = require_object_permission(request, "workgroups.view_space", group)
    if denied:
        return denied
    if not has_portal_perm(request.user, "workgroups.manage_group", group):
        raise Http404
    meeting = get_object_or_404(group.meetings, pk=pk)
    try:
        services.meeting_cancel(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("La réunion est annulée ; les partenaires du groupe sont prévenus.")
        )
    return redirect(meeting)


class CalendarFeedView(SpaceMixin, FormView):
    """The member's private address for the group's meetings, and its revocation."""

    template_name = "workgroups/calendarfeed_form.html"
    form_class = CalendarFeedForm
    space_section = "meetings"
    page_title = gettext_lazy("Agenda des réunions")

    def has_permission(self):
        # Staff who read every space have no seat: a feed of theirs would never work.
        return super().has_permission() and is_group_member(self.request.user, self.group)

    @cached_property
    def feed(self):
        return services.calendar_feed_get(group=self.group, user=self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "renew": self.feed is not None}

    def get_context_data(self, **kwargs):
        feed_url = (
            self.request.build_absolute_uri(self.feed.get_absolute_url()) if self.feed else ""
        )
        return super().get_context_data(feed=self.feed, feed_url=feed_url, **kwargs)

    def form_valid(self, form):
        renewed = self.feed is not None
        services.calendar_feed_renew(group=self.group, by=self.request.user)
        if renewed:
            messages.success(
                self.request,
                _("L'ancienne adresse ne fonctionne plus ; voici la nouvelle."),
            )
        else:
            messages.success(self.request, _("Votre adresse d'abonnement est prête."))
        return redirect("workgroups:calendar_feed_settings", slug=self.group.slug)


@require_GET
def calendar_feed(request, slug, token):
    """A group's meetings for a calendar application, at a member's private address. The token
    is the credential: it works while its owner's partner sits in the group, and not after it
    is revoked (replaced). Anything else is a 404, whether the token ever existed or not."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("group", "user"), token=token, group__slug=slug
    )
    if not feed.user.is_active or not is_group_member(feed.user, feed.group):
        raise Http404
    group = feed.group
    since = timezone.now() - timezone.timedelta(days=365)
    meetings = group.meetings.filter(starts_at__gte=since).order_by("starts_at")
    content = ical.feed(
        (
            services.meeting_event(
                meeting, url=request.build_absolute_uri(meeting.get_absolute_url())
            )
            for meeting in meetings
        ),
        name=_("Réunions du groupe « %(group)s »") % {"group": group.name},
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="reunions-{group.slug}.ics"'
    # Personal: never kept by the anonymous page cache nor by a proxy.
    response["Cache-Control"] = NO_STORE
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Documents -----------------------------------------------------------------------------


class DocumentListView(SpaceMixin, ListView):
    template_name = "workgroups/document_list.html"
    context_object_name = "documents"
    space_section = "documents"
    page_title = gettext_lazy("Documents")
    paginate_by = 30

    def get_queryset(self):
        return self.group.documents.select_related("uploaded_by", "meeting")


class DocumentCreateView(ContributeMixin, FormView):
    template_name = "workgroups/document_form.html"
    form_class = DocumentForm
    space_section = "documents"
    page_title = gettext_lazy("Déposer un document")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "group": self.group}

    def form_valid(self, form):
        try:
            services.document_upload(
                group=self.group,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
                meeting=form.cleaned_data["meeting"],
                by=self.request.user,
            )
        except ValidationError as error:
            return self.form_invalid(_form_error(form, error))
        messages.success(self.request, _("Le document est déposé."))
        return redirect("workgroups:document_list", slug=self.group.slug)


def document_download(request, slug, pk):
    """A group's document, to its members only, always as a download that cannot run as a page
    (the type was read from the content at upload; the stored name is random)."""
    group = get_object_or_404(WorkingGroup, slug=slug)
    denied = require_object_permission(request, "workgroups.view_space", group)
    if denied:
        return denied
    document = get_object_or_404(group.documents, pk=pk)
    # Read whole (20 MB at most) and closed at once, rather than streamed: a download that
    # is abandoned half-way then never leaves a file handle open.
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=document.content_type)
    filename = f"{slugify(document.title)[:80] or 'document'}.{document.extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    # The site's policy, sandboxed: even if a browser rendered it, nothing could run.
    response["Content-Security-Policy"] = build_policy(settings.SECURE_CSP) + "; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


# --- Discussions ---------------------------------------------------------------------------


class TopicListView(SpaceMixin, ListView):
    template_name = "workgroups/topic_list.html"
    context_object_name = "topics"
    space_section = "topics"
    page_title = gettext_lazy("Discussions")
    paginate_by = 30

    def get_queryset(self):
        return (
            self.group.topics.select_related("author")
            .annotate(reply_count=Count("replies"))
            .order_by("-last_activity_at", "-pk")
        )


class TopicCreateView(ContributeMixin, FormView):
    template_name = "workgroups/topic_form.html"
    form_class = TopicForm
    space_section = "topics"
    page_title = gettext_lazy("Nouvelle discussion")

    def form_valid(self, form):
        try:
            topic = services.topic_create(
                group=self.group, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            return self.form_invalid(_form_error(form, error))
        messages.success(self.request, _("La discussion est ouverte."))
        return redirect(topic)


class TopicDetailView(SpaceMixin, FormView):
    """A discussion and its replies, with the reply form."""

    template_name = "workgroups/topic_detail.html"
    form_class = ReplyForm
    space_section = "topics"

    @cached_property
    def topic(self):
        return get_object_or_404(self.group.topics.select_related("author"), pk=self.kwargs["pk"])

    def get_page_title(self):
        return self.topic.title

    def get_permission_required(self):
        # Reading the discussion is reading the space; replying is writing in it.
        if self.request.method == "POST":
            return ContributeMixin.permission_required
        return super().get_permission_required()

    def get_context_data(self, **kwargs):
        replies = Reply.objects.filter(topic=self.topic).select_related("author")
        return super().get_context_data(topic=self.topic, replies=replies, **kwargs)

    def form_valid(self, form):
        try:
            services.reply_create(
                topic=self.topic, body=form.cleaned_data["body"], by=self.request.user
            )
        except ValidationError as error:
            return self.form_invalid(_form_error(form, error))
        messages.success(self.request, _("Votre réponse est publiée."))
        return redirect(self.topic)


class NotificationView(SpaceMixin, FormView):
    template_name = "workgroups/notification_form.html"
    form_class = NotificationForm
    space_section = "topics"
    page_title = gettext_lazy("Courriels des discussions")

    def get_initial(self):
        setting = NotificationSetting.objects.filter(
            group=self.group, user=self.request.user
        ).first()
        return {"email_on_discussion": setting.email_on_discussion if setting else True}

    def form_valid(self, form):
        services.notifications_set(
            group=self.group,
            user=self.request.user,
            email_on_discussion=form.cleaned_data["email_on_discussion"],
        )
        messages.success(self.request, _("Votre choix est enregistré."))
        return redirect("workgroups:topic_list", slug=self.group.slug)
