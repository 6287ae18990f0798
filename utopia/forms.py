from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from partners.models import FieldOfAction
from partners.tasks import send_email
from utopia.collaboration import ALL_KINDS, LINK_KINDS


class EmailAuthenticationForm(AuthenticationForm):
    """Members log in with their email address (it is their username)."""

    username = forms.EmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class QueuedPasswordResetForm(PasswordResetForm):
    """The reset email leaves through the task queue, like every other email."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email.enqueue(subject=subject, body=body, to=[to_email])


class TwoFactorConfirmForm(forms.Form):
    token = forms.RegexField(
        label=_("Code à six chiffres affiché par l'application"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Le code compte six chiffres.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip()


class EmailPreferencesForm(forms.Form):
    receives_digest = forms.BooleanField(
        label=_("Recevoir la lettre mensuelle du réseau"),
        required=False,
        help_text=_(
            "Une fois par mois : les nouvelles actions publiées, les messages du fil du réseau, "
            "les prochaines plénières et réunions."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Enregistrer mes préférences")))


class CollaborationFilterForm(forms.Form):
    """The collaboration map's filters: plain GET parameters, so they work without JavaScript
    and each view of the map has its own URL. No box ticked means every kind of link."""

    lien = forms.MultipleChoiceField(
        label=_("Liens à montrer"),
        required=False,
        choices=LINK_KINDS,
        widget=forms.CheckboxSelectMultiple,
    )
    domaine = forms.ModelChoiceField(
        label=_("Domaine d'action"),
        required=False,
        queryset=FieldOfAction.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous"),
    )

    def filters(self) -> dict:
        """Keyword arguments for collaboration_graph(); invalid input shows the whole map."""
        if not self.is_valid():
            return {"kinds": ALL_KINDS, "field_of_action": None}
        return {
            "kinds": frozenset(self.cleaned_data["lien"]) or ALL_KINDS,
            "field_of_action": self.cleaned_data["domaine"],
        }
