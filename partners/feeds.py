"""Subscriptions to the showcase: an Atom feed for feed readers and an iCalendar feed
(RFC 5545) for Thunderbird, Outlook or a phone. Both take the list's filters, so a partner can
subscribe to its own actions, or a resident to one field of action."""

import datetime
import html

from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from partners import ical
from partners.filters import ActionFilter
from partners.models import Action

FEED_SIZE = 50
# The next 150 dated actions (filters narrow it): a calendar client refreshes the file often,
# and 500 events made it 300 kB long to build.
CALENDAR_SIZE = 150


def filtered_actions(request):
    """Published actions with the list's filters (upcoming ones unless asked otherwise)."""
    queryset = (
        Action.objects.published().select_related("partner").prefetch_related("fields_of_action")
    )
    return ActionFilter(request.GET, queryset=queryset, request=request).qs


class ActionAtomFeed(Feed):
    feed_type = Atom1Feed
    title = _("Actions des partenaires du réseau UTOPIA")
    subtitle = _(
        "Événements, services, projets et appels à bénévoles des partenaires du CCAS de Thionville."
    )

    # The feed object is shared by every request: the request travels as the feed's `obj`.
    def get_object(self, request, *args, **kwargs):
        return request

    def link(self, request):
        query = request.GET.urlencode()
        return reverse("partners:action_list") + (f"?{query}" if query else "")

    def feed_url(self, request):
        return request.get_full_path()

    def items(self, request):
        return filtered_actions(request)[:FEED_SIZE]

    def item_title(self, action):
        return action.title

    def item_description(self, action):
        # Atom sends the description as <summary type="html">: the summary is plain text, so it
        # is escaped here, or a reader would run the markup a partner typed in it as HTML.
        parts = [action.dates_display, action.summary]
        return html.escape(" — ".join(part for part in parts if part), quote=False)

    def item_link(self, action):
        return action.get_absolute_url()

    item_guid_is_permalink = False

    def item_guid(self, action):
        return f"tag:{ical.site_host()},2026:{uid_for(action)}"

    def item_pubdate(self, action):
        return action.published_at

    def item_updateddate(self, action):
        return action.updated_at

    def item_author_name(self, action):
        return action.partner.name

    def item_categories(self, action):
        return [field.name for field in action.fields_of_action.all()]


def uid_for(action: Action) -> str:
    """Stable across edits and slug changes: the row's id and the site's host."""
    return ical.uid("action", action.pk)


@require_GET
def action_calendar(request):
    """The dated actions as an iCalendar file, times in the site's zone with its VTIMEZONE."""
    actions = filtered_actions(request).filter(starts_at__isnull=False)[:CALENDAR_SIZE]
    content = ical.feed(
        (_action_event(request, action) for action in actions), name=_("Actions du réseau UTOPIA")
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="actions-utopia.ics"'
    return response


def _action_event(request, action: Action):
    url = request.build_absolute_uri(action.get_absolute_url())
    location = ", ".join(
        part
        for part in (
            action.place_name,
            action.address,
            f"{action.postal_code} {action.city}".strip(),
        )
        if part
    )
    return ical.event(
        uid=uid_for(action),
        summary=action.title,
        starts_at=action.starts_at,
        ends_at=action.ends_at or action.starts_at + datetime.timedelta(hours=1),
        location=location,
        description=f"{action.summary}\n\n{url}",
        url=url,
        categories=[field.name for field in action.fields_of_action.all()],
        created=action.created_at,
        last_modified=action.updated_at,
    )
