from django.contrib.admin.apps import AdminConfig


class UtopiaAdminConfig(AdminConfig):
    """Django's admin app, with the back-office site of utopia/admin_site.py as default site
    (kept apart from it: an app config module must import no models)."""

    default_site = "utopia.admin_site.UtopiaAdminSite"
