from django.urls import path

from programme import newsletter_views as views

app_name = "newsletter"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("kolla-din-e-post/", views.check_email, name="check-email"),
    path("bekrafta/<str:signed>/", views.confirm, name="confirm"),
    path("avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mina-uppgifter/<str:token>/", views.manage, name="manage"),
]
