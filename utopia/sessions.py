"""How long a session lasts: an inactivity expiry, without a database write on every request,
and an absolute lifetime counted from the login.

Django's SESSION_SAVE_EVERY_REQUEST pushes the expiry back on each request, at the price of an
UPDATE (and a transaction) on every page a member opens. Saving again only when the last save is
older than UTOPIA_SESSION_REFRESH_SECONDS keeps the same rule, to within those few minutes: a
session still ends SESSION_COOKIE_AGE after the last activity.

That sliding expiry alone lets a session used every hour live for ever, and with it a stolen
session cookie. SESSION_ABSOLUTE_SECONDS after the login, the session ends however active it
is, and the person logs in again.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import ngettext

LAST_REFRESH_KEY = "_utopia_refreshed_at"
LOGIN_AT_KEY = "_utopia_logged_in_at"


class SessionActivityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.accessed:
            return response
        now = int(time.time())
        if now - session.get(LAST_REFRESH_KEY, 0) >= settings.UTOPIA_SESSION_REFRESH_SECONDS:
            session[LAST_REFRESH_KEY] = now
        return response


def record_login_time(sender, request, user, **kwargs):
    """user_logged_in receiver: every way in (the portal's and the back-office's logins, an
    accepted invitation) goes through django.contrib.auth.login, which sends the signal."""
    request.session[LOGIN_AT_KEY] = int(time.time())


class SessionLifetimeMiddleware:
    """After AuthenticationMiddleware (it logs out) and MessageMiddleware (it says why)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without a session cookie there is no session to end, and nothing is read.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and self._outlived(request):
            return self._end(request)
        return self.get_response(request)

    @staticmethod
    def _outlived(request) -> bool:
        if not request.user.is_authenticated:
            return False
        # A session without a login time was opened before the limit existed: it ends too.
        logged_in_at = request.session.get(LOGIN_AT_KEY, 0)
        return time.time() - logged_in_at >= settings.SESSION_ABSOLUTE_SECONDS

    @staticmethod
    def _end(request):
        logout(request)
        hours = max(1, settings.SESSION_ABSOLUTE_SECONDS // 3600)
        messages.warning(
            request,
            ngettext(
                "Pour votre sécurité, une session prend fin %(hours)d heure après la "
                "connexion, même si vous êtes actif : reconnectez-vous.",
                "Pour votre sécurité, une session prend fin %(hours)d heures après la "
                "connexion, même si vous êtes actif : reconnectez-vous.",
                hours,
            )
            % {"hours": hours},
        )
        path = request.path_info.lstrip("/").removeprefix(settings.URL_PREFIX)
        login_url = reverse("admin:login") if path.startswith("admin/") else settings.LOGIN_URL
        return redirect_to_login(request.get_full_path(), login_url)
