"""The two kinds of CCAS staff accounts, and the security tasks agents run on an account.

A superuser (the administrator) holds every permission and sees the back-office's technical
lists. An agent is a staff account in the "Agent du CCAS" group, which a superuser gives: it
holds the named permissions of the network's work (partners, members' accounts, actions,
plenaries, groups, need reports, the bulletin, exports) and nothing technical. The group is
created after migrations (post_migrate): permission rows do not exist yet inside a migration on
a fresh database.

The people-facing parts of security work are tasks on an account's page (unlock a locked-out
account, remove a colleague's lost authentication device, send an enrolment link): each is a
service here, taking the agent as `by` and recorded in the account's history in the
back-office (admin log entries).
"""

from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.emails import normalize_email

AGENT_GROUP = "Agent du CCAS"

# The apps of the network's work: every permission of their models goes to the agents, but for
# the exceptions below.
NETWORK_APPS = ("partners", "plenaries", "workgroups", "utopia")
# Models of those apps that are technical records, not the network's work.
TECHNICAL_NETWORK_MODELS = {"partners.ratelimitcounter", "utopia.staffenrolment"}
# Permissions of the network's apps that stay with the superusers: deleting an account (the
# RGPD erasure is the agents' way, and it keeps the history's authors).
SUPERUSER_ONLY_PERMISSIONS = {"partners.delete_user"}
# Permissions outside the network's apps that the account page's tasks need.
EXTRA_AGENT_PERMISSIONS = {
    "utopia.send_enrolment_link",  # send an enrolment link
    "otp_totp.delete_totpdevice",  # remove a colleague's lost device
    "axes.delete_accessattempt",  # unlock a locked-out account
}

# The back-office's technical lists: superusers only, whatever permissions an account holds.
TECHNICAL_MODELS = {
    "auth.group",
    "auth.permission",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "otp_totp.totpdevice",
    "django_tasks_database.dbtaskresult",
    *TECHNICAL_NETWORK_MODELS,
}


def agent_permission_names() -> set[str]:
    """ "app_label.codename" of every permission the "Agent du CCAS" group holds."""
    names = set(EXTRA_AGENT_PERMISSIONS)
    for app_label in NETWORK_APPS:
        for model in apps.get_app_config(app_label).get_models():
            opts = model._meta
            if hasattr(model, "instance_type") or opts.label_lower in TECHNICAL_NETWORK_MODELS:
                continue  # audit-history copies (django-simple-history) and technical records
            codenames = [f"{action}_{opts.model_name}" for action in opts.default_permissions]
            codenames += [codename for codename, _name in opts.permissions]
            names |= {f"{app_label}.{codename}" for codename in codenames}
    return names - SUPERUSER_ONLY_PERMISSIONS


def agent_group_sync(*, using="default", **kwargs) -> Group:
    """Receiver of post_migrate: the "Agent du CCAS" group holds exactly the permissions listed
    here that exist by now (post_migrate is sent once per app, after that app's permissions are
    made). The code is the reference: a different set of powers is another group."""
    group, _created = Group.objects.using(using).get_or_create(name=AGENT_GROUP)
    wanted = agent_permission_names()
    group.permissions.set(
        [
            permission
            for permission in Permission.objects.using(using).select_related("content_type")
            if f"{permission.content_type.app_label}.{permission.codename}" in wanted
        ]
    )
    return group


def is_agent(user) -> bool:
    """A staff account that is not a superuser."""
    return bool(getattr(user, "is_staff", False)) and not getattr(user, "is_superuser", False)


def _log(*, user, by, message: str) -> None:
    LogEntry.objects.log_actions(
        user_id=by.pk, queryset=[user], action_flag=CHANGE, change_message=message
    )


def login_attempts(user):
    """The failed login attempts made on `user`'s address, as django-axes keeps them (it stores
    the address as typed: compared here in its one written form, see partners/emails.py)."""
    attempts = AccessAttempt.objects.filter(username__iexact=user.email)
    kept = []
    for attempt in attempts:
        try:
            if normalize_email(attempt.username) == user.email:
                kept.append(attempt)
        except ValidationError:
            continue
    return kept


def locked_until(user):
    """When `user`'s lock-out ends, None when the account is not locked out."""
    cooloff = settings.AXES_COOLOFF_TIME
    ends = [
        attempt.attempt_time + cooloff
        for attempt in login_attempts(user)
        if attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT
    ]
    ends = [end for end in ends if end > timezone.now()]
    return max(ends) if ends else None


@transaction.atomic
def account_unlock(*, user, by) -> int:
    """Forget the failed login attempts on `user`'s address, from every client address: the
    person may log in again at once. Returns how many records were removed."""
    attempts = login_attempts(user)
    if not attempts:
        raise ValidationError(_("Ce compte n'est pas bloqué : aucune tentative à effacer."))
    AccessAttempt.objects.filter(pk__in=[attempt.pk for attempt in attempts]).delete()
    _log(user=user, by=by, message=_("Connexion débloquée."))
    return len(attempts)


@transaction.atomic
def staff_device_remove(*, user, by) -> int:
    """Remove `user`'s authentication devices (a lost or replaced phone); a new one is enrolled
    through a link (utopia.two_factor). An agent cannot remove their own: they would lock
    themselves out, and another agent sends them the link anyway."""
    if by.pk == user.pk:
        raise ValidationError(
            _("Votre propre appareil est supprimé par un autre agent, qui vous envoie un lien.")
        )
    if user.is_superuser and not by.is_superuser:
        raise ValidationError(
            _("Seul un administrateur supprime l'appareil d'un autre administrateur.")
        )
    devices = TOTPDevice.objects.filter(user=user)
    count = devices.count()
    if not count:
        raise ValidationError(_("Ce compte n'a aucune application d'authentification."))
    devices.delete()
    _log(user=user, by=by, message=_("Application d'authentification supprimée."))
    return count
