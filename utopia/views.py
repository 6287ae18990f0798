"""The shell's pages: home, "Mon espace", the collaboration map, legal pages, health check,
robots.txt."""

import base64
import sys

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django.views.static import serve as static_serve
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.client_ip import client_ip
from partners.exports import csv_response
from partners.rules import has_portal_perm, works_from_the_back_office
from utopia import digest, needs, report, sections, two_factor
from utopia import health as portal_health
from utopia.collaboration import PARTNER_KINDS, collaboration_graph
from utopia.forms import (
    CollaborationFilterForm,
    EmailPreferencesForm,
    NeedReportForm,
    TwoFactorConfirmForm,
)
from utopia.models import EmailPreferences, StaffEnrolment


def home(request):
    return render(request, "utopia/home.html", {"blocks": sections.blocks(request, "home_context")})


@login_required
def member_space(request):
    if works_from_the_back_office(request.user):
        return redirect("admin:index")
    return TemplateResponse(
        request,
        "utopia/member_space.html",
        {"blocks": sections.blocks(request, "member_space_context")},
    )


@require_GET
def health(request):
    """Liveness for monitoring: answers without touching the database or the session."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@require_GET
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('member_space')}",
        f"Disallow: /{settings.URL_PREFIX}compte/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def collaboration_map(request):
    """Who works with whom in the network, drawn and listed; public data only."""
    form = CollaborationFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else {}
    graph = collaboration_graph(**filters)
    return render(
        request,
        "utopia/collaboration_map.html",
        {
            "form": form,
            "graph": graph,
            "directory": graph.directory(),
            "partner_kinds": PARTNER_KINDS,
            "is_filtered": form.is_bound,
        },
    )


def page(template: str):
    """A page made of its template alone (legal notice, accessibility, privacy, site map)."""

    def view(request):
        return render(
            request,
            template,
            {
                "organisation": settings.UTOPIA_ORGANISATION,
                # The privacy notice states these periods as they are configured.
                "retention_days": {
                    "need_report_contacts": settings.UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS,
                },
            },
        )

    return require_GET(view)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    # No context processors: whatever failed may be among them.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        # The database is out of reach (restarting, overloaded): a temporary state, said as such
        # to people, to browsers and to the monitoring.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(settings.UTOPIA_RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def _staff_account_only(request):
    """The second-factor pages concern staff accounts only (verified or not)."""
    if not request.user.is_staff:
        raise Http404


def _confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@login_required
def two_factor_setup(request):
    """A staff member enrols the authenticator app that their staff powers ask for. With
    STAFF_2FA on, a first device needs a one-time link (utopia.two_factor): the password alone
    is not enough."""
    _staff_account_only(request)
    template = "utopia/two_factor_setup.html"
    if _confirmed_device(request.user) is not None:
        request.session.pop(two_factor.ENROLMENT_SESSION_KEY, None)
        return render(request, template, {"confirmed": True})
    enrolment = None
    if settings.UTOPIA_STAFF_2FA:
        enrolment = (
            StaffEnrolment.objects.usable()
            .filter(pk=request.session.get(two_factor.ENROLMENT_SESSION_KEY), user=request.user)
            .first()
        )
        if enrolment is None:
            return render(request, template, {"link_needed": True}, status=403)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=request.user, name=_("Application d'authentification"), confirmed=False
        )
    form = TwoFactorConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = two_factor.staff_device_confirm(
                device=device, token=form.cleaned_data["token"], enrolment=enrolment
            )
        except ValidationError as error:
            return render(request, template, {"link_error": error.messages[0]}, status=400)
        if confirmed:
            request.session.pop(two_factor.ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            messages.success(request, _("La double authentification est activée."))
            return redirect("admin:index")
        form.add_error(
            "token", _("Ce code n'est pas valide : saisissez le code affiché maintenant.")
        )
    secret = base64.b32encode(device.bin_key).decode()
    qr_svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title=_("Code QR à scanner avec votre application d'authentification")
    )
    return render(
        request,
        template,
        {
            "form": form,
            "secret": secret,
            "qr_svg": mark_safe(qr_svg),
        },  # segno draws this SVG itself
    )


@login_required
def two_factor_link(request, token: str):
    """The one-time link a colleague sent (or the management command printed): checked, kept
    in the session, then out of the address bar before any secret is shown."""
    _staff_account_only(request)
    if _confirmed_device(request.user) is not None:
        # Left unused: the account already has its app (a lost one is removed first).
        return render(request, "utopia/two_factor_setup.html", {"confirmed": True})
    try:
        enrolment = two_factor.staff_enrolment_from_token(token=token, user=request.user)
    except ValidationError as error:
        return render(
            request,
            "utopia/two_factor_setup.html",
            {"link_error": error.messages[0]},
            status=400,
        )
    two_factor.staff_enrolment_start(enrolment=enrolment)
    request.session[two_factor.ENROLMENT_SESSION_KEY] = enrolment.pk
    return redirect("two_factor_setup")


@login_required
def two_factor_verify(request):
    """A staff member logged in on the portal with their password confirms the session with
    their app's code: their staff powers on the portal follow (partners.rules)."""
    _staff_account_only(request)
    device = _confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    if request.user.is_verified():
        return redirect(next_url or "member_space")
    form = TwoFactorConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified = otp_verify_token(request.user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            otp_login(request, verified)
            messages.success(request, _("Connexion confirmée : vos droits d'agent sont actifs."))
            return redirect(next_url or "member_space")
        form.add_error(
            "token", _("Ce code n'est pas valide : saisissez le code affiché maintenant.")
        )
    return render(request, "utopia/two_factor_verify.html", {"form": form, "next": next_url})


# Uploads whose type the browser may display inline; anything else is a download.
INLINE_MEDIA_TYPES = {"image/jpeg", "image/png", "image/webp"}


def media(request, path):
    """Public uploads (logos, action images) when Django serves them (SERVE_MEDIA=1).

    Files are looked up under MEDIA_ROOT only (django.views.static.serve refuses `..`); the
    response can never run as a page: no content sniffing, a sandboxing CSP, and anything that
    is not one of our re-encoded images is sent as an attachment.
    """
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    content_type = response.get("Content-Type", "").split(";")[0]
    if content_type not in INLINE_MEDIA_TYPES:
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
def email_preferences(request):
    current = EmailPreferences.objects.filter(user=request.user).first()
    receives = current.receives_digest if current else True
    # An unticked box sends nothing: the POST may be empty and still mean "no".
    data = request.POST if request.method == "POST" else None
    form = EmailPreferencesForm(data, initial={"receives_digest": receives})
    if request.method == "POST" and form.is_valid():
        digest.digest_subscription_set(
            user=request.user, receives_digest=form.cleaned_data["receives_digest"]
        )
        messages.success(request, _("Vos préférences de courriel sont enregistrées."))
        return redirect("email_preferences")
    return render(request, "utopia/email_preferences.html", {"form": form})


@csrf_exempt  # the signed token is the proof; mail providers POST it (RFC 8058 one-click)
@never_cache
def digest_unsubscribe(request, token: str):
    try:
        person = digest.user_from_unsubscribe_token(token)
    except ValidationError as error:
        # Or a partner's correspondent, who has no account.
        try:
            email = digest.correspondent_from_unsubscribe_token(token)
        except ValidationError:
            return render(
                request, "utopia/digest_unsubscribe.html", {"error": error.messages[0]}, status=400
            )
        if request.method == "POST":
            digest.correspondent_digest_refuse(token=token)
            return render(
                request, "utopia/digest_unsubscribe.html", {"done": True, "correspondent": True}
            )
        return render(request, "utopia/digest_unsubscribe.html", {"email": email})
    if request.method == "POST":
        digest.digest_subscription_set(user=person, receives_digest=False)
        return render(request, "utopia/digest_unsubscribe.html", {"done": True})
    return render(request, "utopia/digest_unsubscribe.html", {"email": person.email})


def _staff_only(request, permission: str):
    """Staff pages of the front office: anonymous visitors log in, others (staff that no second
    factor verified, or without the page's permission, included) get a 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_portal_perm(request.user, permission):
        raise Http404
    return None


def yearly_report(request, year: int | None = None):
    denied = _staff_only(request, "utopia.read_yearly_report")
    if denied:
        return denied
    this_year = timezone.localdate().year
    if year is None:
        return redirect("yearly_report", year=this_year)
    if not report.FIRST_YEAR <= year <= this_year:
        raise Http404
    figures = report.yearly_report(year)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"rapport-utopia-{year}", [_("Rubrique"), _("Libellé"), _("Valeur")], figures.csv_rows()
        )
    return render(
        request,
        "utopia/yearly_report.html",
        {
            "report": figures,
            "years": range(this_year, report.FIRST_YEAR - 1, -1),
        },
    )


@never_cache
def staff_health(request):
    """The state of what works out of sight: the mail queue and the scheduled commands."""
    denied = _staff_only(request, "utopia.read_health")
    if denied:
        return denied
    now = timezone.now()
    queue = portal_health.mail_queue(now)
    return render(
        request,
        "utopia/staff_health.html",
        {
            "problems": portal_health.problems(now),
            "queue": queue,
            "queue_age": portal_health.age_text(queue.age(now)) if queue.oldest else "",
            "failures": portal_health.failed_emails(now) if queue.failed else [],
            "jobs": portal_health.jobs(now),
            "watch_schedule": settings.UTOPIA_WATCH_SCHEDULE,
        },
    )


def _need_report_form_page(request, form, status=200):
    return render(
        request,
        "utopia/need_report_form.html",
        {"form": form, "retention_days": settings.UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS},
        status=status,
    )


def _need_report_limited(request):
    """The form again with what the person typed, and why it was not sent: their text is not
    lost to the limit (429 still tells a robot that it was refused)."""
    minutes = max(settings.UTOPIA_NEED_REPORT_LIMIT_SECONDS // 60, 1)
    form = NeedReportForm(request.POST)
    form.full_clean()
    form.add_error(
        None,
        ngettext(
            "Trop de signalements viennent d'être envoyés depuis votre connexion : celui-ci "
            "n'a pas été enregistré. Gardez votre texte et réessayez dans %(minutes)d minute, "
            "ou écrivez au CCAS (%(email)s).",
            "Trop de signalements viennent d'être envoyés depuis votre connexion : celui-ci "
            "n'a pas été enregistré. Gardez votre texte et réessayez dans %(minutes)d minutes, "
            "ou écrivez au CCAS (%(email)s).",
            minutes,
        )
        % {"minutes": minutes, "email": settings.UTOPIA_ORGANISATION["email"]},
    )
    return _need_report_form_page(request, form, status=429)


def need_report(request):
    """ "Signaler un besoin": anyone, without an account. A robot that fills the hidden field is
    shown the same thanks as a person and nothing is stored; past the limit per client
    address, nothing is read or stored and the answer says when to come back (429)."""

    if request.method == "POST":
        address = client_ip(request)
        if not needs.need_report_allowed(client_address=address):
            return _need_report_limited(request)
        form = NeedReportForm(request.POST)
        if form.is_valid():
            # Counted before anything is stored: of concurrent requests, only those within the
            # limit go on (the check above only spares reading a limited client's form).
            if not needs.need_report_count_attempt(client_address=address):
                return _need_report_limited(request)
            if form.is_spam:
                return redirect("need_report_thanks")
            data = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                needs.need_report_create(**data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("need_report_thanks")
    else:
        form = NeedReportForm()
    return _need_report_form_page(request, form)


@require_GET
def need_report_thanks(request):
    return render(request, "utopia/need_report_thanks.html")
