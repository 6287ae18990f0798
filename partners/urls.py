from django.urls import path

from partners import feeds, views
from partners.views import access

app_name = "partners"

urlpatterns = [
    path("charte/", views.CharterView.as_view(), name="charter"),
    path("partenaires/", views.PartnerListView.as_view(), name="list"),
    path("partenaires/<slug:slug>/", views.PartnerDetailView.as_view(), name="detail"),
    path("fiche-a-jour/<str:token>/", views.partner_confirm, name="confirm"),
    path("partenaires/<slug:slug>/modifier/", views.PartnerUpdateView.as_view(), name="update"),
    path("partenaires/<slug:slug>/inviter/", views.InvitationCreateView.as_view(), name="invite"),
    path(
        "partenaires/<slug:slug>/acces/<int:pk>/retirer/",
        access.membership_remove,
        name="membership_remove",
    ),
    path(
        "partenaires/<slug:slug>/invitations/<int:pk>/annuler/",
        access.invitation_cancel,
        name="invitation_cancel",
    ),
    path(
        "partenaires/<slug:slug>/invitations/<int:pk>/renvoyer/",
        access.invitation_resend,
        name="invitation_resend",
    ),
    path("demande-acces/", views.AccessRequestView.as_view(), name="access_request"),
    # The network bulletin, for network members only.
    path("reseau/", views.BulletinListView.as_view(), name="bulletin"),
    path("reseau/publier/", views.BulletinPostCreateView.as_view(), name="bulletin_create"),
    path("reseau/<int:pk>/retirer/", views.bulletin_post_remove, name="bulletin_remove"),
    # The showcase of actions: public pages and feeds...
    path("actions/", views.ActionListView.as_view(), name="action_list"),
    path("actions/flux/", feeds.ActionAtomFeed(), name="action_feed"),
    path("actions/calendrier.ics", feeds.action_calendar, name="action_ical"),
    path("actions/<slug:slug>/", views.ActionDetailView.as_view(), name="action_detail"),
    # ...and the members' pages, under "Mon espace" (never cached, never indexed).
    path("mon-espace/actions/", views.ActionMineView.as_view(), name="action_mine"),
    path("mon-espace/actions/nouvelle/", views.ActionCreateView.as_view(), name="action_create"),
    path("mon-espace/actions/<int:pk>/", views.ActionManageView.as_view(), name="action_manage"),
    path(
        "mon-espace/actions/<int:pk>/modifier/",
        views.ActionUpdateView.as_view(),
        name="action_update",
    ),
    path("mon-espace/actions/<int:pk>/soumettre/", views.action_submit, name="action_submit"),
]
