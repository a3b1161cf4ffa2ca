"""Demo content for presentations: the 2022 kick-off, its speakers, and
example slides generated as PDFs (each page says they are examples)."""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.utils.html import escape

from portal.seeding import stockholm_time, upsert
from presentations.models import Presentation, PresentationSpeaker, Session, Speaker


@dataclass
class Slide:
    title: str
    points: list[str] = field(default_factory=list)


PRESENTATIONS = [
    {
        "slug": "vagen-ut-ur-natverken",
        "title": "Vägen ut ur kriminella nätverk",
        "speaker": "juri-escobar",
        "minutes": 40,
        "summary": (
            "Juri Escobar har arbetat med avhoppare på Fryshuset sedan 2015. Enligt "
            "hans erfarenhet vill de allra flesta som hör av sig verkligen lämna "
            "sitt nätverk. Han går igenom fyra begrepp som arbetet vilar på: "
            "nätverk och gäng, våld och konflikter, skydd och trygghet samt "
            "behandling där flera professioner samverkar. Vägen ut beskrivs i fyra "
            "faser. I de här exempelbilderna illustreras faserna som inskrivning "
            "och bedömning, en intensiv fas, utslussning och eftervård; "
            "indelningen är ett exempel och inte talarens egna bilder."
        ),
        "slides": [
            Slide("Vägen ut ur kriminella nätverk", ["Juri Escobar, Fryshuset"]),
            Slide(
                "Fyra nyckelbegrepp",
                [
                    "Nätverk och gäng",
                    "Våld och konflikter",
                    "Skydd och trygghet",
                    "Behandling där flera professioner samverkar",
                ],
            ),
            Slide(
                "Fyra faser (illustration)",
                [
                    "Inskrivning och bedömning",
                    "Intensiv fas",
                    "Utslussning",
                    "Eftervård",
                ],
            ),
        ],
    },
    {
        "slug": "hotbild-och-tajming",
        "title": "Hotbild, tajming och informationsdelning",
        "speaker": "stephan-kiernan",
        "minutes": 30,
        "summary": (
            "Stephan Kiernan från polisen i Norrort beskriver hur polisen "
            "fortlöpande kartlägger möjliga konflikter för att bedöma hot mot "
            "enskilda. Att fånga upp den som vill hoppa av är en fråga om tajming: "
            "viljan att lämna kan vara kortvarig. När flera myndigheter arbetar "
            "tillsammans behöver alla veta vilken information som får delas, med "
            "vem och när."
        ),
        "slides": [
            Slide("Hotbild, tajming och informationsdelning", ["Stephan Kiernan"]),
            Slide(
                "Polisens lägesbild",
                [
                    "Kartläggning av möjliga konflikter",
                    "Bedömning av hot mot enskilda",
                ],
            ),
            Slide(
                "Samverkan",
                [
                    "Rätt tidpunkt avgör",
                    "Vilken information får delas – och när?",
                ],
            ),
        ],
    },
    {
        "slug": "uppdraget-och-vagen-framat",
        "title": "Uppdraget och vägen framåt",
        "speaker": "jorgen-larsson",
        "minutes": 25,
        "summary": (
            "Projektledaren Jörgen Larsson, tjänstledig från polisen i Järva, "
            "presenterar uppdraget: att under ett år samla kunskap om hur "
            "socialtjänsten kan förebygga nyrekrytering och stödja avhoppare i de "
            "nordvästra kommunerna. Även han lyfter tajmingen som avgörande och "
            "beskriver hur arbetsgrupperna ska arbeta under året."
        ),
        "slides": [
            Slide("Uppdraget och vägen framåt", ["Jörgen Larsson, projektledare"]),
            Slide(
                "Två fokusområden",
                ["Förebygga nyrekrytering", "Stöd till avhoppare"],
            ),
            Slide(
                "Året som kommer",
                [
                    "Kunskapsläget",
                    "Kartläggning av kommunernas arbete och behov",
                    "Lokalt utvecklingsarbete",
                    "Sammanfattning med förslag",
                ],
            ),
        ],
    },
]

SPEAKERS = [
    {
        "slug": "juri-escobar",
        "name": "Juri Escobar",
        "title": "Arbetar med stöd till avhoppare",
        "organisation": "Fryshuset",
        "bio": "Juri Escobar har arbetat med stöd till avhoppare på Fryshuset sedan "
        "2015.",
    },
    {
        "slug": "stephan-kiernan",
        "name": "Stephan Kiernan",
        "title": "Polis",
        "organisation": "Polisen, lokalpolisområde Norrort",
        "bio": "Stephan Kiernan arbetar inom polisen i Norrort med lägesbilder över "
        "konflikter mellan kriminella grupperingar.",
    },
    {
        "slug": "jorgen-larsson",
        "name": "Jörgen Larsson",
        "title": "Projektledare",
        "organisation": "FoU Nordväst",
        "bio": "Jörgen Larsson leder uppdraget och är tjänstledig från polisen i "
        "Järva, där han tidigare arbetat i samverkan mellan polis, socialtjänst "
        "och kriminalvård.",
    },
]


