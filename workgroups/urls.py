from django.urls import include, path

from workgroups import views

app_name = "workgroups"

space_patterns = [
    path("", views.SpaceView.as_view(), name="space"),
    path("organisation/", views.OrganisationView.as_view(), name="organisation"),
    path("membres/", views.MembersView.as_view(), name="members"),
    path("membres/<int:pk>/decision/", views.membership_decide, name="membership_decide"),
    path("membres/<int:pk>/depart/", views.MembershipLeaveView.as_view(), name="membership_leave"),
    path(
        "membres/<int:pk>/representants/",
        views.RepresentativesView.as_view(),
        name="representatives",
    ),
    path(
        "membres/<int:pk>/representants/<int:representative_pk>/retirer/",
        views.representative_remove,
        name="representative_remove",
    ),
    path("reunions/", views.MeetingListView.as_view(), name="meeting_list"),
    path("reunions/nouvelle/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("reunions/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting_detail"),
    path("reunions/<int:pk>/modifier/", views.MeetingUpdateView.as_view(), name="meeting_update"),
    path("reunions/<int:pk>/annuler/", views.meeting_cancel, name="meeting_cancel"),
    path("reunions/agenda/", views.CalendarFeedView.as_view(), name="calendar_feed_settings"),
    path("documents/", views.DocumentListView.as_view(), name="document_list"),
    path("documents/deposer/", views.DocumentCreateView.as_view(), name="document_create"),
    path("documents/<int:pk>/telecharger/", views.document_download, name="document_download"),
    path("discussions/", views.TopicListView.as_view(), name="topic_list"),
    path("discussions/nouvelle/", views.TopicCreateView.as_view(), name="topic_create"),
    path("discussions/<int:pk>/", views.TopicDetailView.as_view(), name="topic_detail"),
    path("discussions/courriels/", views.NotificationView.as_view(), name="notifications"),
    path("pilote/", views.ElectionListView.as_view(), name="election_list"),
    path("pilote/election/", views.ElectionCreateView.as_view(), name="election_create"),
    path("pilote/designation/", views.PilotDesignateView.as_view(), name="pilot_designate"),
    path("pilote/elections/<int:pk>/", views.ElectionDetailView.as_view(), name="election_detail"),
    path(
        "pilote/elections/<int:pk>/candidature/",
        views.CandidacyView.as_view(),
        name="election_candidacy",
    ),
    path("pilote/elections/<int:pk>/vote/", views.election_vote, name="election_vote"),
    path("pilote/elections/<int:pk>/cloture/", views.election_close, name="election_close"),
    path("besoins/", views.NeedListView.as_view(), name="need_list"),
    path("besoins/nouveau/", views.NeedCreateView.as_view(), name="need_create"),
    path("besoins/<int:pk>/modifier/", views.NeedUpdateView.as_view(), name="need_update"),
    path("projets/", views.ProjectListView.as_view(), name="project_list"),
    path("projets/nouveau/", views.ProjectCreateView.as_view(), name="project_create"),
    path("projets/<int:pk>/", views.ProjectDetailView.as_view(), name="project_detail"),
    path("projets/<int:pk>/modifier/", views.ProjectUpdateView.as_view(), name="project_update"),
    path("expertise/", views.ExpertiseListView.as_view(), name="expertise_list"),
    path("expertise/demander/", views.ExpertiseCreateView.as_view(), name="expertise_create"),
]

urlpatterns = [
    path("", views.GroupListView.as_view(), name="list"),
    path("<slug:slug>/", views.GroupDetailView.as_view(), name="detail"),
    path("<slug:slug>/rejoindre/", views.JoinRequestView.as_view(), name="join"),
    path("<slug:slug>/espace/", include(space_patterns)),
    path("<slug:slug>/agenda/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    # The thread is shared with the asked partner's members, who are not in the group space.
    path(
        "<slug:slug>/expertise/<int:pk>/",
        views.ExpertiseDetailView.as_view(),
        name="expertise_detail",
    ),
]
