from django.contrib import admin
from django.urls import path

from pages import views

urlpatterns = [
    path("", views.template_page, name="template"),
    path("forrenderad/", views.prerendered_page, name="prerendered"),
    path("cachad/", views.cached_page, name="cached"),
    path("artiklar/<slug:slug>/", views.template_page, name="article"),
    path("admin/", admin.site.urls),
]
