"""Widgets of the portal's forms that Django does not have."""

from html import escape

from django import forms
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def _label_html(label) -> str:
    """A label as HTML: escaped, unless it is HTML already (a SafeString)."""
    return label.__html__() if hasattr(label, "__html__") else escape(str(label))


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
        # One f-string per box, escaped with the standard library: format_html_join sent nine
        # values per box through Django's lazy-aware escape(), 14 ms of a member's page for a
        # thousand partners, against under 1 ms this way (the same HTML).
        name_html, id_html = escape(name), escape(base_id)
        boxes = mark_safe(  # every value written below is escaped, or a number
            "\n".join(
                f'<li class="form-check"><input type="checkbox" class="form-check-input{invalid}" '
                f'name="{name_html}" value="{escape(str(key))}" id="{id_html}_{index}"'
                f'{" checked" if str(key) in chosen else ""}><label class="form-check-label" '
                f'for="{id_html}_{index}">{_label_html(label)}</label></li>'
                for index, (key, label) in enumerate(self._pairs())
            )
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
