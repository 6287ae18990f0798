from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partenaires et charte")

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in
        from simple_history.signals import pre_create_historical_record

        from partners.choices import TAXONOMIES, forget_taxonomy
        from partners.collation import register_sqlite_collation
        from partners.history import record_change_reason
        from partners.models import FieldOfAction, Partner
        from partners.receivers import (
            create_fields_of_action,
            record_last_login,
            refresh_after_field_of_action_deleted,
            refresh_field_of_action_partners,
            refresh_partner_search_text,
            remember_field_of_action_partners,
        )

        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="partners_record_last_login")
        pre_create_historical_record.connect(
            record_change_reason, dispatch_uid="partners_record_change_reason"
        )
        post_migrate.connect(
            create_fields_of_action, sender=self, dispatch_uid="partners_fields_of_action"
        )
        m2m_changed.connect(
            refresh_partner_search_text,
            sender=Partner.fields_of_action.through,
            dispatch_uid="partners_search_text_fields",
        )
        post_save.connect(
            refresh_field_of_action_partners,
            sender=FieldOfAction,
            dispatch_uid="partners_search_text_field_renamed",
        )
        pre_delete.connect(
            remember_field_of_action_partners,
            sender=FieldOfAction,
            dispatch_uid="partners_search_text_field_deleting",
        )
        post_delete.connect(
            refresh_after_field_of_action_deleted,
            sender=FieldOfAction,
            dispatch_uid="partners_search_text_field_deleted",
        )
        connection_created.connect(
            register_sqlite_collation, dispatch_uid="partners_sqlite_collation"
        )
        for model in TAXONOMIES:
            for signal in (post_save, post_delete):
                signal.connect(
                    forget_taxonomy, sender=model, dispatch_uid=f"partners_choices_{model.__name__}"
                )
