from django.urls import path

from programme import views

app_name = "news"

urlpatterns = [
    path("", views.news_list, name="list"),
    path("feed/", views.LatestNewsFeed(), name="feed"),
    path("<slug:slug>/", views.news_detail, name="detail"),
    path("<slug:slug>/pdf/", views.news_pdf, name="pdf"),
]
