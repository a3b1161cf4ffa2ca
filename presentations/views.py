"""Public pages for sessions, presentations and speakers."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from presentations.models import Presentation, Session, Speaker


def session_list(request):
    return render(
        request,
        "presentations/session_list.html",
        {
            "sessions": Session.objects.published(),
            "breadcrumbs": [(_("Presentationer"), "")],
        },
    )


def session_detail(request, slug):
    session = get_object_or_404(
        Session.objects.published().prefetch_related(
            Prefetch(
                "presentations",
                queryset=Presentation.objects.filter(published=True).prefetch_related(
                    "speakers"
                ),
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
            "breadcrumbs": [
                (_("Presentationer"), reverse("presentations:list")),
                (session.title, ""),
            ],
        },
    )


def presentation_detail(request, session, slug):
    presentation = get_object_or_404(
        Presentation.objects.published()
        .select_related("session")
        .prefetch_related("speakers"),
        session__slug=session,
        slug=slug,
    )
    return render(
        request,
        "presentations/presentation_detail.html",
        {
            "presentation": presentation,
            "breadcrumbs": [
                (_("Presentationer"), reverse("presentations:list")),
                (
                    presentation.session.title,
                    presentation.session.get_absolute_url(),
                ),
                (presentation.title, ""),
            ],
        },
    )


def speaker_detail(request, slug):
    speaker = get_object_or_404(Speaker, slug=slug)
    presentations = list(
        Presentation.objects.published()
        .filter(speakers=speaker)
        .select_related("session")
    )
    if not presentations:
        # A speaker is public only through a published presentation.
        raise Http404
    return render(
        request,
        "presentations/speaker_detail.html",
        {
            "speaker": speaker,
            "presentations": presentations,
            "breadcrumbs": [
                (_("Presentationer"), reverse("presentations:list")),
                (speaker.name, ""),
            ],
        },
    )
