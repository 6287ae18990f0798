"""Inactivity expiry of sessions without a database write on every request.

Django's SESSION_SAVE_EVERY_REQUEST pushes the expiry back on each request, at the price of an
UPDATE (and a transaction) on every page a member opens. Saving again only when the last save is
older than UTOPIA_SESSION_REFRESH_SECONDS keeps the same rule, to within those few minutes: a
session still ends SESSION_COOKIE_AGE after the last activity.
"""

import time

from django.conf import settings

LAST_REFRESH_KEY = "_utopia_refreshed_at"


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
