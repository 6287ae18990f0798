from django.urls import path, register_converter

from plenaries import views


class SemesterConverter:
    regex = "[12]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(SemesterConverter, "semester")

app_name = "plenaries"

PLENARY = "<int:year>-s<semester:semester>/"

urlpatterns = [
    path("", views.PlenaryListView.as_view(), name="list"),
    path("calendrier.ics", views.calendar_ics, name="calendar"),
    path(PLENARY, views.PlenaryDetailView.as_view(), name="detail"),
    path(PLENARY + "reponse/", views.RegistrationView.as_view(), name="answer"),
    path(PLENARY + "reponse/<str:token>/", views.answer_by_link, name="answer_link"),
    path(PLENARY + "reponses/", views.RegistrationListView.as_view(), name="registrations"),
    path(PLENARY + "reponses.csv", views.registrations_csv, name="registrations_csv"),
    path(PLENARY + "convocation/", views.convocation_letter, name="letter"),
    path(PLENARY + "compte-rendu.pdf", views.minutes_pdf, name="minutes_pdf"),
    path(PLENARY + "documents/<int:pk>/", views.document_download, name="document"),
]
