from django.urls import path

from programme import views

app_name = "news"

urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("<slug:slug>/", views.news_detail, name="detail"),
]
