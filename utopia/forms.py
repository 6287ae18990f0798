from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth.forms import (
    AdminUserCreationForm,
    AuthenticationForm,
    PasswordResetForm,
    UserChangeForm,
)
from django.template import loader
from django.utils.translation import gettext_lazy as _

from partners import ratelimit
from partners.client_ip import client_ip
from partners.emails import NormalizedEmailField
from partners.mail import TEXT_ENGINE
from partners.models import FieldOfAction, User
from partners.tasks import send_email
from partners.validators import validate_single_line
from utopia.collaboration import ALL_KINDS, LINK_KINDS
from utopia.models import NeedReport


class EmailAuthenticationForm(AuthenticationForm):
    """Members log in with their email address, typed in any case and with the domain in any
    script: it is put in its one written form, then the account is found by exact comparison.
    The field keeps AuthenticationForm's name, `username`, which django-axes reads."""

    username = NormalizedEmailField(
        label=_("Adresse électronique"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """The reset email leaves through the task queue, like every other email. Past the limit
    per recipient or per client address (partners/ratelimit.py), nothing is sent and the view
    shows the same "sent" page: the page must not tell whether the address has an account, so
    the count does not depend on it either."""

    def save(self, *, request, **kwargs):
        if ratelimit.email_allowed(
            kind=ratelimit.PASSWORD_RESET,
            email=self.cleaned_data["email"],
            client=client_ip(request),
        ):
            super().save(request=request, **kwargs)

    email = NormalizedEmailField(
        label=_("Adresse électronique"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email):
        # Exact, in the addresses' written form, rather than Django's case-insensitive lookup
        # (see partners/emails.py).
        return (
            user
            for user in User._default_manager.filter(email=email, is_active=True).order_by("pk")
            if user.has_usable_password()
        )

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(
            loader.render_to_string(subject_template_name, context, using=TEXT_ENGINE).splitlines()
        )
        body = loader.render_to_string(email_template_name, context, using=TEXT_ENGINE)
        send_email.enqueue(subject=subject, body=body, to=[to_email])


class AccountEmailMixin:
    """Back-office account forms: the email address, in its written form, is the account's
    identity. Another account with it is refused here, on the field: the model would say it
    twice (the field's uniqueness and the constraint on its lower case)."""

    def clean_email(self):
        email = self.cleaned_data["email"]
        others = User._default_manager.filter(email=email)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("Un compte existe déjà avec cette adresse électronique."), code="unique"
            )
        return email


class AccountCreationForm(AccountEmailMixin, AdminUserCreationForm):
    email = NormalizedEmailField(label=_("Adresse électronique"), validators=[validate_single_line])

    class Meta:
        model = User
        fields = ("email",)


class AccountChangeForm(AccountEmailMixin, UserChangeForm):
    email = NormalizedEmailField(label=_("Adresse électronique"), validators=[validate_single_line])

    class Meta:
        model = User
        fields = "__all__"


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


class NeedReportForm(forms.ModelForm):
    """What anyone may tell the CCAS about a need, without an account: only the need is
    required; contact details are optional and kept only with consent."""

    # A honeypot: hidden from people (off screen, out of the tab order, hidden from screen
    # readers) but filled in by robots that fill every field.
    website = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = NeedReport
        fields = [
            "description",
            "place",
            "contact_name",
            "contact_email",
            "contact_phone",
            "contact_consent",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6, "maxlength": 3000})}
        labels = {"description": _("Le besoin que vous avez constaté")}
        error_messages = {
            "description": {
                "required": _("Décrivez le besoin que vous avez constaté."),
                "max_length": _(
                    "La description compte %(show_value)d caractères ; %(limit_value)d au plus."
                ),
            },
            "place": {
                "max_length": _(
                    "Le lieu compte %(show_value)d caractères ; %(limit_value)d au plus."
                )
            },
            "contact_name": {
                "max_length": _(
                    "Le nom compte %(show_value)d caractères ; %(limit_value)d au plus."
                )
            },
            "contact_email": {"invalid": _("Saisissez une adresse électronique valide.")},
            "contact_phone": {
                "max_length": _(
                    "Le téléphone compte %(show_value)d caractères ; %(limit_value)d au plus."
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["contact_email"].widget.attrs["autocomplete"] = "email"
        self.fields["contact_phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["contact_phone"].widget.input_type = "tel"
        self.fields["contact_consent"].help_text = _(
            "Obligatoire seulement si vous laissez un nom, une adresse ou un téléphone."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "description",
            "place",
            Fieldset(
                _("Vos coordonnées (facultatives)"),
                HTML(
                    '<p class="form-text">'
                    + str(
                        _(
                            "Laissez-les si vous acceptez que le CCAS vous recontacte à ce sujet. "
                            "Vous pouvez aussi signaler un besoin sans les donner."
                        )
                    )
                    + "</p>"
                ),
                "contact_name",
                "contact_email",
                "contact_phone",
                "contact_consent",
            ),
            Fieldset("", "website", css_class="honeypot", aria_hidden="true"),
            Submit("submit", _("Envoyer le signalement")),
        )

    def clean_contact_phone(self):
        phone = " ".join(self.cleaned_data["contact_phone"].split())
        if phone and not all(char.isdigit() or char in "+ .-()" for char in phone):
            raise forms.ValidationError(
                _("Saisissez un numéro de téléphone (chiffres, espaces, + . - et parenthèses).")
            )
        if phone and sum(char.isdigit() for char in phone) < 6:
            raise forms.ValidationError(_("Ce numéro de téléphone est trop court."))
        return phone

    def clean(self):
        cleaned = super().clean()
        has_contact = any(
            (cleaned.get(name) or "").strip()
            for name in ("contact_name", "contact_email", "contact_phone")
        )
        if has_contact and not cleaned.get("contact_consent"):
            self.add_error(
                "contact_consent",
                _(
                    "Cochez cette case pour que le CCAS garde vos coordonnées, "
                    "ou laissez-les vides."
                ),
            )
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class NeedReportCloseForm(forms.Form):
    """The CCAS's answer that closes a need report (sent to the reporter if they agreed)."""

    answer = forms.CharField(
        label=_("Réponse du CCAS"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Envoyée à la personne qui a signalé le besoin si elle a laissé son adresse et "
            "accepté d'être recontactée. Écrivez en français courant, sans nom de groupe, de "
            "partenaire ni d'agent. Ses coordonnées sont ensuite effacées."
        ),
    )
