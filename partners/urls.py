from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("charte/", views.CharterView.as_view(), name="charter"),
    path("partenaires/", views.PartnerListView.as_view(), name="list"),
    path("partenaires/<slug:slug>/", views.PartnerDetailView.as_view(), name="detail"),
    path("partenaires/<slug:slug>/modifier/", views.PartnerUpdateView.as_view(), name="update"),
    path("partenaires/<slug:slug>/inviter/", views.InvitationCreateView.as_view(), name="invite"),
    path("demande-acces/", views.AccessRequestView.as_view(), name="access_request"),
]
