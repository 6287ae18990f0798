from django import template

from partners.sizes import size_label

register = template.Library()
register.filter("size", size_label)
