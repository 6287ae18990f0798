"""Who made a change, and why, in the audit history (django-simple-history).

One contract for every write. A service takes the acting person as `by` and names them as the
author of the history row of each instance it saves or deletes (`authored`), whether or not a
request is around: the history middleware's request user is only what the admin's own saves
fall back on. A management command has no person behind it: the rows it writes name no user
and give the command as their change reason (« commande purge_need_report_contacts »), through
`CommandWithoutUser`; no account ever stands in for the machine.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.core.management.base import BaseCommand

_change_reason: ContextVar[str] = ContextVar("utopia_history_change_reason", default="")


def authored(instance, *, by):
    """`instance`, whose history rows name `by` as their author (None: nobody) when it is next
    saved or deleted."""
    instance._history_user = by
    return instance


@contextmanager
def change_reason(reason: str):
    """The history rows written inside give `reason` as their change reason, unless their
    instance names its own."""
    token = _change_reason.set(reason)
    try:
        yield
    finally:
        _change_reason.reset(token)


def record_change_reason(sender, history_instance, **kwargs):
    """Receiver of simple-history's pre_create_historical_record."""
    reason = _change_reason.get()
    if reason and not history_instance.history_change_reason:
        history_instance.history_change_reason = reason


class CommandWithoutUser(BaseCommand):
    """A management command (run by cron or by hand on the server): what it writes is in the
    history with no user and the change reason « commande <its name> »."""

    def execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]
        with change_reason(f"commande {name}"):
            return super().execute(*args, **options)
