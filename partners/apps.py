from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires et charte")

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in
        from simple_history.signals import pre_create_historical_record

        from partners.history import record_change_reason
        from partners.receivers import create_fields_of_action, record_last_login

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="partners_record_last_login")
        pre_create_historical_record.connect(
            record_change_reason, dispatch_uid="partners_record_change_reason"
        )
        post_migrate.connect(
            create_fields_of_action, sender=self, dispatch_uid="partners_fields_of_action"
        )
