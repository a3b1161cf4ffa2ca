from django.urls import path

from programme import views

app_name = "programme"

urlpatterns = [
    path("", views.mandate_detail, name="mandate"),
    path("<slug:slug>/", views.focus_area_detail, name="focus-area"),
]
