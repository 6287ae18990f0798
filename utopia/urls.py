from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from partners.views import invitation_accept
from utopia import sections, views
from utopia.forms import EmailAuthenticationForm, QueuedPasswordResetForm

account_patterns = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "mot-de-passe/oubli/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/fait/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitation/<str:token>/", invitation_accept, name="invitation_accept"),
    path("double-authentification/", views.two_factor_setup, name="two_factor_setup"),
    path("double-authentification/code/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "double-authentification/lien/<str:token>/",
        views.two_factor_link,
        name="two_factor_link",
    ),
    path("preferences/", views.email_preferences, name="email_preferences"),
    path(
        "lettre/desabonnement/<str:token>/",
        views.digest_unsubscribe,
        name="digest_unsubscribe",
    ),
]

site_patterns = [
    path("", views.home, name="home"),
    path("", include("partners.urls")),
    path("plenieres/", include("plenaries.urls")),
    path("groupes/", include("workgroups.urls")),
    path("collaborations/", views.collaboration_map, name="collaboration_map"),
    path("mon-espace/", views.member_space, name="member_space"),
    path("rapport-annuel/", views.yearly_report, name="yearly_report_current"),
    path("rapport-annuel/<int:year>/", views.yearly_report, name="yearly_report"),
    path("etat-du-portail/", views.staff_health, name="staff_health"),
    path("compte/", include(account_patterns)),
    path("mentions-legales/", views.page("utopia/legal_notice.html"), name="legal_notice"),
    path("accessibilite/", views.page("utopia/accessibility.html"), name="accessibility"),
    path("donnees-personnelles/", views.page("utopia/privacy.html"), name="privacy"),
    path("signaler-un-besoin/", views.need_report, name="need_report"),
    path("signaler-un-besoin/merci/", views.need_report_thanks, name="need_report_thanks"),
    path("plan-du-site/", views.page("utopia/site_map.html"), name="site_map"),
    # An index of one file per section, each cut in pages (Sitemap.limit): on a large network
    # no single response lists every action.
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sections.sitemaps(), "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sections.sitemaps()},
        name="sitemap_section",
    ),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("sante/", views.health, name="health"),
    path("admin/", admin.site.urls),
]

if settings.UTOPIA_SERVE_MEDIA:
    site_patterns += [
        re_path(r"^media/(?P<path>.*)$", views.media, name="media"),
    ]

urlpatterns = [path(settings.URL_PREFIX, include(site_patterns))]

handler403 = "utopia.views.error_403"
handler404 = "utopia.views.error_404"
handler500 = "utopia.views.error_500"
