"""The fields of action and the neighbourhoods that members' forms offer, read cheaply.

A form field built on a queryset reads its rows again, as model instances, each time it is
iterated (a rendering iterates it more than once). These two lists change a few times a year,
in the back-office: they are kept in the shared cache as (id, name escaped once with the
standard library) and dropped whenever a row is saved or deleted.

Only what is offered comes from here: a posted choice is still checked against the field's
queryset, so a stale list can offer a row that no longer exists, never accept one.
"""

from html import escape

from django.core.cache import cache
from django.utils.safestring import SafeString

from partners.models import FieldOfAction, Neighbourhood

CACHE_SECONDS = 3600
TAXONOMIES = {
    FieldOfAction: "partners:choices:fields-of-action",
    Neighbourhood: "partners:choices:neighbourhoods",
}


def _pairs(queryset) -> list[tuple[int, SafeString]]:
    return [(pk, SafeString(escape(name))) for pk, name in queryset.values_list("pk", "name")]


def _taxonomy(model) -> list[tuple[int, SafeString]]:
    key = TAXONOMIES[model]
    pairs = cache.get(key)
    if pairs is None:
        pairs = _pairs(model.objects.all())
        cache.set(key, pairs, CACHE_SECONDS)
    return pairs


def forget_taxonomy(sender, **kwargs) -> None:
    """Signal receiver: a field of action or a neighbourhood changed."""
    cache.delete(TAXONOMIES[sender])


def offer(field, pairs) -> None:
    """`pairs` become what `field` offers (after its empty choice, if it has one)."""
    empty = getattr(field, "empty_label", None)
    field.choices = ([("", empty)] if empty is not None else []) + list(pairs)


def offer_fields_of_action(field) -> None:
    offer(field, _taxonomy(FieldOfAction))


def offer_neighbourhoods(field) -> None:
    offer(field, _taxonomy(Neighbourhood))
