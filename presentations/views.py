"""Public pages for sessions, presentations and speakers, and their calendars."""

import datetime

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.breadcrumbs import Section
from portal.freshness import page_freshness
from portal.ical import CalendarEvent, ics_response
from portal.pagination import paginate, query_without_page
from presentations.models import Presentation, PresentationSpeaker, Session, Speaker

PRESENTATIONS = Section(gettext_lazy("Presentationer"), "presentations:list")

SESSIONS_PER_PAGE = 10
# The upcoming-sessions calendar keeps a session for a day after it ended.
CALENDAR_KEEPS_ENDED = datetime.timedelta(days=1)
PRESENTATIONS_PER_PAGE = 20


def _public_presentations():
    return Presentation.objects.filter(published=True).prefetch_related(
        Prefetch(
            "speaker_links",
            queryset=PresentationSpeaker.objects.select_related("speaker"),
        )
    )


def session_list(request):
    sessions = Session.objects.published()
    page = paginate(request, sessions, SESSIONS_PER_PAGE)
    return render(
        request,
        "presentations/session_list.html",
        {
            "page": page,
            "freshness": page_freshness("sessions", list(page.object_list)),
            "breadcrumbs": PRESENTATIONS.breadcrumbs(),
        },
    )


def _event_ld(session):
    return {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": session.title,
        "startDate": session.starts_at.isoformat(),
        "endDate": session.ends_at.isoformat(),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": session.venue or settings.PORTAL_NAME,
            "address": session.address or session.venue,
        },
        "organizer": {"@type": "Organization", "name": settings.PORTAL_NAME},
        "url": settings.SITE_URL + session.get_absolute_url(),
        "inLanguage": "sv",
    }


def session_detail(request, slug):
    session = get_object_or_404(
        Session.objects.published().prefetch_related(
            Prefetch(
                "presentations",
                queryset=_public_presentations(),
                to_attr="public_presentations",
            )
        ),
        slug=slug,
    )
    return render(
        request,
        "presentations/session_detail.html",
        {
            "session": session,
            "event_ld": _event_ld(session),
            "freshness": page_freshness(
                "sessions",
                session,
                session.public_presentations,
                [
                    link.speaker
                    for presentation in session.public_presentations
                    for link in presentation.speaker_links.all()
                ],
            ),
            "breadcrumbs": PRESENTATIONS.breadcrumbs(session.title),
        },
    )


def presentation_detail(request, session, slug):
    presentation = get_object_or_404(
        Presentation.objects.published()
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "speaker_links",
                queryset=PresentationSpeaker.objects.select_related("speaker"),
            ),
            "focus_areas",
        ),
        session__slug=session,
        slug=slug,
    )
    return render(
        request,
        "presentations/presentation_detail.html",
        {
            "presentation": presentation,
            "freshness": page_freshness(
                "sessions",
                presentation,
                presentation.session,
                [link.speaker for link in presentation.speaker_links.all()],
            ),
            "breadcrumbs": PRESENTATIONS.breadcrumbs(
                (presentation.session.title, presentation.session.get_absolute_url()),
                presentation.title,
            ),
        },
    )


def presentation_slides(request, session, slug):
    """Slides are served only while the presentation is public."""
    presentation = get_object_or_404(
        Presentation.objects.published().exclude(slides=""),
        session__slug=session,
        slug=slug,
    )
    return FileResponse(
        presentation.slides.open("rb"),
        as_attachment=True,
        filename=f"{presentation.slug}.pdf",
        content_type="application/pdf",
    )


def speaker_detail(request, slug):
    speaker = get_object_or_404(Speaker.objects.public(), slug=slug)
    presentations = (
        Presentation.objects.published()
        .filter(speakers=speaker)
        .select_related("session")
        .order_by("-session__starts_at", "order", "pk")
    )
    return render(
        request,
        "presentations/speaker_detail.html",
        {
            "speaker": speaker,
            "page": paginate(request, presentations, PRESENTATIONS_PER_PAGE),
            "filter_query": query_without_page(request),
            "freshness": page_freshness("speakers", speaker, presentations),
            "breadcrumbs": PRESENTATIONS.breadcrumbs(speaker.name),
        },
    )


def _event(session):
    location = ", ".join(part for part in (session.venue, session.address) if part)
    return CalendarEvent(
        uid=f"session-{session.pk}",
        summary=session.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        stamp=timezone.now(),
        location=location,
        url=settings.SITE_URL + session.get_absolute_url(),
    )


def session_ics(request, slug):
    session = get_object_or_404(Session.objects.published(), slug=slug)
    return ics_response(
        session.title, [_event(session)], filename=f"{session.slug}.ics"
    )


def upcoming_ics(request):
    since = timezone.now() - CALENDAR_KEEPS_ENDED
    sessions = Session.objects.upcoming(now=since).order_by("starts_at")[:50]
    return ics_response(
        _("FoU Nordväst – kommande sessioner"),
        [_event(session) for session in sessions],
        filename="kommande-sessioner.ics",
    )
