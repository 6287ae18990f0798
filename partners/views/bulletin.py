"""The network bulletin: news partners share with each other, for network members only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView

from partners import services
from partners.forms import BulletinPostForm
from partners.models import BulletinPost
from partners.permissions import (
    ScopedPermissionRequiredMixin,
    require_object_permission,
)


class BulletinListView(ScopedPermissionRequiredMixin, ListView):
    permission_required = "partners.view_network"
    template_name = "partners/bulletin_list.html"
    context_object_name = "posts"
    paginate_by = 20

    def get_queryset(self):
        return BulletinPost.objects.visible().select_related("partner", "author")


class BulletinPostCreateView(ScopedPermissionRequiredMixin, CreateView):
    permission_required = "partners.post_to_bulletin"
    form_class = BulletinPostForm
    template_name = "partners/bulletin_form.html"
    success_url = reverse_lazy("partners:bulletin")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            services.bulletin_post_create(post=form.instance, by=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Votre message est publié sur le fil du réseau."))
        return redirect(self.success_url)


@require_POST
def bulletin_post_remove(request, pk: int):
    post = get_object_or_404(BulletinPost.objects.visible(), pk=pk)
    denied = require_object_permission(request, "partners.remove_bulletin_post", post)
    if denied:
        return denied
    services.bulletin_post_remove(post=post, by=request.user)
    messages.success(request, _("Le message est retiré du fil du réseau."))
    return redirect("partners:bulletin")