def slides_pdf(title: str, slides: list[Slide]) -> bytes:
    """Render example slides to a PDF; every page says they are examples."""
    from portal.pdf import render_pdf

    pages = []
    for slide in slides:
        points = "".join(f"<li>{escape(point)}</li>" for point in slide.points)
        pages.append(
            f"<section><h1>{escape(slide.title)}</h1><ul>{points}</ul>"
            f'<p class="example">Exempelbilder – inte talarens egna bilder</p>'
            f"</section>"
        )
    html = f"""<!doctype html><html lang="sv"><head><meta charset="utf-8">
<title>{escape(title)}</title>
<style>
@page {{ size: A4 landscape; margin: 2cm; }}
body {{ font-family: "DejaVu Sans", sans-serif; color: #1b1f24; }}
section {{ page-break-after: always; }}
section:last-child {{ page-break-after: auto; }}
h1 {{ color: #0b4f6c; font-size: 30pt; }}
li {{ font-size: 20pt; margin: 0.4em 0; }}
.example {{ position: absolute; bottom: 0; font-size: 12pt; color: #8a1c1c; }}
</style></head><body>{"".join(pages)}</body></html>"""
    return render_pdf(html)


def seed_kick_off(*, mandate) -> tuple[Session, int, int]:
    """The kick-off session with its presentations; returns the session, how
    many slide PDFs had to be generated (none when all exist) and how many
    could not be, because this machine cannot make PDFs (no WeasyPrint or
    Pango): those presentations have no slides until the next run."""
    from portal.pdf import PdfRefused

    session, _ = upsert(
        Session,
        {"slug": "kick-off-2022"},
        {
            "mandate": mandate,
            "kind": Session.Kind.KICK_OFF,
            "title": "Kick-off för uppdraget om avhoppare och att förebygga "
            "rekrytering",
            "starts_at": stockholm_time(2022, 4, 29, 9, 0),
            "ends_at": stockholm_time(2022, 4, 29, 12, 0),
            "venue": "FoU Nordväst, Jakobsbergs sjukhus",
            "address": "Järfälla",
            "description": "Uppdraget startade med presentationer från Fryshuset, "
            "polisen och projektledningen inför socialtjänstens medarbetare från "
            "nordvästkommunerna och länsstyrelsen.",
            "published": True,
        },
    )

    speakers = {}
    for data in SPEAKERS:
        values = {key: value for key, value in data.items() if key != "slug"}
        speakers[data["slug"]], _ = upsert(Speaker, {"slug": data["slug"]}, values)

    generated = missing = 0
    for order, data in enumerate(PRESENTATIONS, start=1):
        presentation, _ = upsert(
            Presentation,
            {"session": session, "slug": data["slug"]},
            {
                "title": data["title"],
                "summary": data["summary"],
                "duration_minutes": data["minutes"],
                "order": order,
                "published": True,
                "slides_are_example": True,
            },
        )
        PresentationSpeaker.objects.get_or_create(
            presentation=presentation,
            speaker=speakers[data["speaker"]],
            defaults={"order": 0},
        )
        if not presentation.slides or not presentation.slides.storage.exists(
            presentation.slides.name
        ):
            if missing:  # no PDF could be made for the one before either
                missing += 1
                continue
            try:
                pdf = slides_pdf(data["title"], data["slides"])
            except PdfRefused as refused:
                if refused.reason != PdfRefused.UNAVAILABLE:
                    raise
                missing += 1
                continue
            presentation.slides.save("exempel.pdf", ContentFile(pdf), save=True)
            generated += 1
    return session, generated, missing


# Sessions after the kick-off, without presentations of their own: examples
# of what the programme's year could hold.
SESSIONS = [
    {
        "slug": "seminarium-sluta-skjut",
        "kind": Session.Kind.SEMINAR,
        "title": "Seminarium om Sluta skjut",
        "starts_at": (2022, 10, 13, 13, 0),
        "hours": 3,
        "description": "Ett seminarium för socialtjänsten och polisen om Sluta "
        "skjut (Group Violence Intervention) och vad arbetssättet skulle kräva "
        "i nordvästkommunerna. Sessionen är ett exempel i portalens "
        "demoinnehåll.",
    },
    {
        "slug": "slutseminarium-2023",
        "kind": Session.Kind.CONFERENCE,
        "title": "Slutseminarium: uppdragets rapport",
        "starts_at": (2023, 3, 10, 9, 0),
        "hours": 3,
        "description": "Projektledningen presenterar slutrapporten och dess "
        "förslag för socialcheferna och arbetsgrupperna. Sessionen är ett "
        "exempel i portalens demoinnehåll.",
    },
]


def seed_sessions(*, mandate) -> list[Session]:
    """The mandate's later sessions; returns them."""
    sessions = []
    for data in SESSIONS:
        starts_at = stockholm_time(*data["starts_at"])
        session, _ = upsert(
            Session,
            {"slug": data["slug"]},
            {
                "mandate": mandate,
                "kind": data["kind"],
                "title": data["title"],
                "starts_at": starts_at,
                "ends_at": starts_at + datetime.timedelta(hours=data["hours"]),
                "venue": "FoU Nordväst, Jakobsbergs sjukhus",
                "address": "Järfälla",
                "description": data["description"],
                "published": True,
            },
        )
        sessions.append(session)
    return sessions
