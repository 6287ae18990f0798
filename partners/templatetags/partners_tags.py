import functools
import json

from django import template
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from partners import rules as partner_rules
from partners.models import Action

register = template.Library()


@register.simple_tag
def has_portal_perm(perm: str, user, obj=None) -> bool:
    """`{% has_portal_perm "app.perm" user obj as allowed %}`: rules' `has_perm` tag without
    Django's superuser shortcut, which would skip the second factor (partners.rules)."""
    return partner_rules.has_portal_perm(user, perm, obj)


@register.filter
def has_staff_powers(user) -> bool:
    """`{% if user|has_staff_powers %}`: CCAS staff verified by their second factor."""
    return partner_rules.has_staff_powers(user)


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter
def jsonld(data) -> str:
    """schema.org data as a JSON-LD block. It is data, not a script: the Content-Security-Policy
    does not run it, and <, > and & are escaped so that no text can close the element."""
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')


def scaled(width: int | None, height: int | None, box: int) -> tuple[int, int]:
    """The size that fits (width, height) in a box×box square without enlarging it."""
    if not width or not height:
        return box, box
    ratio = min(box / width, box / height, 1)
    return max(1, round(width * ratio)), max(1, round(height * ratio))


@register.simple_tag
def image_tag(field, alt: str, box: int, css_class: str = "", lazy: bool = True):
    """<img> of a stored image with its width and height set, so the page does not jump."""
    if not field:
        return ""
    width, height = scaled(getattr(field, "width", None), getattr(field, "height", None), box)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="{}"{}>',
        field.url,
        alt,
        width,
        height,
        css_class,
        mark_safe(' loading="lazy" decoding="async"') if lazy else "",
    )


@register.simple_tag
def logo(partner, box: int = 96, css_class: str = "partner-logo", lazy: bool = True):
    if not partner.logo:
        return ""
    width, height = scaled(partner.logo_width, partner.logo_height, box)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="{}"{}>',
        partner.logo.url,
        partner.logo_alt,
        width,
        height,
        css_class,
        mark_safe(' loading="lazy" decoding="async"') if lazy else "",
    )


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (pagination keeps the filters)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def action_image(action, box: int = 640, css_class: str = "action-image", lazy: bool = True):
    """An action's picture: the thumbnail for boxes up to its size, the full image above,
    with width and height set (no layout shift) and lazy loading below the fold."""
    if not action.image:
        return ""
    if action.thumbnail and box <= max(action.thumbnail_width or 0, action.thumbnail_height or 0):
        field, width, height = action.thumbnail, action.thumbnail_width, action.thumbnail_height
    else:
        field, width, height = action.image, action.image_width, action.image_height
    width, height = scaled(width, height, box)
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" class="{}"{}>',
        field.url,
        action.image_alt,
        width,
        height,
        css_class,
        mark_safe(' loading="lazy" decoding="async"') if lazy else "",
    )


STATUS_BADGES = {
    Action.Status.DRAFT: "neutral",
    Action.Status.SUBMITTED: "warn",
    Action.Status.CHANGES_REQUESTED: "bad",
    Action.Status.PUBLISHED: "ok",
    Action.Status.REJECTED: "bad",
}


@register.simple_tag
def action_status(action):
    return format_html(
        '<span class="status-badge status-badge--{}">{}</span>',
        STATUS_BADGES.get(action.status, "neutral"),
        action.get_status_display(),
    )


@register.simple_tag(takes_context=True)
def active_filter_count(context, *names) -> int:
    """How many of a list's filters the query sets, for "Filtrer (2 actifs)". A name may carry
    its default value after a colon ("quand:a-venir"): that value is no filter."""
    query = context["request"].GET
    count = 0
    for name in names:
        name, _, default = name.partition(":")
        count += sum(1 for value in query.getlist(name) if value and value != default)
    return count


# Designed pictograms (static/img/pictograms/<slug>.svg) for a partner, action or group that has
# no picture of its own: the one of its first field of action, or the network's.
NETWORK_PICTOGRAM = "reseau"


@functools.cache
def has_pictogram(slug: str) -> bool:
    return bool(finders.find(f"img/pictograms/{slug}.svg"))


def pictogram_name(obj) -> str:
    fields = getattr(obj, "fields_of_action", None)
    # .all() reads the list the list views prefetch: no query per card. A field of action the
    # CCAS added later has no drawing yet: the network's stands in for it.
    first = next(iter(fields.all()), None) if fields is not None else None
    return first.slug if first is not None and has_pictogram(first.slug) else NETWORK_PICTOGRAM


@register.simple_tag
def pictogram(obj, width: int = 150, height: int = 100, css_class: str = "pictogram"):
    """<img> of the pictogram of `obj`'s field of action. Decorative (alt=""): the fields of
    action are written beside it."""
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" class="{}">',
        static(f"img/pictograms/{pictogram_name(obj)}.svg"),
        width,
        height,
        css_class,
    )


PARTNER_PAGE_PARTS = (
    "summary",
    "description",
    "public_served",
    "access_conditions",
    "opening_hours",
)


@register.filter
def page_not_completed(partner) -> bool:
    """Nothing the partner writes about itself yet (only the CCAS's directory entry): the page
    says so and invites the partner to complete it, rather than showing empty sections."""
    return not any(getattr(partner, name, "") for name in PARTNER_PAGE_PARTS)
