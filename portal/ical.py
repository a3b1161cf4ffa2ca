"""The one iCalendar builder: public sessions and working-group meetings.

icalendar (with dateutil) is imported when a calendar is asked for, not by
every worker that serves pages.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # unique within the site, e.g. "session-12"
    summary: str
    starts_at: object
    ends_at: object
    stamp: object
    location: str = ""
    url: str = ""


def ics_response(name, events, *, filename=None, private=False):
    """An .ics response for `events`; `private` forbids any cache."""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//FoU Nordväst//Portalen//SV")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    host = settings.SITE_URL.split("://")[-1]
    for item in events:
        event = icalendar.Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("summary", item.summary)
        event.add("dtstart", item.starts_at)
        event.add("dtend", item.ends_at)
        event.add("dtstamp", item.stamp)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "no-store, private"
    return response
