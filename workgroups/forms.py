from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.fields import DateField, DateTimeField
from partners.models import Action, Membership, Partner
from partners.sizes import size_label
from partners.validators import validate_single_line
from partners.widgets import FilterableCheckboxes
from workgroups.documents import MAX_BYTES, DocumentFileField
from workgroups.models import (
    CoordinatedProject,
    Election,
    GroupMembership,
    Meeting,
    Need,
    WorkingGroup,
)
from workgroups.models.election import DEFAULT_TERM_YEARS, TERM_YEARS_CHOICES


class HelperMixin:
    submit_label = _("Enregistrer")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class JoinRequestForm(HelperMixin, forms.Form):
    submit_label = _("Envoyer la demande")

    partner = forms.ModelChoiceField(label=_("Partenaire"), queryset=Partner.objects.none())
    specialty = forms.CharField(
        label=_("Spécialité (partenaires institutionnels)"),
        required=False,
        max_length=200,
        help_text=_("Un partenaire institutionnel siège comme expert : dans quel domaine ?"),
        validators=[validate_single_line],
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class OrganisationForm(HelperMixin, forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ["meeting_rhythm", "decision_making", "roles"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        help_texts = {
            "meeting_rhythm": _("Par exemple : une réunion par mois, le mardi après-midi."),
            "decision_making": _(
                "Par exemple : au consensus ; à défaut, à la majorité des présents."
            ),
            "roles": _("Par exemple : secrétaire de séance tournant, référent communication."),
        }


class LeaveForm(HelperMixin, forms.Form):
    submit_label = _("Enregistrer le départ")

    left_on = DateField(label=_("Date du départ"), initial=timezone.localdate)
    reason = forms.CharField(
        label=_("Motif (facultatif)"),
        required=False,
        max_length=300,
        validators=[validate_single_line],
    )


class RepresentativeForm(HelperMixin, forms.Form):
    submit_label = _("Nommer")

    membership = forms.ModelChoiceField(
        label=_("Membre du partenaire"), queryset=Membership.objects.none()
    )

    def __init__(self, *args, seat: GroupMembership, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        field.queryset = (
            Membership.objects.filter(partner=seat.partner, user__is_active=True)
            .exclude(group_representations__seat=seat)
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        field.label_from_instance = lambda m: m.user.get_full_name() or m.user.email


class CalendarFeedForm(forms.Form):
    """Nothing to fill in: one button, to get the private address or to replace it."""

    def __init__(self, *args, renew: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        label = (
            _("Révoquer cette adresse et en créer une nouvelle")
            if renew
            else _("Créer mon adresse d'abonnement")
        )
        self.helper.add_input(
            Submit("submit", label, css_class="btn-outline-danger" if renew else "btn-primary")
        )


class MeetingForm(HelperMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["starts_at", "place", "video_url", "agenda", "notes"]
        field_classes = {"starts_at": DateTimeField}
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 8}),
        }


class DocumentForm(HelperMixin, forms.Form):
    submit_label = _("Déposer")

    title = forms.CharField(label=_("Titre"), max_length=200, validators=[validate_single_line])
    file = DocumentFileField(
        label=_("Fichier"),
        help_text=_(
            "PDF, Word, Excel, PowerPoint, LibreOffice ou image (JPEG, PNG, WebP) ; %(size)s au plus."
        )
        % {"size": size_label(MAX_BYTES)},
    )
    meeting = forms.ModelChoiceField(
        label=_("Réunion concernée (facultatif)"), required=False, queryset=Meeting.objects.none()
    )

    def __init__(self, *args, group: WorkingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = group.meetings.all()


class TopicForm(HelperMixin, forms.Form):
    submit_label = _("Publier")

    title = forms.CharField(label=_("Sujet"), max_length=200, validators=[validate_single_line])
    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ReplyForm(HelperMixin, forms.Form):
    submit_label = _("Répondre")

    body = forms.CharField(
        label=_("Votre réponse"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


class NotificationForm(HelperMixin, forms.Form):
    email_on_discussion = forms.BooleanField(
        label=_("Recevoir un courriel à chaque nouveau message des discussions de ce groupe"),
        required=False,
    )


class ElectionForm(HelperMixin, forms.Form):
    submit_label = _("Ouvrir l'élection")

    opens_at = DateTimeField(label=_("Ouverture du vote"))
    closes_at = DateTimeField(label=_("Fermeture du vote"))
    term_starts_on = DateField(label=_("Prise de fonctions de la personne élue"))
    tie_rule = forms.ChoiceField(
        label=_("En cas d'égalité"), choices=Election.TieRule.choices, widget=forms.RadioSelect
    )
    term_years = forms.TypedChoiceField(
        label=_("Durée du mandat"),
        choices=TERM_YEARS_CHOICES,
        coerce=int,
        initial=DEFAULT_TERM_YEARS,
        # Left out of a form sent by an older page: the default duration.
        required=False,
        empty_value=DEFAULT_TERM_YEARS,
        help_text=_("À la fin du mandat, le groupe réélit ou désigne son pilote."),
    )


class CandidacyForm(HelperMixin, forms.Form):
    submit_label = _("Me porter candidat(e)")

    partner = forms.ModelChoiceField(
        label=_("Pour le partenaire"), queryset=Partner.objects.none(), empty_label=None
    )
    statement = forms.CharField(
        label=_("Profession de foi (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners


class BallotForm(HelperMixin, forms.Form):
    submit_label = _("Déposer le bulletin")
    BLANK = "blanc"

    partner = forms.ModelChoiceField(
        label=_("Bulletin de"), queryset=Partner.objects.none(), empty_label=None
    )
    choice = forms.ChoiceField(label=_("Votre choix"), widget=forms.RadioSelect)

    def __init__(self, *args, partners, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        self.candidates = {str(c.pk): c for c in candidates}
        self.fields["choice"].choices = [(str(c.pk), str(c)) for c in candidates] + [
            (self.BLANK, _("Vote blanc"))
        ]

    def chosen_candidate(self):
        return self.candidates.get(self.cleaned_data["choice"])


class PilotDesignateForm(HelperMixin, forms.Form):
    submit_label = _("Enregistrer le pilote")

    representative = forms.ChoiceField(label=_("Pilote désigné"))
    started_on = DateField(label=_("Pilote à partir du"), initial=timezone.localdate)
    minutes_reference = forms.CharField(
        label=_("Référence du compte rendu de la réunion"),
        max_length=300,
        help_text=_("Par exemple : compte rendu de la réunion du 12 mars 2026, point 3."),
        validators=[validate_single_line],
    )
    term_years = forms.TypedChoiceField(
        label=_("Durée du mandat"),
        choices=TERM_YEARS_CHOICES,
        coerce=int,
        initial=DEFAULT_TERM_YEARS,
        # Left out of a form sent by an older page: the default duration.
        required=False,
        empty_value=DEFAULT_TERM_YEARS,
    )

    def __init__(self, *args, representatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.representatives = {
            f"{r.membership.user_id}-{r.seat.partner_id}": r for r in representatives
        }
        self.fields["representative"].choices = [
            (key, f"{r} ({r.seat.partner.name})") for key, r in self.representatives.items()
        ]


class NeedForm(HelperMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = ["title", "description", "seen_where", "public_concerned", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "title": _("Par exemple : pas de garde d'enfants le samedi."),
            "description": _(
                "Ce que vous avez constaté, sans nommer personne, par exemple : « Des parents "
                "seuls refusent un emploi du samedi faute de garde. »"
            ),
            "seen_where": _("Par exemple : Côte des Roses, centre-ville, une école…"),
            "public_concerned": _("Par exemple : familles monoparentales."),
        }


class ProjectForm(HelperMixin, forms.ModelForm):
    class Meta:
        model = CoordinatedProject
        fields = [
            "title",
            "description",
            "lead_partner",
            "contributors",
            "status",
            "needs",
            "actions",
            "is_public",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "contributors": FilterableCheckboxes,
            "needs": forms.CheckboxSelectMultiple,
            "actions": FilterableCheckboxes(label_field="title"),
        }
        help_texts = {
            "title": _("Par exemple : garde d'enfants partagée le samedi."),
            "contributors": _("Cochez les partenaires du groupe qui y contribuent."),
        }

    def __init__(self, *args, group: WorkingGroup, **kwargs):
        super().__init__(*args, **kwargs)
        partners = Partner.objects.filter(
            group_memberships__group=group,
            group_memberships__status=GroupMembership.Status.ACTIVE,
        ).order_by("name")
        self.fields["lead_partner"].queryset = partners
        self.fields["contributors"].queryset = partners
        self.fields["needs"].queryset = group.needs.all()
        # The showcase actions of the group's partners: what the project may have produced.
        self.fields["actions"].queryset = (
            Action.objects.published().filter(partner__in=partners).order_by("title")
        )


class ExpertiseRequestForm(HelperMixin, forms.Form):
    submit_label = _("Envoyer la demande")

    partner = forms.ModelChoiceField(
        label=_("Partenaire institutionnel sollicité"),
        queryset=Partner.objects.active().filter(kind=Partner.Kind.INSTITUTIONAL),
    )
    subject = forms.CharField(label=_("Objet"), max_length=200, validators=[validate_single_line])
    question = forms.CharField(
        label=_("Question"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )


class ExpertiseMessageForm(HelperMixin, forms.Form):
    submit_label = _("Envoyer")

    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
