from django.contrib.auth.views import LoginView
from django.urls import include, path

urlpatterns = [
    path("konto/logga-in/", LoginView.as_view(template_name="login.html")),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
