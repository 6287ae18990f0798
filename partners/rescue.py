"""Nothing a person typed is lost to an expired session.

A form posted once the session has ended is answered with a redirect to the login page: the
middleware keeps what was posted in the (new, anonymous) session, which login() carries over
to the person's session. Back on the form's page after logging in, the form views'
RescuedFormMixin fills the form with it, once. Files and passwords are never kept; neither is
the CSRF token.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _

SESSION_KEY = "_utopia_rescued_form"
# What is kept waits this long for the person to log in again.
KEEP_SECONDS = 60 * 60
# More than this is not a form a person typed.
MAX_CHARACTERS = 100_000
NEVER_KEPT = ("csrfmiddlewaretoken",)


def _kept_fields(post: QueryDict) -> dict[str, list[str]]:
    return {
        name: post.getlist(name)
        for name in post
        if name not in NEVER_KEPT and "password" not in name.lower()
    }


class FormRescueMiddleware:
    """Between MessageMiddleware and SessionLifetimeMiddleware, so that it sees a POST sent to
    the login page by either the session's end or a view's login check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code == 302
            and not request.user.is_authenticated
            and response["Location"].split("?")[0] == resolve_url(settings.LOGIN_URL)
        ):
            fields = _kept_fields(request.POST)
            size = sum(len(name) + sum(map(len, values)) for name, values in fields.items())
            if fields and size <= MAX_CHARACTERS:
                request.session[SESSION_KEY] = {
                    "path": request.path,
                    "fields": fields,
                    "at": int(time.time()),
                }
                messages.info(
                    request,
                    _(
                        "Votre session avait pris fin : ce que vous avez écrit n'est pas perdu. "
                        "Connectez-vous, et vous le retrouverez dans le formulaire."
                    ),
                )
        return response


def take_rescued(request) -> QueryDict | None:
    """What was typed in the form of this page before the session ended, once."""
    kept = request.session.get(SESSION_KEY)
    if not kept or kept.get("path") != request.path or request.method != "GET":
        return None
    del request.session[SESSION_KEY]
    if time.time() - kept.get("at", 0) > KEEP_SECONDS:
        return None
    data = QueryDict(mutable=True)
    for name, values in kept["fields"].items():
        data.setlist(name, values)
    return data


class RescuedFormMixin:
    """For the form views: an unsent form comes back filled with what was typed (as initial
    values, so that nothing is saved and nothing is refused before the person checks it)."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        rescued = take_rescued(self.request)
        if rescued is None:
            return form
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            widget = field.widget
            if field.disabled or getattr(widget, "input_type", "") in ("file", "password"):
                continue
            if not widget.value_omitted_from_data(rescued, {}, key):
                form.initial[name] = widget.value_from_datadict(rescued, {}, key)
        messages.info(
            self.request,
            _("Voici ce que vous aviez écrit : vérifiez-le, puis enregistrez."),
        )
        return form
