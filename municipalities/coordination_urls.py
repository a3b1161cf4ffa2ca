from django.urls import path

from municipalities import coordination_views as views
from municipalities import reporting_views

app_name = "samordning"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("grupper/<slug:slug>/", views.group_detail, name="group"),
    path("grupper/<slug:slug>/moten/nytt/", views.meeting_form, name="meeting-create"),
    path(
        "grupper/<slug:slug>/moten/<int:pk>/andra/",
        views.meeting_form,
        name="meeting-edit",
    ),
    path(
        "grupper/<slug:slug>/moten/<int:pk>/ta-bort/",
        views.meeting_delete,
        name="meeting-delete",
    ),
    path(
        "grupper/<slug:slug>/beslut/nytt/", views.decision_form, name="decision-create"
    ),
    path(
        "grupper/<slug:slug>/beslut/<int:pk>/andra/",
        views.decision_form,
        name="decision-edit",
    ),
    path("grupper/<slug:slug>/atgarder/ny/", views.action_form, name="action-create"),
    path(
        "grupper/<slug:slug>/atgarder/<int:pk>/andra/",
        views.action_form,
        name="action-edit",
    ),
    path(
        "grupper/<slug:slug>/kalenderlank/",
        views.calendar_link,
        name="calendar-link",
    ),
    path(
        "grupper/<slug:slug>/kalender/<str:token>.ics",
        views.group_ics,
        name="group-ics",
    ),
    path("lagesrapporter/", views.entry_list, name="entries"),
    path("lagesrapporter/ny/", views.entry_create, name="entry-create"),
    path("lagesrapporter/flode/", views.EntryFeed.as_view(), name="entry-feed"),
    path("lagesrapporter/<int:pk>/", views.entry_detail, name="entry-detail"),
    path("lagesrapporter/<int:pk>/andra/", views.entry_edit, name="entry-edit"),
    path("lagesrapporter/<int:pk>/ta-bort/", views.entry_delete, name="entry-delete"),
    path(
        "lagesrapporter/<int:pk>/historik/", views.entry_history, name="entry-history"
    ),
    path("bilagor/<int:pk>/", views.attachment_download, name="attachment"),
    path("lage/", reporting_views.status_list, name="status-list"),
    path(
        "lage/<slug:municipality>/<slug:focus_area>/",
        reporting_views.status_edit,
        name="status-edit",
    ),
    path("indikatorer/", reporting_views.indicator_list, name="indicators"),
    path(
        "indikatorer/rapportera/", reporting_views.indicator_form, name="indicator-form"
    ),
    path("jamforelse/", reporting_views.comparison, name="comparison"),
    path("rapport/", reporting_views.report, name="report"),
    path(
        "export/lagesrapporter.csv",
        reporting_views.export_entries_csv,
        name="export-entries",
    ),
    path(
        "export/lage.csv", reporting_views.export_statuses_csv, name="export-statuses"
    ),
    path(
        "export/indikatorer.csv",
        reporting_views.export_indicators_csv,
        name="export-indicators",
    ),
]
