from django.apps import AppConfig, apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

# Apps whose data the public pages show: a write to any of their models invalidates the
# anonymous page cache (utopia/cache.py).
CACHED_APPS = ("partners", "plenaries", "workgroups")


class UtopiaConfig(AppConfig):
    name = "utopia"
    verbose_name = _("Portail UTOPIA")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from utopia import checks  # noqa: F401 (registers the checks)
        from utopia.cache import bump_version
        from utopia.sessions import record_login_time
        from utopia.staff import agent_group_sync

        post_migrate.connect(agent_group_sync, dispatch_uid="utopia_agent_group_sync")

        user_logged_in.connect(record_login_time, dispatch_uid="utopia_record_login_time")

        for app_label in CACHED_APPS:
            for model in apps.get_app_config(app_label).get_models():
                if hasattr(model, "instance_type"):
                    # An audit-history copy (django-simple-history) shows nothing public, and
                    # is written with the change it records, which bumps already; a login's
                    # history row must not empty the cache of the whole site.
                    continue
                post_save.connect(
                    bump_version, sender=model, dispatch_uid=f"cache-{model._meta.label}-save"
                )
                post_delete.connect(
                    bump_version, sender=model, dispatch_uid=f"cache-{model._meta.label}-delete"
                )
        m2m_changed.connect(bump_version, dispatch_uid="cache-m2m")
