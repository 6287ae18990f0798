"""System checks of the portal's own configuration.

The missing key is a deployment check (`manage.py check --deploy`, the README's production
step): commands that sign nothing, such as makemigrations, must still run without it, and the
WSGI application refuses to start without it (utopia/wsgi.py)."""

from django.conf import settings
from django.core.checks import Error, register

MISSING_SECRET_KEY = "SECRET_KEY must be set when DEBUG is off (see README.md, Configuration)."


@register(deploy=True)
def secret_key_is_set(app_configs, **kwargs):
    if settings._wrapped.SECRET_KEY:  # read without Django's "must not be empty" error
        return []
    return [Error(MISSING_SECRET_KEY, id="utopia.E001")]
