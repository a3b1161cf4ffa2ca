from django.urls import path

from presentations import views

app_name = "presentations"

urlpatterns = [
    path("presentationer/", views.session_list, name="list"),
    path("presentationer/kommande.ics", views.upcoming_ics, name="upcoming-ics"),
    path("presentationer/<slug:slug>/", views.session_detail, name="session"),
    path(
        "presentationer/<slug:slug>/kalender.ics",
        views.session_ics,
        name="session-ics",
    ),
    path(
        "presentationer/<slug:session>/<slug:slug>/",
        views.presentation_detail,
        name="presentation",
    ),
    path(
        "presentationer/<slug:session>/<slug:slug>/bilder.pdf",
        views.presentation_slides,
        name="slides",
    ),
    path("talare/<slug:slug>/", views.speaker_detail, name="speaker"),
]
