from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Partner
from plenaries.models import Attendance, Registration


class RegistrationForm(forms.Form):
    """A member's answer to a convocation, for one of their partners."""

    partner = forms.ModelChoiceField(
        label=_("Vous répondez pour"), queryset=Partner.objects.none(), empty_label=None
    )
    answer = forms.ChoiceField(
        label=_("Votre réponse"),
        choices=[
            (Registration.Answer.ATTENDING, _("Nous serons présents")),
            (Registration.Answer.EXCUSED, _("Nous sommes excusés")),
        ],
        widget=forms.RadioSelect,
    )
    attendee_count = forms.IntegerField(
        label=_("Nombre de personnes"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Si vous venez : combien de personnes de votre structure."),
    )
    attendee_names = forms.CharField(
        label=_("Noms des personnes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une personne par ligne, avec sa fonction si vous le souhaitez."),
    )
    comment = forms.CharField(
        label=_("Message pour le CCAS (facultatif)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = partners
        if len(partners) == 1:
            self.fields["partner"].initial = partners[0]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Envoyer ma réponse")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer") == Registration.Answer.ATTENDING:
            if not cleaned.get("attendee_count"):
                self.add_error(
                    "attendee_count", _("Indiquez combien de personnes viendront (au moins 1).")
                )
        else:
            cleaned["attendee_count"] = 0
            cleaned["attendee_names"] = ""
        return cleaned


class AttendanceForm(forms.Form):
    """One row of the attendance sheet staff fill in after a plenary."""

    partner = forms.ModelChoiceField(queryset=Partner.objects.all(), widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Présence"), choices=[("", "—"), *Attendance.Status.choices], required=False
    )
    persons_present = forms.CharField(
        label=_("Personnes présentes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )


AttendanceFormSet = forms.formset_factory(AttendanceForm, extra=0)
