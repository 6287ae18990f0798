import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import FieldOfAction, Neighbourhood, Partner


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
        return queryset.search(value)
