"""Widgets of the portal's forms that Django does not have."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _


class FilterableCheckboxes(forms.Widget):
    """Several choices among many (co-organisers, contributors): a list of checkboxes, and a
    filter box that static/js/forms.js shows and drives. Without JavaScript the whole list
    works; on a phone a checkbox is easier to hit than a Ctrl-click multiple select.

    The boxes are written in Python in one loop, from two columns of the queryset: the list of
    co-organisers offers the whole network, and Django's per-option templates and model
    instances took most of a second for a thousand partners.
    """

    allow_multiple_selected = True
    use_fieldset = True  # crispy-forms then writes a <fieldset> and its <legend>

    def __init__(self, attrs=None, *, label_field="name"):
        super().__init__(attrs)
        self.label_field = label_field
        self.choices = []

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.choices = self.choices
        return copy

    def _pairs(self):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return [(key, label) for key, label in self.choices if key != ""]
        return queryset.values_list("pk", self.label_field)

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        return getter(name) if getter else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # an unchecked list sends nothing: that means "none"

    def format_value(self, value):
        if value is None:
            return set()
        if not isinstance(value, (list, tuple, set)):
            value = [value]
        return {str(item) for item in value}

    def use_required_attribute(self, initial):
        return False  # "required" on a box would demand that one: the form checks the list

    def id_for_label(self, id_):
        return ""  # a <legend> names the list, not a <label for>

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        base_id = final.get("id", f"id_{name}")
        chosen = self.format_value(value)
        # crispy's form-control and Django's attributes go to each box, not to the list.
        invalid = " is-invalid" if final.get("aria-invalid") else ""
        boxes = format_html_join(
            "\n",
            '<li class="form-check"><input type="checkbox" class="form-check-input{}" '
            'name="{}" value="{}" id="{}_{}"{}><label class="form-check-label" for="{}_{}">{}'
            "</label></li>",
            (
                (
                    invalid,
                    name,
                    key,
                    base_id,
                    index,
                    " checked" if str(key) in chosen else "",
                    base_id,
                    index,
                    label,
                )
                for index, (key, label) in enumerate(self._pairs())
            ),
        )
        return format_html(
            '<div class="checkbox-filter" data-checkbox-filter>'
            '<div class="checkbox-filter__search" data-checkbox-filter-search hidden>'
            '<label class="form-label" for="{}_filtre">{}</label>'
            '<input type="search" class="form-control" id="{}_filtre" autocomplete="off" '
            'aria-controls="{}_liste" aria-describedby="{}_compte">'
            '<p class="form-text" id="{}_compte" aria-live="polite" data-checkbox-filter-count>'
            "</p></div>"
            '<ul class="checkbox-filter__list list-unstyled" id="{}_liste">\n{}\n</ul></div>',
            base_id,
            _("Filtrer la liste (une partie du nom)"),
            base_id,
            base_id,
            base_id,
            base_id,
            base_id,
            boxes,
        )
