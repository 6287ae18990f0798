"""WSGI entry point, for gunicorn: `gunicorn utopia.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utopia.settings")

application = get_wsgi_application()
