"""French grammar filters, built into every template (settings.TEMPLATES "builtins"), emails
included: `{{ partner.name|de }}` gives "d'Emergence", "de la Croix-Rouge", "du Toit";
`{{ partner.name|a }}` gives "à Emergence", "au Toit"; `{{ partner.name|article }}` gives
"l'ATAV", "la Croix-Rouge". The rules are in partners.french."""

from django import template

from partners import french

register = template.Library()

# is_safe: the filters only add plain words and an apostrophe in front of their input, so a safe
# input stays safe and an unsafe one is still escaped on output.
register.filter("de", french.de, is_safe=True)
register.filter("a", french.a, is_safe=True)
register.filter("article", french.article, is_safe=True)
