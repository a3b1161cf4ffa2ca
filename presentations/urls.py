from django.urls import path

from presentations import views

app_name = "presentations"

urlpatterns = [
    path("presentationer/", views.session_list, name="list"),
    path("presentationer/<slug:slug>/", views.session_detail, name="session"),
    path(
        "presentationer/<slug:session>/<slug:slug>/",
        views.presentation_detail,
        name="presentation",
    ),
    path("talare/<slug:slug>/", views.speaker_detail, name="speaker"),
]
