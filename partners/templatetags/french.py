"""French grammar filters, built into every template (settings.TEMPLATES "builtins"), emails
included: `{{ partner.name|de }}` gives "d'Emergence", "de la Croix-Rouge", "du Toit";
`{{ partner.name|a }}` gives "à Emergence", "au Toit"; `{{ partner.name|article }}` gives
"l'ATAV", "la Croix-Rouge". The rules are in partners.french."""

from django import template
from django.template import defaultfilters

from partners import french

register = template.Library()

# is_safe: the filters only add plain words and an apostrophe in front of their input, so a safe
# input stays safe and an unsafe one is still escaped on output.
register.filter("de", french.de, is_safe=True)
register.filter("a", french.a, is_safe=True)
register.filter("article", french.article, is_safe=True)


@register.filter("date", expects_localtime=True, is_safe=False)
def french_date(value, arg=None):
    """Django's `date` filter with French typography: "1er janvier", "14 h 30" whatever way the
    template writes the hour ("H:i", "H\\hi"). It replaces the built-in filter of that name in
    every template, so no page can forget it."""
    if arg == "c" and hasattr(value, "microsecond"):
        # ISO 8601 for <time datetime>, without microseconds: HTML allows at most three digits
        # of a second's fraction.
        value = value.replace(microsecond=0)
    return defaultfilters.date(value, french.french_format(arg or "j F Y", value))


@register.filter("time", expects_localtime=True, is_safe=False)
def french_time(value, arg=None):
    """Django's `time` filter, the hour written "14 h 30" (french.TIME_FORMAT)."""
    return defaultfilters.time(value, french.french_format(arg or french.TIME_FORMAT, value))
