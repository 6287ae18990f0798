"""Permission checks for views: logged-out visitors are sent to the login page; a logged-in
person outside an object's scope gets a 404, so that a URL never reveals what exists."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from rules.contrib.views import PermissionRequiredMixin

from partners.rescue import RescuedFormMixin
from partners.rules import has_portal_perm


class ScopedPermissionRequiredMixin(RescuedFormMixin, PermissionRequiredMixin):
    """Its form views also get back what was typed before a session ended (partners/rescue.py):
    they are the pages a logged-out person is sent away from."""

    def dispatch(self, request, *args, **kwargs):
        # Logged-out visitors go to the login page before any lookup, so that whether an
        # object exists is not revealed to them either.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        obj = self.get_permission_object()
        return all(
            has_portal_perm(self.request.user, perm, obj) for perm in self.get_permission_required()
        )

    def handle_no_permission(self):
        if not self.request.user.is_authenticated:
            return redirect_to_login(self.request.get_full_path())
        raise Http404


def require_object_permission(request, permission: str, obj=None):
    """For function views: returns a login redirect, raises Http404, or returns None."""
    if has_portal_perm(request.user, permission, obj):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


class OneLookupMixin:
    """The permission check and the page share one fetch of the object (and its prefetches)."""

    def get_object(self, queryset=None):
        if queryset is None and getattr(self, "_looked_up", None) is not None:
            return self._looked_up
        found = super().get_object(queryset)
        if queryset is None:
            self._looked_up = found
        return found
