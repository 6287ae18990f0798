from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (label, url name, the URL namespaces or names that count as "this section")
MAIN_NAVIGATION = [
    (_("Accueil"), "home", {"home"}),
    (_("La charte"), "partners:charter", {"partners:charter"}),
    (_("Partenaires"), "partners:list", {"partners:list", "partners:detail", "collaboration_map"}),
    (_("Actions"), "partners:action_list", {"partners:action_list", "partners:action_detail"}),
    (_("Plénières"), "plenaries:list", {"plenaries"}),
    (_("Groupes de travail"), "workgroups:list", {"workgroups"}),
]


def site(request):
    # Every template rendered with the request runs this ("Mon espace" renders one per app
    # block): the navigation is worked out once per request.
    context = getattr(request, "_utopia_site_context", None)
    if context is None:
        context = request._utopia_site_context = _site(request)
    return context


def _site(request):
    match = getattr(request, "resolver_match", None)
    names = set()
    if match is not None:
        names = {match.view_name, match.namespace}
    navigation = []
    for label, url_name, sections in MAIN_NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # a section whose app does not publish pages yet
            continue
        navigation.append({"label": label, "url": url, "current": bool(names & sections)})
    return {"organisation": settings.UTOPIA_ORGANISATION, "main_navigation": navigation}
