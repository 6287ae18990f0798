"""WSGI entry point, for gunicorn: `gunicorn utopia.wsgi`."""

import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utopia.settings")

application = get_wsgi_application()

# A server must never start without its key: fail now, not at the first login.
from django.conf import settings  # noqa: E402

from utopia.checks import MISSING_SECRET_KEY  # noqa: E402

if not settings._wrapped.SECRET_KEY:
    raise ImproperlyConfigured(MISSING_SECRET_KEY)
