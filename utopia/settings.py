"""Settings of the UTOPIA portal, read from the environment (see README.md, "Configuration").

Development (`make run`, `make test`) sets DEBUG=1; production sets DEBUG=0 (the default) and
must then give SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "oui"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


DEBUG = env_bool("DEBUG")

# Without SECRET_KEY and with DEBUG off, the key stays empty: commands that sign nothing
# (makemigrations, collectstatic) still run, while `check`, runserver and the WSGI application
# refuse to start (utopia/checks.py, utopia/wsgi.py) and Django refuses to sign with it.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and DEBUG:
    # Only ever used on a developer's machine: DEBUG is on.
    SECRET_KEY = "django-insecure-utopia-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Scheme and host that links in emails start with (reverse() adds URL_PREFIX).
# Development: `make run PORT=8012` sets it to its own port; PORT alone does too.
UTOPIA_SITE_URL = os.environ.get("SITE_URL") or (
    f"http://127.0.0.1:{os.environ.get('PORT') or 8000}" if DEBUG else "http://127.0.0.1:8000"
)

# Blocks that the apps above `partners` add to a partner's public page: dotted paths to
# functions (request, partner) -> HTML. The shell wires them here so partners imports none.
UTOPIA_PARTNER_PAGE_SECTIONS: list[str] = ["workgroups.sections.partner_page_block"]
# Blocks of the shell on a working group's "Besoins" page: the public's reports routed to its
# theme (the shell's own records, which workgroups does not import).
UTOPIA_GROUP_NEEDS_SECTIONS: list[str] = ["utopia.needs.group_need_reports_block"]

# Demo accounts and demo content exist only on development machines.
UTOPIA_DEMO_ALLOWED = DEBUG

# --- Mounting under a sub-path of the CCAS website -------------------------------------------
# URL_PREFIX="utopia/" serves the whole portal, its static and media files under /utopia/.
URL_PREFIX = os.environ.get("URL_PREFIX", "").strip("/")
if URL_PREFIX:
    URL_PREFIX += "/"

INSTALLED_APPS = [
    "utopia.admin_config.UtopiaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "utopia",
    "partners",
    "plenaries",
    "workgroups",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "utopia.cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "utopia.sessions.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "utopia.cache.NoStoreForLoggedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "partners.rescue.FormRescueMiddleware",
    "utopia.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "utopia.urls"
WSGI_APPLICATION = "utopia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "utopia.context_processors.site",
            ],
            # French elision and contraction ("d'Emergence", "du Toit") in every template.
            "builtins": ["partners.templatetags.french"],
        },
    },
    {
        # Emails are plain text: a title with an apostrophe or an ampersand arrives as typed,
        # never as `&#x27;` (partners.mail.render_email and the password reset use this engine).
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False, "builtins": ["partners.templatetags.french"]},
    },
]

# --- Database ------------------------------------------------------------------------------
# SQLite under var/ by default; PostgreSQL with DATABASE_URL=postgres://user@host:5432/name.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'utopia.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write
    # lock up front, so concurrent writers wait (busy timeout) instead of failing with
    # "database is locked" halfway through a transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "utopia",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "utopia.redis_cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # A Redis that is stopped, restarting or hung is a cache miss, never an error
        # (utopia/redis_cache.py): a process that finds it unreachable leaves it alone for
        # skip_seconds, and logs a warning at most once per warn_seconds.
        "OPTIONS": {"skip_seconds": 5, "warn_seconds": 60},
    }

# Anonymous visitors' pages are cached whole (utopia/cache.py). The cache must be shared by
# every worker process for invalidation to reach them all: on by default with REDIS_URL only.
UTOPIA_PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300 if os.environ.get("REDIS_URL") else 0)
# When the database is out of reach, pages answer 503 and ask to come back after this delay.
UTOPIA_RETRY_AFTER_SECONDS = 10

# --- Authentication ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Accounts are identified by their email address, unique whatever its case (partners.User).
AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    "utopia.auth_backends.LoginLockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "member_space"
LOGOUT_REDIRECT_URL = "home"
# Repeated failed logins lock that account from that address for a while (django-axes), then
# the lock lifts by itself: a cool-off, not a permanent lock that would need the CCAS.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form's field keeps Django's name, `username`, though it holds the email address;
# axes would otherwise look for the account model's USERNAME_FIELD ("email") and find nothing.
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# The client's address as the CCAS's reverse proxy saw it (partners/client_ip.py): lockouts
# count per visitor, not per proxy, like the other limits.
AXES_CLIENT_IP_CALLABLE = "partners.client_ip.client_ip"
# Staff use their powers (back-office and portal) once verified by a second factor (TOTP):
# always in production.
UTOPIA_STAFF_2FA = env_bool("STAFF_2FA", not DEBUG)
OTP_TOTP_ISSUER = "UTOPIA CCAS Thionville"
# django-otp's admin would show a device's secret (key, QR code) to anyone allowed to view the
# device: whoever reads it can make the codes of the account. Hidden to all.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A staff account enrols its authenticator app through a one-time link (utopia.two_factor),
# valid this long.
UTOPIA_STAFF_ENROLMENT_LINK_MAX_AGE = 60 * 60 * 72
# Invitation links (and password reset links) stay valid this long.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
UTOPIA_INVITATION_MAX_AGE = 60 * 60 * 24 * 14
# The yearly "is your page still accurate?" link (`manage.py request_partner_confirmations`).
UTOPIA_CONFIRMATION_LINK_MAX_AGE = 60 * 60 * 24 * 30
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 2)
# The age counts from the last activity (inactivity expiry): utopia.sessions saves the session
# again when its last save is older than this, rather than on every request.
SESSION_SAVE_EVERY_REQUEST = False
if os.environ.get("REDIS_URL"):
    # Read from Redis, written through to the database: a member's page no longer waits for a
    # session query, and a Redis that restarts or is away logs nobody out (the database is read
    # instead).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
UTOPIA_SESSION_REFRESH_SECONDS = env_int("SESSION_REFRESH_SECONDS", 300)
# However active, a session ends this long after the login (utopia.sessions): a stolen session
# cookie does not stay good for ever.
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 60 * 60 * 12)

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media files ----------------------------------------------------------------
STATIC_URL = f"/{URL_PREFIX}static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    # Icons as separate SVG files (never the icon font): the stylesheet uses them as masks.
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "icons"),
]
MEDIA_URL = f"/{URL_PREFIX}media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Development and tests serve static files from their sources (app folders, node_modules);
# production serves the collected, hashed and compressed copies in STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Serve uploads through Django when no web server does it (development, small installs).
UTOPIA_SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
# Working groups' private documents: never under MEDIA_ROOT, only sent after a permission check
# (default: a `private` folder beside MEDIA_ROOT).
UTOPIA_PRIVATE_MEDIA_ROOT = os.environ.get("PRIVATE_MEDIA_ROOT") or None
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email (Django 6.1 MAILERS) and background tasks ---------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "UTOPIA <utopia@ccas-thionville.fr>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
_email_host = os.environ.get("EMAIL_HOST", "")
if _email_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 30,
            },
        }
    }
elif DEBUG:
    # Development: emails are printed in the terminal that runs `make run`.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    # Production without EMAIL_HOST: SMTP on localhost (a local relay), Django's default.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend"}}

# Emails leave through the tasks framework so that a slow mail server never blocks a page:
# at once in development, through the database queue and `manage.py db_worker` in production.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# --- Security ------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Bootstrap draws some controls (select arrows, checkboxes) with data: SVG images.
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_HTTPS_PROXY", True):
        # The CCAS's reverse proxy terminates TLS and says so in this header.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The HSTS preload list is a choice for the CCAS's whole domain, not for this section.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Forms ---------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

# --- The CCAS, controller of the personal data (RGPD notice, legal notice) -----------------
UTOPIA_ORGANISATION = {
    "name": os.environ.get("CCAS_NAME", "CCAS de la Ville de Thionville"),
    "address": os.environ.get("CCAS_ADDRESS", "Hôtel de Ville, 57100 Thionville"),
    "phone": os.environ.get("CCAS_PHONE", ""),
    "email": os.environ.get("CCAS_EMAIL", "utopia@ccas-thionville.fr"),
    "director": os.environ.get("CCAS_PUBLICATION_DIRECTOR", "Le Président du CCAS"),
    "website": os.environ.get("CCAS_WEBSITE", "https://www.thionville.fr/"),
    "host": os.environ.get("HOSTING_PROVIDER", "Ville de Thionville, service informatique"),
    "dpo_email": os.environ.get("DPO_EMAIL", "dpo@mairie-thionville.fr"),
}
# Staff alerts (actions to moderate, access requests) go to these addresses when set;
# otherwise to every active staff account.
UTOPIA_STAFF_EMAILS = env_list("STAFF_EMAILS")
# "À traiter" and `check_health` report a scheduled command that missed its period (utopia/
# health.py): on by default in production, where cron runs them; a development machine has no
# cron (the health page shows their runs either way).
UTOPIA_WATCH_SCHEDULE = env_bool("WATCH_SCHEDULE", not DEBUG)

# RGPD: a signatory's name stops being public this many days after their mandate ended
# (`manage.py hide_expired_signatory_names`, daily from cron).
UTOPIA_SIGNATORY_NAME_RETENTION_DAYS = env_int("SIGNATORY_NAME_RETENTION_DAYS", 365)

# "Signaler un besoin": the optional contact details of a report are erased this many days
# after the report was handled (or sent, if never handled) (`manage.py purge_need_report_contacts`,
# daily from cron). Reports are limited per client address: enough for a person, too few for a
# robot.
UTOPIA_NEED_REPORT_CONTACT_RETENTION_DAYS = env_int("NEED_REPORT_CONTACT_RETENTION_DAYS", 365)
# Access requests (and their audit history) are deleted this many days after their decision.
UTOPIA_ACCESS_REQUEST_RETENTION_DAYS = env_int("ACCESS_REQUEST_RETENTION_DAYS", 365)
UTOPIA_NEED_REPORT_LIMIT = env_int("NEED_REPORT_LIMIT", 3)
UTOPIA_NEED_REPORT_LIMIT_SECONDS = env_int("NEED_REPORT_LIMIT_SECONDS", 600)
# Password reset and invitation emails, each kind counted apart (partners/ratelimit.py): this
# many per recipient address and per client address in a period (seconds). Enough for a
# person; too few to flood a mailbox or the CCAS's mail server.
UTOPIA_EMAIL_LIMIT_PER_ADDRESS = env_int("EMAIL_LIMIT_PER_ADDRESS", 3)
UTOPIA_EMAIL_LIMIT_PER_CLIENT = env_int("EMAIL_LIMIT_PER_CLIENT", 10)
UTOPIA_EMAIL_LIMIT_SECONDS = env_int("EMAIL_LIMIT_SECONDS", 3600)
# Proxies in front of gunicorn that append to X-Forwarded-For (partners/client_ip.py): the
# CCAS's reverse proxy in production, none on a development machine. The header is read only
# from a request whose peer is one of TRUSTED_PROXIES (addresses or networks): a direct client
# would write any address there. A typo stops the start (ValueError) rather than trust wrongly.
UTOPIA_TRUSTED_PROXY_COUNT = env_int(
    "TRUSTED_PROXY_COUNT", 1 if not DEBUG and env_bool("BEHIND_HTTPS_PROXY", True) else 0
)
UTOPIA_TRUSTED_PROXIES = [
    ipaddress.ip_network(value, strict=False)
    for value in env_list("TRUSTED_PROXIES", "127.0.0.1,::1")
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
