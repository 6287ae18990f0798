import datetime

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Action, FieldOfAction, Neighbourhood, Partner


class PartnerFilter(django_filters.FilterSet):
    """The directory's search and filters: plain GET parameters, so they work without
    JavaScript and every result page has its own URL."""

    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nom, sigle, mot-clé")}),
    )
    kind = django_filters.ChoiceFilter(
        label=_("Type de partenaire"), choices=Partner.Kind.choices, empty_label=_("Tous")
    )
    field = django_filters.ModelChoiceFilter(
        label=_("Domaine d'action"),
        field_name="fields_of_action",
        queryset=FieldOfAction.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous"),
    )
    quartier = django_filters.ModelChoiceFilter(
        label=_("Quartier"),
        field_name="neighbourhood",
        queryset=Neighbourhood.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous"),
    )

    class Meta:
        model = Partner
        fields = ["q", "kind", "field", "quartier"]

    def filter_search(self, queryset, name, value):
        """The partners that hold every word; when none does, those whose name is close to a
        misspelt query ("emergnce")."""
        found = queryset.search(value)
        if found.exists():
            return found
        return queryset.similar(value)

    def loosenable(self) -> list[tuple[str, str]]:
        """(label, value) of each filter set besides the search: those a person can remove
        when nothing is found."""
        if not self.form.is_bound or not self.form.is_valid():
            return []
        loosen = []
        for key in ("kind", "field", "quartier"):
            value = self.form.cleaned_data.get(key)
            if value:
                label = self.form.fields[key].label
                shown = dict(Partner.Kind.choices).get(value, value) if key == "kind" else value
                loosen.append((key, f"{label} : {shown}"))
        return loosen


class ActionFilter(django_filters.FilterSet):
    """The showcase's search and filters, shared by the list, the Atom feed and the
    iCalendar feed: a subscription keeps the filters of the page it was taken from."""

    UPCOMING, PAST = "a-venir", "passees"

    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Titre, lieu, mot-clé")}),
    )
    quand = django_filters.ChoiceFilter(
        label=_("Quand"),
        choices=[(UPCOMING, _("À venir et en cours")), (PAST, _("Passées (archives)"))],
        empty_label=None,
        method="filter_when",
    )
    domaine = django_filters.ModelChoiceFilter(
        label=_("Domaine d'action"),
        field_name="fields_of_action",
        queryset=FieldOfAction.objects.all(),
        to_field_name="slug",
        empty_label=_("Tous"),
    )
    # Chosen from a partner's page ("Toutes les actions de ..."), not from a list of a
    # thousand partners that would weigh on every page of the showcase.
    partenaire = django_filters.ModelChoiceFilter(
        label=_("Partenaire"),
        queryset=Partner.objects.active().only("pk", "name", "slug"),
        to_field_name="slug",
        method="filter_partner",
        widget=forms.HiddenInput,
    )
    type = django_filters.ChoiceFilter(
        label=_("Type d'action"),
        field_name="kind",
        choices=Action.Kind.choices,
        empty_label=_("Tous"),
    )
    mois = django_filters.CharFilter(
        label=_("Mois"),
        method="filter_month",
        validators=[
            RegexValidator(
                r"^\d{4}-(0[1-9]|1[0-2])$",
                _("Indiquez un mois sous la forme AAAA-MM, par exemple 2026-12."),
            )
        ],
        # No placeholder: HTML allows none on a month field (browsers without a month picker
        # show a text box, and the help text says what to type).
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text=_("Sous la forme AAAA-MM."),
    )

    class Meta:
        model = Action
        fields = ["q", "quand", "domaine", "partenaire", "type", "mois"]

    def __init__(self, data=None, *args, **kwargs):
        # "Upcoming" is the default: a past event leaves the list by itself.
        if data is None:
            data = QueryDict(mutable=True)
        if not data.get("quand"):
            data = data.copy()
            data["quand"] = self.UPCOMING
        super().__init__(data, *args, **kwargs)

    @property
    def is_archive(self) -> bool:
        return self.form.is_bound and self.form.cleaned_data.get("quand") == self.PAST

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("quand"):  # an invalid value: the default again
            queryset = queryset.upcoming()
        return queryset

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_when(self, queryset, name, value):
        return queryset.past() if value == self.PAST else queryset.upcoming()

    def filter_partner(self, queryset, name, value):
        return queryset.involving(value)

    def filter_month(self, queryset, name, value):
        year, month = (int(part) for part in value.split("-"))
        tz = timezone.get_current_timezone()
        start = datetime.datetime(year, month, 1, tzinfo=tz)
        end = datetime.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
        # Dated actions that overlap the month: begin before its end, end (or begin) after its start.
        return queryset.filter(starts_at__lt=end).filter(
            Q(ends_at__gte=start) | Q(ends_at__isnull=True, starts_at__gte=start)
        )
