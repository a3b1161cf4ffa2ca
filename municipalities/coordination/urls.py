from django.urls import path

from municipalities.coordination.views import (
    dashboard,
    entries,
    feed,
    groups,
    indicators,
    reports,
    status,
)

app_name = "samordning"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("grupper/<slug:slug>/", groups.group_detail, name="group"),
    path("grupper/<slug:slug>/moten/nytt/", groups.meeting_form, name="meeting-create"),
    path(
        "grupper/<slug:slug>/moten/<int:pk>/andra/",
        groups.meeting_form,
        name="meeting-edit",
    ),
    path(
        "grupper/<slug:slug>/moten/<int:pk>/ta-bort/",
        groups.meeting_delete,
        name="meeting-delete",
    ),
    path(
        "grupper/<slug:slug>/moten/<int:pk>/anteckningar/",
        groups.minutes_detail,
        name="minutes",
    ),
    path(
        "grupper/<slug:slug>/moten/<int:pk>/anteckningar/skriv/",
        groups.minutes_form,
        name="minutes-edit",
    ),
    path(
        "grupper/<slug:slug>/moten/<int:pk>/anteckningar/faststall/",
        groups.minutes_adopt,
        name="minutes-adopt",
    ),
    path(
        "grupper/<slug:slug>/moten/<int:pk>/anteckningar/rattelse/",
        groups.minutes_correct,
        name="minutes-correct",
    ),
    path(
        "grupper/<slug:slug>/rapportering/",
        groups.reporting_schedule_form,
        name="reporting-schedule",
    ),
    path(
        "grupper/<slug:slug>/beslut/nytt/", groups.decision_form, name="decision-create"
    ),
    path(
        "grupper/<slug:slug>/beslut/<int:pk>/andra/",
        groups.decision_form,
        name="decision-edit",
    ),
    path("grupper/<slug:slug>/atgarder/ny/", groups.action_form, name="action-create"),
    path(
        "grupper/<slug:slug>/atgarder/<int:pk>/andra/",
        groups.action_form,
        name="action-edit",
    ),
    path(
        "grupper/<slug:slug>/kalenderlank/",
        groups.calendar_link,
        name="calendar-link",
    ),
    path(
        "grupper/<slug:slug>/kalender/<str:token>.ics",
        groups.group_ics,
        name="group-ics",
    ),
    path("lagesrapporter/", entries.entry_list, name="entries"),
    path("lagesrapporter/ny/", entries.entry_create, name="entry-create"),
    path("lagesrapporter/flode/", feed.EntryFeed.as_view(), name="entry-feed"),
    path("lagesrapporter/<int:pk>/", entries.entry_detail, name="entry-detail"),
    path("lagesrapporter/<int:pk>/andra/", entries.entry_edit, name="entry-edit"),
    path("lagesrapporter/<int:pk>/ta-bort/", entries.entry_delete, name="entry-delete"),
    path(
        "lagesrapporter/<int:pk>/historik/", entries.entry_history, name="entry-history"
    ),
    path("lagesrapporter/<int:pk>/faststall/", entries.entry_adopt, name="entry-adopt"),
    path(
        "lagesrapporter/<int:pk>/rattelse/", entries.entry_correct, name="entry-correct"
    ),
    path("bilagor/<int:pk>/", entries.attachment_download, name="attachment"),
    path("lage/", status.status_list, name="status-list"),
    path(
        "lage/<slug:municipality>/<slug:focus_area>/",
        status.status_edit,
        name="status-edit",
    ),
    path("indikatorer/", indicators.indicator_list, name="indicators"),
    path("indikatorer/rapportera/", indicators.indicator_form, name="indicator-form"),
    path("jamforelse/", indicators.comparison, name="comparison"),
    path("rapport/", reports.report, name="report"),
    path(
        "export/lagesrapporter.csv",
        reports.export_entries_csv,
        name="export-entries",
    ),
    path("export/lage.csv", reports.export_statuses_csv, name="export-statuses"),
    path(
        "export/indikatorer.csv",
        reports.export_indicators_csv,
        name="export-indicators",
    ),
]
