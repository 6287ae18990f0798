from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from partners.emails import NormalizedEmailField
from partners.fields import DateTimeField
from partners.images import SafeImageField
from partners.layout import Folded
from partners.models import AccessRequest, Action, BulletinPost, Membership, Partner
from partners.models.action import RESERVED_SLUGS
from partners.rules import has_staff_permission, member_partner_ids
from partners.validators import validate_single_line, validate_siren
from partners.widgets import FilterableCheckboxes

# What to write in the long texts of the public pages (the portal reads them as Markdown, a
# word that means nothing to a volunteer).
LONG_TEXT_HELP = _(
    "Tout ce qu'une personne doit savoir, en paragraphes séparés par une ligne vide. "
    "Pour une liste, commencez chaque ligne par un tiret ; pour mettre des mots en gras, "
    "entourez-les de deux astérisques, par exemple **sur inscription**."
)


class ImageInput(forms.ClearableFileInput):
    """Only the formats the server accepts are offered by the browser's file picker."""

    def __init__(self, attrs=None):
        super().__init__({"accept": "image/jpeg,image/png,image/webp", **(attrs or {})})


class PartnerPageForm(forms.ModelForm):
    """What a partner's members keep current on its public page."""

    logo = SafeImageField(
        label=_("Logo"),
        required=False,
        help_text=_("JPEG, PNG ou WebP ; 5 Mo et 25 millions de pixels au plus."),
    )
    siren = forms.CharField(
        label=_("SIREN"),
        required=False,
        max_length=11,
        validators=[validate_siren, validate_single_line],
        help_text=_("Facultatif : 9 chiffres, par exemple 123 456 789."),
    )

    class Meta:
        model = Partner
        fields = [
            "acronym",
            "summary",
            "description",
            "fields_of_action",
            "public_served",
            "access_conditions",
            "opening_hours",
            "address",
            "postal_code",
            "city",
            "neighbourhood",
            "phone",
            "email",
            "website",
            "register_number",
            "siren",
            "logo",
            "logo_alt",
            "correspondent_name",
            "correspondent_email",
            "correspondent_address",
        ]
        field_classes = {"correspondent_email": NormalizedEmailField}
        widgets = {
            "correspondent_address": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 8}),
            "access_conditions": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "logo": ImageInput,
            "fields_of_action": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "acronym": _("Facultatif, par exemple : CIDFF."),
            "summary": _(
                "Une ou deux phrases affichées dans l'annuaire, par exemple : « Accueil de jour "
                "et accompagnement des personnes sans domicile. »"
            ),
            "description": LONG_TEXT_HELP,
            "public_served": _("Par exemple : personnes isolées, familles, jeunes de 16 à 25 ans."),
            "access_conditions": _(
                "Par exemple : sur rendez-vous, gratuit, sans condition de ressources."
            ),
            "opening_hours": _(
                "Par exemple : du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h."
            ),
            "phone": _("Par exemple : 03 82 00 00 00."),
            "email": _("Une adresse que vous relevez, par exemple : contact@association.fr."),
            "website": _("Par exemple : https://www.association.fr"),
            "logo_alt": _("Par exemple : « Logo de l'association : une main tendue »."),
        }

    def __init__(self, *args, correspondent: bool = False, **kwargs):
        """`correspondent`: whether the person may name the partner's correspondent for the
        network (its managers and the CCAS), who receives its convocations."""
        super().__init__(*args, **kwargs)
        correspondent_fields = [
            "correspondent_name",
            "correspondent_email",
            "correspondent_address",
        ]
        if not correspondent:
            for name in correspondent_fields:
                del self.fields[name]
        else:
            self.fields["correspondent_name"].widget.attrs.update(autocomplete="off")
            self.fields["correspondent_email"].widget.attrs.update(autocomplete="off")
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["postal_code"].widget.attrs.update(autocomplete="postal-code")
        self.fields["address"].widget.attrs.update(autocomplete="address-line1")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Présentation"), "acronym", "summary", "description", "fields_of_action"),
            Fieldset(_("Accueil du public"), "public_served", "access_conditions", "opening_hours"),
            Fieldset(
                _("Coordonnées"),
                "address",
                "postal_code",
                "city",
                "neighbourhood",
                "phone",
                "email",
                "website",
            ),
            Folded(_("Identification (facultatif)"), "register_number", "siren"),
            Folded(_("Logo (facultatif)"), "logo", "logo_alt"),
        )
        if correspondent:
            self.helper.layout.append(
                Fieldset(
                    _("Correspondant pour le réseau (non public)"),
                    HTML(
                        format_html(
                            "<p class='form-text'>{}</p>",
                            _(
                                "La personne qui reçoit les convocations aux plénières et le "
                                "courrier du réseau pour votre structure, avec ou sans compte. "
                                "Ces coordonnées ne sont pas publiées ; elles sont effacées "
                                "quand vous changez de correspondant."
                            ),
                        )
                    ),
                    *correspondent_fields,
                )
            )
        self.helper.layout.append(Submit("submit", _("Enregistrer la fiche")))

    def clean_siren(self):
        return self.cleaned_data["siren"].replace(" ", "")

    def clean(self):
        cleaned = super().clean()
        logo = cleaned.get("logo")
        if logo and not (cleaned.get("logo_alt") or "").strip():
            self.add_error(
                "logo_alt",
                _(
                    "Décrivez le logo en quelques mots : ce texte remplace l'image pour qui ne la voit pas."
                ),
            )
        return cleaned


class InvitationForm(forms.Form):
    email = NormalizedEmailField(
        label=_("Adresse électronique de la personne"),
        validators=[validate_single_line],
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Rôle"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text=_("Un responsable peut aussi inviter d'autres personnes."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Envoyer l'invitation")))


class InvitationAcceptForm(forms.Form):
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Créer mon compte")))

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
        elif password1:
            probe = get_user_model()(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class AccessRequestForm(forms.ModelForm):
    # A field people never see: robots fill it in, and the request is then dropped.
    website = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = AccessRequest
        fields = [
            "full_name",
            "email",
            "partner",
            "organisation_name",
            "role_in_organisation",
            "message",
        ]
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        labels = {"partner": _("Votre partenaire dans l'annuaire")}
        field_classes = {"email": NormalizedEmailField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.active()
        self.fields["partner"].empty_label = _("— mon association n'y figure pas encore —")
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation_name"].help_text = _(
            "À remplir si votre association n'est pas encore dans l'annuaire."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "full_name",
            "email",
            "partner",
            "organisation_name",
            "role_in_organisation",
            "message",
            Fieldset("", "website", css_class="honeypot", aria_hidden="true"),
            Submit("submit", _("Envoyer la demande")),
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("partner") and not (cleaned.get("organisation_name") or "").strip():
            self.add_error(
                "organisation_name",
                _(
                    "Choisissez votre partenaire dans la liste ou donnez le nom de votre association."
                ),
            )
        return cleaned

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))


class AccessibilitySelect(forms.NullBooleanSelect):
    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Je ne sais pas")), ("true", _("Oui")), ("false", _("Non"))]


class ActionForm(forms.ModelForm):
    """What a member writes about one of their partner's actions. Saving keeps it as a draft
    (or sends an edited published action back to review): see services.action_update."""

    image = SafeImageField(
        label=_("Image"),
        required=False,
        help_text=_("Facultative. JPEG, PNG ou WebP ; 5 Mo et 25 millions de pixels au plus."),
    )
    starts_at = DateTimeField(
        label=_("Début"),
        required=False,
        help_text=_(
            "Le jour et l'heure, par exemple 14/03/2030 à 14 h 00. Obligatoire pour un événement."
        ),
    )
    ends_at = DateTimeField(
        label=_("Fin"),
        required=False,
        help_text=_("Facultative ; jamais avant le début."),
    )
    is_accessible = forms.NullBooleanField(
        label=_("Accessible aux personnes à mobilité réduite"),
        required=False,
        widget=AccessibilitySelect,
    )

    class Meta:
        model = Action
        fields = [
            "partner",
            "kind",
            "title",
            "summary",
            "body",
            "fields_of_action",
            "co_organisers",
            "starts_at",
            "ends_at",
            "place_name",
            "address",
            "postal_code",
            "city",
            "is_accessible",
            "audience",
            "contact",
            "registration_url",
            "image",
            "image_alt",
        ]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "fields_of_action": forms.CheckboxSelectMultiple,
            "co_organisers": FilterableCheckboxes,
        }
        help_texts = {
            "title": _("Court et parlant, par exemple : Repair café du samedi."),
            "summary": _(
                "Une ou deux phrases affichées dans la liste des actions, par exemple : « On "
                "répare ensemble petits appareils et vêtements, autour d'un café. »"
            ),
            "body": LONG_TEXT_HELP,
            "place_name": _("Facultatif, par exemple : salle Jean Burger."),
            "audience": _("Par exemple : tout public, familles, jeunes de 16 à 25 ans."),
            "contact": _("Qui joindre et comment, par exemple : Marie Dupont, 03 82 00 00 00."),
            "registration_url": _(
                "Facultatif : l'adresse de la page où l'on s'inscrit, par exemple "
                "https://www.association.fr/inscription"
            ),
            "image_alt": _("Par exemple : « Des bénévoles réparent un grille-pain »."),
            "co_organisers": _(
                "Cochez les partenaires qui organisent l'action avec vous, s'il y en a."
            ),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Partner.objects.active()
        if self.instance.pk:
            # An action stays with its partner: staff may move it in the back-office.
            self.fields["partner"].disabled = True
            self.fields["partner"].queryset = Partner.objects.filter(pk=self.instance.partner_id)
        elif user is not None and not has_staff_permission(user, "partners.add_action"):
            # The user's partners were read by the permission check: no query here.
            mine = member_partner_ids(user)
            self.fields["partner"].queryset = partners.filter(pk__in=mine)
            if len(mine) == 1:
                self.fields["partner"].initial = next(iter(mine))
        else:
            self.fields["partner"].queryset = partners
        self.fields["partner"].empty_label = None
        self.fields["co_organisers"].queryset = Partner.objects.active()
        self.fields["co_organisers"].required = False
        self.fields["contact"].widget.attrs["autocomplete"] = "off"
        self.fields["postal_code"].widget.attrs["autocomplete"] = "postal-code"
        self.fields["address"].widget.attrs["autocomplete"] = "address-line1"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("L'action"), "partner", "kind", "title", "summary", "body"),
            Fieldset(_("Classement"), "fields_of_action"),
            Fieldset(_("Quand"), "starts_at", "ends_at"),
            Fieldset(_("Où"), "place_name", "address", "postal_code", "city", "is_accessible"),
            Fieldset(
                _("Pour qui, et comment participer"), "audience", "contact", "registration_url"
            ),
            Folded(_("Avec d'autres partenaires (facultatif)"), "co_organisers"),
            Folded(_("Image (facultative)"), "image", "image_alt"),
            Submit("submit", _("Enregistrer et prévisualiser")),
        )

    def clean_is_accessible(self):
        value = self.cleaned_data.get("is_accessible")
        return value if value in (True, False) else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if end and not start:
            self.add_error("starts_at", _("Indiquez le début : une fin demande un début."))
        elif start and end and end < start:
            self.add_error("ends_at", _("La fin ne peut pas précéder le début."))
        if (
            cleaned.get("kind") == Action.Kind.EVENT
            and not start
            and "starts_at" not in self.errors
        ):
            self.add_error("starts_at", _("Un événement a une date et une heure de début."))
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error(
                "image_alt",
                _(
                    "Décrivez l'image en quelques mots : ce texte la remplace pour qui ne la voit pas."
                ),
            )
        if not self.instance.slug and cleaned.get("title"):
            # The page's address is made from the title once, and kept when the title changes
            # so that links already shared still work.
            self.instance.slug = self._free_slug(cleaned["title"])
        return cleaned

    def _free_slug(self, title: str) -> str:
        base = slugify(title)[:200] or "action"
        if base in RESERVED_SLUGS:
            base = f"{base}-action"
        taken = set(
            Action.objects.filter(slug__startswith=base)
            .exclude(pk=self.instance.pk)
            .values_list("slug", flat=True)
        )
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug


class BulletinPostForm(forms.ModelForm):
    """A message for the network, in the name of one of the author's partners."""

    class Meta:
        model = BulletinPost
        fields = ["partner", "kind", "title", "body"]
        help_texts = {
            "body": _(
                "Texte simple, 5 000 caractères au plus. Visible des seuls membres du réseau "
                "(jamais public) ; évitez d'y mettre des données personnelles de tiers."
            ),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(is_active=True).order_by("name")
        if not has_staff_permission(user, "partners.add_bulletinpost"):
            partners = partners.filter(pk__in=member_partner_ids(user))
        self.fields["partner"].queryset = partners
        self.fields["partner"].label = _("Au nom de")
        self.fields["partner"].empty_label = None
        self.fields["title"].widget.attrs["maxlength"] = 150
        self.fields["body"].widget.attrs.update({"maxlength": 5000, "rows": 8})
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Publier sur le fil du réseau")))
